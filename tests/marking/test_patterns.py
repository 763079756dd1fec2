"""The judge-pattern view: the adapter on stored judgement scores (sets grouped per aspect and
contestant, the criterion filter, the event's spread limit, names joined), the page for who may see
it (the chief expert, organizers, admins) and every forbidden path (judges, reserve, supervisor,
an unrelated expert, another tree's organizer, anonymous), and the charts' layout.

The marks are the hand-worked team of 3 of tests/scoring/test_judge_patterns.py, stored through the
paper path: j1, j2, j3 as a, b, c there.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from app.auth.models import Role
from app.extensions import db
from app.marking.paper import import_marks
from app.marking.pattern_chart import differs_chart, mean_chart, shorten
from app.marking.patterns import JudgeRow, judgement_criteria, judgement_sets, skill_patterns
from scoring.judge_patterns import JudgePattern
from tests.events.helpers import login_en
from tests.marking.builders import DESCRIPTORS, World, install_scheme, rows, scheme_doc

D = Decimal
PAGE = "/events/EV1/skills/WELD/marking/judges"
# B1.1 turned into a judgement aspect, so two criteria have judgement scores.
B1_1 = {"id": "B1.1", "type": "J", "description": "Bevel finish", "max": "10.00", "section": "1",
        "descriptors": DESCRIPTORS}
SCORES = [
    ("W-01", "A1.1", "j1", "1"), ("W-01", "A1.1", "j2", "1"), ("W-01", "A1.1", "j3", "3"),
    ("W-02", "A1.1", "j1", "2"), ("W-02", "A1.1", "j2", "2"), ("W-02", "A1.1", "j3", "2"),
    ("W-03", "A1.1", "j1", "0"), ("W-03", "A1.1", "j2", "2"), ("W-03", "A1.1", "j3", "3"),
    ("W-01", "B1.1", "j1", "2"), ("W-01", "B1.1", "j2", "3"),
    ("W-02", "B1.1", "j3", "3"),   # a single judge: counts for j3's mean only
]


def two_judged_criteria() -> dict:
    doc = scheme_doc()
    doc["criteria"][1]["sub_criteria"][0]["aspects"][0] = B1_1
    return doc


@pytest.fixture()
def world(ctx, make):
    world = World(make, scheme=False)
    install_scheme(world.weld, two_judged_criteria())
    install_scheme(world.care)
    world.users["org"] = make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    world.users["org-nc"] = make.user("org-nc", role=Role.ORGANIZER, unit=world.units["JX-NC"])
    world.users["admin"] = make.user("admin", role=Role.ADMIN)
    world.users["j1"].display_name = "Wang Zhigang"
    db.session.commit()
    return world


@pytest.fixture()
def marked(world):
    import_marks(world.weld, rows(*SCORES))
    db.session.commit()
    return world


def figures(found) -> dict[str, JudgePattern]:
    return {row.username: row.pattern for row in found.rows}


# --------------------------------------------------------------------------- the adapter


def test_the_skills_sets_are_grouped_per_aspect_and_contestant(marked):
    names = {marked.users[name].id: name for name in ("j1", "j2", "j3")}
    sets = sorted(sorted((names[judge], score) for judge, score in one.items())
                  for one in judgement_sets(marked.weld))
    assert sets == [[("j1", 0), ("j2", 2), ("j3", 3)], [("j1", 1), ("j2", 1), ("j3", 3)],
                    [("j1", 2), ("j2", 2), ("j3", 2)], [("j1", 2), ("j2", 3)], [("j3", 3)]]
    assert judgement_sets(marked.weld, "B") == [{marked.users["j1"].id: 2, marked.users["j2"].id: 3},
                                                {marked.users["j3"].id: 3}]
    assert judgement_sets(marked.care) == []


def test_the_whole_skill(marked):
    found = skill_patterns(marked.weld)
    assert figures(found) == {
        "j1": JudgePattern(4, D("1.25"), 4, 1, D("25.0"), D("-1.13")),
        "j2": JudgePattern(4, D("2.00"), 4, 0, D("0.0"), D("0.13")),
        "j3": JudgePattern(4, D("2.75"), 3, 2, D("66.7"), D("1.33")),
    }
    assert (found.panel.sets, found.panel.compared, found.panel.breached, found.panel.mean) == (5, 4, 2, D("2.00"))
    assert found.criterion is None and found.spread_limit == 1
    assert found.criteria == [("A", "Finish"), ("B", "Dimensions")]


def test_names_are_joined_and_sorted(marked):
    """By display name (the username when there is none), in code-point order."""
    marked.users["j3"].display_name = "Anna"
    db.session.commit()
    found = skill_patterns(marked.weld)
    assert [(r.username, r.name) for r in found.rows] == [("j3", "Anna"), ("j1", "Wang Zhigang"), ("j2", "j2")]
    assert all(r.user_id == marked.users[r.username].id for r in found.rows)


def test_one_criterion(marked):
    a = skill_patterns(marked.weld, "A")
    assert figures(a) == {
        # 1, 2, 0 → 1.00; deviations −1, 0, −5/2 → −7/6
        "j1": JudgePattern(3, D("1.00"), 3, 1, D("33.3"), D("-1.17")),
        # 1, 2, 2 → 5/3; −1, 0, 1/2 → −1/6
        "j2": JudgePattern(3, D("1.67"), 3, 0, D("0.0"), D("-0.17")),
        "j3": JudgePattern(3, D("2.67"), 3, 2, D("66.7"), D("1.33")),
    }
    b = skill_patterns(marked.weld, "B")
    assert figures(b) == {
        "j1": JudgePattern(1, D("2.00"), 1, 0, D("0.0"), D("-1.00")),
        "j2": JudgePattern(1, D("3.00"), 1, 0, D("0.0"), D("1.00")),
        "j3": JudgePattern(1, D("3.00"), 0, 0, None, None),
    }
    assert (b.criterion, b.panel.sets, b.panel.breached) == ("B", 2, 0)


def test_the_events_spread_limit(marked):
    marked.event.spread_limit = 2
    db.session.commit()
    found = skill_patterns(marked.weld)
    assert {name: p.differs for name, p in figures(found).items()} == {"j1": 1, "j2": 0, "j3": 0}
    assert found.spread_limit == 2 and found.panel.breached == 1


def test_criteria_with_judgement_aspects(world):
    assert judgement_criteria(world.weld) == [("A", "Finish"), ("B", "Dimensions")]
    assert judgement_criteria(world.care) == [("A", "Finish")]


def test_no_scores(world):
    found = skill_patterns(world.weld)
    assert found.rows == [] and found.panel.sets == 0 and found.panel.mean is None


# --------------------------------------------------------------------------- who sees the page


def as_user(client, name: str) -> None:
    client.post("/logout")
    login_en(client, name)


def test_the_chief_expert_sees_the_table_and_charts(client, marked):
    as_user(client, "chief")
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.text
    for figure in ("1.25", "25.0%", "−1.13", "+0.13", "2.75", "66.7%", "+1.33", "1 / 4", "2 / 3"):
        assert figure in text, figure
    assert "Wang Zhigang" in text and "j1" in text
    assert text.count("<svg") == 2 and 'role="img"' in text and "panel 2.00" in text
    assert "Sets differing from the team by more than 1" in text
    assert "?criterion=A" in text and "?criterion=B" in text


@pytest.mark.parametrize("name", ["org", "admin"])
def test_organizers_and_admins_see_it(client, marked, name):
    as_user(client, name)
    page = client.get(PAGE)
    assert page.status_code == 200 and "66.7%" in page.text


@pytest.mark.parametrize("name", ["j1", "j2", "res", "sup", "outsider", "org-nc"])
def test_anyone_else_gets_404(client, marked, name):
    """Judges, the reserve and the supervisor of the panel, an expert without a seat and an organizer
    of another tree: 404, as for a skill that does not exist."""
    as_user(client, name)
    assert client.get(PAGE).status_code == 404
    assert client.get(f"{PAGE}?criterion=A").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, marked):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_skill_event_and_criterion_are_404(client, marked):
    as_user(client, "chief")
    assert client.get("/events/EV1/skills/NOPE/marking/judges").status_code == 404
    assert client.get("/events/NOPE/skills/WELD/marking/judges").status_code == 404
    assert client.get(f"{PAGE}?criterion=Z").status_code == 404
    assert client.get("/events/EV1/skills/CARE/marking/judges?criterion=B").status_code == 404   # no J aspect


def test_the_criterion_filter(client, marked):
    as_user(client, "chief")
    text = client.get(f"{PAGE}?criterion=A").text
    assert "criterion A" in text and "33.3%" in text and "−1.17" in text and "−0.17" in text
    assert 'class="chip active" href="/events/EV1/skills/WELD/marking/judges?criterion=A"' in text
    text = client.get(f"{PAGE}?criterion=B").text
    assert "−1.00" in text and "+1.00" in text and "0 / 0" in text


def test_blind_marking_shows_no_contestant(client, marked):
    marked.event.blind_marking = True
    db.session.commit()
    as_user(client, "chief")
    text = client.get(PAGE).text
    assert "66.7%" in text
    assert not any(bib in text for bib in ("W-01", "W-02", "W-03", "W-04"))


def test_a_skill_without_scores(client, world):
    as_user(client, "chief")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "No judgement scores yet." in page.text and "<svg" not in page.text


def test_the_marking_page_links_here_for_the_chief_and_organizers_only(client, marked):
    for name, linked in (("chief", True), ("org", True), ("j1", False), ("sup", False)):
        as_user(client, name)
        assert (PAGE in client.get("/events/EV1/skills/WELD/marking").text) is linked, name


# --------------------------------------------------------------------------- the charts


def judge(name: str, mean: str, share: str | None) -> JudgeRow:
    pattern = JudgePattern(4, D(mean), 4 if share else 0, 1, D(share) if share else None,
                           D("0.10") if share else None)
    return JudgeRow(1, name, name, pattern)


def test_mean_chart_is_on_a_0_to_3_axis():
    chart = mean_chart([judge("a", "3.00", "10.0"), judge("b", "1.50", None)], D("2.25"))
    span = chart.right - chart.left
    assert [r.width for r in chart.rows] == [span, span / 2]
    assert [t for _, t in chart.ticks] == ["0", "1", "2", "3"]
    assert chart.marker_x == chart.left + span * 0.75 and chart.marker == "2.25"
    assert chart.marker_anchor == "end"
    assert chart.height == chart.bottom + 24 and chart.bottom == chart.top + 2 * 30
    assert mean_chart([], None) is None


def test_differs_chart_picks_the_smallest_axis_that_holds_the_largest_share():
    chart = differs_chart([judge("a", "2.00", "20.0"), judge("b", "2.00", "5.0"), judge("c", "2.00", None)])
    span = chart.right - chart.left
    assert [t for _, t in chart.ticks] == ["0%", "12.5%", "25%"]
    assert [r.width for r in chart.rows] == [round(span * 0.8, 1), round(span * 0.2, 1), 0]
    assert [r.value for r in chart.rows] == ["20.0%", "5.0%", "–"]
    assert [t for _, t in differs_chart([judge("a", "2.00", "0.0")]).ticks] == ["0%", "5%", "10%"]
    assert [t for _, t in differs_chart([judge("a", "2.00", "100.0")]).ticks] == ["0%", "50%", "100%"]


@pytest.mark.parametrize(("name", "expected"), [
    ("王志刚", "王志刚"), ("j1", "j1"), ("abcdefghijklm", "abcdefghijklm"), ("abcdefghijklmn", "abcdefghijkl…"),
    ("欧阳王志刚明月光", "欧阳王志刚明…"),
])
def test_labels_are_shortened_to_fit(name, expected):
    assert shorten(name) == expected

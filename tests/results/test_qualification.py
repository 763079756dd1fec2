"""Qualification from results: the top N (places, so a shared place comes whole) or the medal winners
of the feeder's final results advance, teams with all members, already advanced ones skipped; only
final results qualify; the button on the qualification page and who may press it."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.auth.models import Role
from app.errors import DomainError, InputRefused
from app.events.models import Registration
from app.extensions import db
from app.results.publication import publish
from app.results.qualification import advance_qualifiers, qualifiers
from app.units.models import UnitKind
from tests.events.helpers import login_en
from tests.marking.builders import World
from tests.results.builders import TEAM_SCORES, mark_and_lock

# W-02 and W-03 share 2nd place: practical 78.33 each, theory 90 each → 80.66 (W-01 92.00).
SHARED_SECOND = {"W-01": "3", "W-02": "2", "W-03": "2"}
SHARED_THEORY = {"W-01": "80", "W-02": "90", "W-03": "90"}


class Contest:
    """EV1 (the marking tests' contest, marked and locked) feeds PROV (WELD, WELD-X, CARE)."""

    def __init__(self, make, *, final: bool | None = True, scores=SHARED_SECOND, theory=SHARED_THEORY):
        self.w = World(make)
        mark_and_lock(self.w.weld, scores, theory)
        mark_and_lock(self.w.care, TEAM_SCORES, {"C-01": "50", "C-03": "50"})
        if final is not None:
            publish(self.w.event, final=final)
        self.hrss = make.unit("PROV-HRSS", kind=UnitKind.HR_AUTHORITY)
        self.prov = make.event("PROV", organizers=[self.hrss], feeder_event=self.w.event, opens=date(2026, 10, 1),
                               closes=date(2026, 10, 5), starts_on=date(2026, 11, 1))
        self.weld = make.skill(self.prov, "WELD")
        self.weld_x = make.skill(self.prov, "WELD-X")
        self.care = make.skill(self.prov, "CARE", team_size=2)
        make.user("prov-org", unit=self.hrss)
        make.user("ev1-org", unit=self.w.hrss)
        make.user("nc-admin", role=Role.UNIT_ADMIN, unit=self.w.units["JX-NC"])
        db.session.commit()


@pytest.fixture()
def contest(ctx, make) -> Contest:
    return Contest(make)


def in_prov(contest: Contest) -> dict[str, Registration]:
    return {r.contestant_no: r for r in db.session.scalars(
        select(Registration).where(Registration.event_id == contest.prov.id))}


def test_top_two_with_a_shared_second_place_advances_three(contest):
    advanced = advance_qualifiers(contest.prov, rule="top", top_n=2, skill_map={}, skills=["WELD"])
    db.session.commit()
    assert sorted(r.contestant_no for r in advanced) == ["W-01", "W-02", "W-03"]
    regs = in_prov(contest)
    assert {r.skill.code for r in regs.values()} == {"WELD"}
    assert regs["W-02"].feeder_registration.event_id == contest.w.event.id
    audited = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.advance")).all()
    assert sorted(e.after["feeder"] for e in audited) == ["EV1/WELD/W-01", "EV1/WELD/W-02", "EV1/WELD/W-03"]


def test_top_one_takes_the_first_place_of_every_skill_and_a_team_whole(contest):
    advanced = advance_qualifiers(contest.prov, rule="top", top_n=1, skill_map={})
    assert sorted(r.contestant_no for r in advanced) == ["C-01", "C-02", "W-01"]
    regs = in_prov(contest)
    assert regs["C-01"].team == regs["C-02"].team == "T1" and regs["C-01"].skill_id == contest.care.id


def test_medal_winners_are_gold_silver_and_bronze_only(ctx, make):
    contest = Contest(make, scores={"W-01": "3", "W-02": "2", "W-03": "1"},
                      theory={"W-01": "80", "W-02": "90", "W-03": "70"})
    advanced = advance_qualifiers(contest.prov, rule="medals", top_n=None, skill_map={})
    # Ranks 1, 2, 3 in WELD (W-04 was absent: no award); CARE's two teams have gold and silver.
    assert sorted(r.contestant_no for r in advanced) == ["C-01", "C-02", "C-03", "C-04", "W-01", "W-02", "W-03"]


def test_the_skill_map_chooses_the_target_skill(contest):
    advance_qualifiers(contest.prov, rule="top", top_n=1, skill_map={"WELD": "WELD-X"}, skills=["WELD"])
    assert in_prov(contest)["W-01"].skill_id == contest.weld_x.id


def test_already_advanced_qualifiers_are_left_out_and_counted(contest):
    advance_qualifiers(contest.prov, rule="top", top_n=1, skill_map={}, skills=["WELD"])
    found = qualifiers(contest.prov, rule="top", top_n=2, skills=["WELD"])
    assert [r.contestant_no for r in found.already] == ["W-01"]
    assert sorted(r.contestant_no for r in found.to_advance) == ["W-02", "W-03"]
    advanced = advance_qualifiers(contest.prov, rule="top", top_n=2, skill_map={}, skills=["WELD"])
    assert sorted(r.contestant_no for r in advanced) == ["W-02", "W-03"]
    assert advance_qualifiers(contest.prov, rule="top", top_n=2, skill_map={}, skills=["WELD"]) == []
    assert len(in_prov(contest)) == 3


@pytest.mark.parametrize("final", [False, None], ids=["provisional", "private"])
def test_only_final_results_qualify(ctx, make, final):
    contest = Contest(make, final=final)
    with pytest.raises(InputRefused) as refused:
        advance_qualifiers(contest.prov, rule="top", top_n=3, skill_map={})
    state = "provisional" if final is False else "private"
    assert [p.message for p in refused.value.problems] == [
        f"{code} of EV1 is {state}, not final: only final results qualify" for code in ("CARE", "WELD")]
    assert in_prov(contest) == {}


def test_a_skill_not_final_is_refused_unless_left_out(ctx, make):
    contest = Contest(make, final=None)
    publish(contest.w.event, skill=contest.w.weld, final=True)
    with pytest.raises(InputRefused, match="CARE of EV1 is private"):
        advance_qualifiers(contest.prov, rule="top", top_n=1, skill_map={})
    assert [r.contestant_no for r in advance_qualifiers(contest.prov, rule="top", top_n=1, skill_map={},
                                                        skills=["WELD"])] == ["W-01"]


def test_an_event_without_feeder_is_refused(contest):
    with pytest.raises(DomainError, match="EV1 names no feeder event"):
        advance_qualifiers(contest.w.event, rule="top", top_n=1, skill_map={})


@pytest.mark.parametrize("rule, top_n, skill_map, skills, refusal", [
    ("top", None, {}, None, "top N needs a whole number"),
    ("top", 0, {}, None, "top N needs a whole number"),
    ("top", True, {}, None, "top N needs a whole number"),
    ("best", 3, {}, None, "unknown qualification rule"),
    ("medals", 3, {}, None, "N belongs to the rule top N"),
    ("top", 1, {"NOPE": "WELD"}, None, "EV1 has no skill NOPE"),
    ("top", 1, {"WELD": "NOPE"}, None, "PROV has no skill NOPE"),
    ("top", 1, {}, ["NOPE"], "EV1 has no skill NOPE"),
    ("top", 1, {}, [], "choose at least one skill"),
])
def test_inputs_are_validated(contest, rule, top_n, skill_map, skills, refusal):
    with pytest.raises(DomainError, match=refusal):
        advance_qualifiers(contest.prov, rule=rule, top_n=top_n, skill_map=skill_map, skills=skills)
    assert in_prov(contest) == {}


def test_eligibility_still_refuses_everything(contest):
    contest.weld.quota_per_unit = 1
    contest.prov.delegation_kind = UnitKind.CITY  # W-01 and W-03 are both Nanchang's
    with pytest.raises(InputRefused, match="quota reached"):
        advance_qualifiers(contest.prov, rule="top", top_n=3, skill_map={}, skills=["WELD"])
    db.session.rollback()
    assert in_prov(contest) == {}


# --- the button on the qualification page ----------------------------------------------------------

URL = "/events/PROV/qualification/from-results"
PAGE = "/events/PROV/qualification"


def test_the_page_offers_it_and_the_organizer_advances(client, contest):
    login_en(client, "prov-org")
    page = client.get(PAGE).get_data(as_text=True)
    assert f'formaction="{URL}"' in page and 'name="top_n"' in page
    response = client.post(URL, data={"rule": "top", "top_n": "2", "from_skill": ["WELD"], "skill-WELD": "WELD-X",
                                      "skill-CARE": "CARE", "registration": ["999"]})
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    regs = in_prov(contest)
    assert set(regs) == {"W-01", "W-02", "W-03"} and {r.skill.code for r in regs.values()} == {"WELD-X"}
    page = client.get(PAGE).get_data(as_text=True)
    assert "3 qualifiers advanced into PROV; 0 had advanced before." in page
    client.post(URL, data={"rule": "medals", "top_n": "", "from_skill": ["WELD"], "skill-WELD": "WELD-X"})
    assert "0 qualifiers advanced into PROV; 3 had advanced before." in client.get(PAGE).get_data(as_text=True)


def test_refusals_come_back_to_the_page_and_save_nothing(client, ctx, make):
    Contest(make, final=False)
    login_en(client, "prov-org")
    client.post(URL, data={"rule": "top", "top_n": "3", "from_skill": ["WELD", "CARE"]})
    page = client.get(PAGE).get_data(as_text=True)
    assert "Nothing was advanced" in page and "WELD of EV1 is provisional, not final" in page
    client.post(URL, data={"rule": "top", "top_n": "", "from_skill": ["WELD"]})
    assert "Enter N for the top N." in client.get(PAGE).get_data(as_text=True)
    client.post(URL, data={"rule": "top", "top_n": "2", "from_skill": ["NOPE"]})
    assert "not a valid choice" in client.get(PAGE).get_data(as_text=True)
    assert db.session.scalar(select(Registration).where(Registration.feeder_registration_id.is_not(None))) is None


@pytest.mark.parametrize("username, status", [("nc-admin", 403), ("ev1-org", 404)])
def test_forbidden_paths(client, contest, username, status):
    login_en(client, username)
    data = {"rule": "top", "top_n": "3", "from_skill": ["WELD", "CARE"]}
    assert client.post(URL, data=data).status_code == status
    assert in_prov(contest) == {}


def test_an_expert_may_not_and_an_event_without_feeder_has_no_button(client, contest, make):
    make.user("someone", role=Role.EXPERT)
    db.session.commit()
    login_en(client, "someone")
    assert client.post(URL, data={"rule": "medals", "from_skill": ["WELD"]}).status_code == 403
    client.get("/logout")
    login_en(client, "ev1-org")
    assert client.post("/events/EV1/qualification/from-results",
                       data={"rule": "medals", "from_skill": ["WELD"]}).status_code == 404

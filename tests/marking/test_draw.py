"""The draw (抽签): a permutation of workstations and distinct secret numbers over the competed
competitors, reproducible from its seed, replaced before marks and extended (never redrawn) after;
the draw page and the sealed list, and who may see and post them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.events.attendance import set_attendance_many
from app.events.models import Attendance, Registration
from app.extensions import db
from app.marking.draw import (
    DrawError,
    draw_of,
    extend_draw,
    make_draw,
    reproduce,
    reproduce_late,
    secret_numbers,
    undrawn,
)
from app.marking.paper import import_marks
from tests.events.helpers import login_en, registration
from tests.marking.builders import World, audit_entries, complete, rows

SKILL = "/events/EV1/skills/WELD"


@pytest.fixture()
def world(ctx, make):
    world = World(make)
    world.users["org"] = make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    world.users["org-nc"] = make.user("org-nc", role=Role.ORGANIZER, unit=world.units["JX-NC"])
    world.users["ua"] = make.user("ua", role=Role.UNIT_ADMIN, unit=world.units["JX-NC"])
    db.session.commit()
    return world


def bib(world, name: str) -> Registration:
    return db.session.scalar(select(Registration).where(Registration.contestant_no == name))


def mapping(skill) -> dict[str, tuple[str, str]]:
    """Lead bib → (workstation, secret number) of the stored draw."""
    return {e.competitor.contestant_no: (e.workstation, e.secret_no) for e in draw_of(skill).entries}


def store_marks(world) -> None:
    import_marks(world.weld, rows(*complete()))
    db.session.commit()


def check_in(world, name: str, status: Attendance) -> None:
    set_attendance_many(world.weld, [(bib(world, name), status)])
    db.session.commit()


# --------------------------------------------------------------------------- the randomness


def test_reproduce_is_a_permutation_with_distinct_three_digit_numbers():
    bibs = [f"B-{n:03d}" for n in range(1, 41)]
    dealt = reproduce("seed", reversed(bibs))
    assert [d.bib for d in dealt] == bibs  # dealt in code-point order of the bibs, whatever is passed
    assert sorted(d.workstation for d in dealt) == [f"{n:02d}" for n in range(1, 41)]
    numbers = [int(d.secret_no) for d in dealt]
    assert len(set(numbers)) == 40 and all(101 <= n <= 999 for n in numbers)
    assert reproduce("seed", bibs) == dealt and reproduce("other seed", bibs) != dealt


def test_more_than_800_competitors_get_four_digit_numbers_and_wider_workstations():
    assert all(len(d.secret_no) == 3 for d in reproduce("s", [f"{n:04d}" for n in range(800)]))
    dealt = reproduce("s", [f"{n:04d}" for n in range(801)])
    assert all(1001 <= int(d.secret_no) <= 9999 for d in dealt) and len({d.secret_no for d in dealt}) == 801
    stations = sorted(d.workstation for d in dealt)
    assert stations[:2] == ["001", "002"] and stations[-1] == "801"


def test_late_check_ins_take_the_next_workstations_and_unused_numbers():
    first = reproduce("s", ["A", "B", "C"])
    late = reproduce_late("s", 3, [d.secret_no for d in first], ["E", "D"])
    assert [d.bib for d in late] == ["D", "E"]
    assert sorted(d.workstation for d in late) == ["04", "05"]
    assert not {d.secret_no for d in late} & {d.secret_no for d in first}
    assert reproduce_late("s", 3, [d.secret_no for d in first], ["D", "E"]) == late


# --------------------------------------------------------------------------- the service


def test_draw_covers_every_competed_competitor_once_and_is_reproducible(world):
    draw = make_draw(world.weld)
    db.session.commit()
    drawn = mapping(world.weld)
    assert set(drawn) == {"W-01", "W-02", "W-03"}  # W-04 is absent
    assert sorted(ws for ws, _ in drawn.values()) == ["01", "02", "03"]
    numbers = [no for _, no in drawn.values()]
    assert len(set(numbers)) == 3 and all(101 <= int(no) <= 999 for no in numbers)
    assert len(draw.seed) == 32 and draw.drawn_by == "system"
    assert {d.bib: (d.workstation, d.secret_no) for d in reproduce(draw.seed, drawn)} == drawn
    assert secret_numbers(world.weld) == {bib(world, b).id: no for b, (_, no) in drawn.items()}
    [entry] = audit_entries("draw.make")
    assert entry.before is None and entry.after == {"seed": draw.seed,
                                                    "entries": {b: list(v) for b, v in drawn.items()}}


def test_a_team_is_drawn_once_on_its_lead(world):
    make_draw(world.care)
    assert set(mapping(world.care)) == {"C-01", "C-03"}


def test_nobody_competed_nothing_to_draw(world):
    set_attendance_many(world.weld, [(bib(world, b), Attendance.ABSENT) for b in ("W-01", "W-02", "W-03")])
    with pytest.raises(DrawError, match="WELD has no competed contestant to draw"):
        make_draw(world.weld)


def test_drawing_again_before_marks_replaces_the_whole_draw_and_is_audited(world):
    make_draw(world.weld, seed="first")
    db.session.commit()
    first = mapping(world.weld)
    check_in(world, "W-02", Attendance.WITHDRAWN)
    draw = make_draw(world.weld, seed="second")
    db.session.commit()
    assert draw.seed == "second" and set(mapping(world.weld)) == {"W-01", "W-03"}
    dealt = reproduce("second", ["W-01", "W-03"])
    assert mapping(world.weld) == {d.bib: (d.workstation, d.secret_no) for d in dealt}
    again = audit_entries("draw.make")[-1]
    assert again.before["seed"] == "first"
    assert again.before["entries"] == {b: list(v) for b, v in first.items()}
    assert again.after["seed"] == "second"


def test_once_marks_exist_a_redraw_is_refused_and_nothing_changes(world):
    make_draw(world.weld)
    db.session.commit()
    before = mapping(world.weld)
    store_marks(world)
    with pytest.raises(DrawError, match="WELD has marks already: the draw cannot be made again"):
        make_draw(world.weld)
    db.session.rollback()
    assert mapping(world.weld) == before and len(audit_entries("draw.make")) == 1


def test_late_check_ins_are_added_without_touching_the_others(world):
    draw = make_draw(world.weld)
    db.session.commit()
    before = mapping(world.weld)
    store_marks(world)
    check_in(world, "W-04", Attendance.COMPETED)
    assert [c.lead.contestant_no for c in undrawn(world.weld)] == ["W-04"]
    [added] = extend_draw(world.weld)
    db.session.commit()
    after = mapping(world.weld)
    assert {b: v for b, v in after.items() if b != "W-04"} == before
    assert added.workstation == "04" and added.secret_no not in {no for _, no in before.values()}
    [dealt] = reproduce_late(draw.seed, 3, [no for _, no in before.values()], ["W-04"])
    assert (dealt.workstation, dealt.secret_no) == after["W-04"]
    [entry] = audit_entries("draw.extend")
    assert entry.after == {"seed": draw.seed, "drawn_before": 3, "entries": {"W-04": list(after["W-04"])}}
    with pytest.raises(DrawError, match="every competed contestant of WELD is drawn already"):
        extend_draw(world.weld)


def test_extending_needs_a_draw(world):
    with pytest.raises(DrawError, match="WELD has no draw yet"):
        extend_draw(world.weld)


def test_a_drawn_competitor_checked_out_keeps_the_entry(world):
    make_draw(world.weld)
    check_in(world, "W-03", Attendance.ABSENT)
    assert "W-03" in mapping(world.weld) and undrawn(world.weld) == []


# --------------------------------------------------------------------------- the pages


def as_user(client, name: str) -> None:
    client.post("/logout")
    login_en(client, name)


@pytest.mark.parametrize("name", ["j1", "res", "sup", "outsider", "org-nc"])
def test_the_draw_is_hidden_from_judges_supervisors_and_other_organizers(client, world, name):
    make_draw(world.weld)
    db.session.commit()
    as_user(client, name)
    for path in ("draw", "draw/sealed", "check-in"):
        assert client.get(f"{SKILL}/{path}").status_code == 404, path
    for path in ("draw", "draw/late", "check-in"):
        data = {"confirm": "y", "status-W-01": "absent"}
        assert client.post(f"{SKILL}/{path}", data=data).status_code == 404, path
    assert bib(world, "W-01").attendance == Attendance.COMPETED and len(audit_entries("draw.make")) == 1


def test_a_unit_admin_is_refused_by_the_role_table(client, world):
    as_user(client, "ua")
    for path in ("draw", "draw/sealed", "check-in"):
        assert client.get(f"{SKILL}/{path}").status_code == 403
    assert client.post(f"{SKILL}/draw").status_code == 403


def test_chief_draws_on_the_page_and_prints_the_sealed_list(client, world):
    as_user(client, "chief")
    page = client.get(f"{SKILL}/draw")
    assert page.status_code == 200 and "No draw yet" in page.text and "Draw 3 contestants" in page.text
    done = client.post(f"{SKILL}/draw", follow_redirects=True)
    assert "The draw of WELD is made." in done.text
    draw = draw_of(world.weld)
    assert draw.drawn_by == "user:chief" and draw.seed in done.text and "Draw again" in done.text
    for entry in draw.entries:
        assert entry.secret_no in done.text and entry.competitor.person.name in done.text
    sealed = client.get(f"{SKILL}/draw/sealed")
    assert sealed.status_code == 200 and "data-print" in sealed.text and "js/print-button.js" in sealed.text
    assert "Chief expert" in sealed.text and "Supervisor" in sealed.text and draw.seed in sealed.text
    positions = [sealed.text.index(f"<strong>{e.secret_no}</strong>") for e in draw.entries]
    by_number = [e.secret_no for e in sorted(draw.entries, key=lambda e: int(e.secret_no))]
    assert [e.secret_no for _, e in sorted(zip(positions, draw.entries, strict=True))] == by_number


def test_drawing_again_needs_the_box_ticked(client, world):
    make_draw(world.weld, seed="first")
    db.session.commit()
    as_user(client, "org")
    refused = client.post(f"{SKILL}/draw", follow_redirects=True)
    assert "Tick the box" in refused.text and draw_of(world.weld).seed == "first"
    client.post(f"{SKILL}/draw", data={"confirm": "y"})
    db.session.expire_all()
    assert draw_of(world.weld).seed != "first" and draw_of(world.weld).drawn_by == "user:org"


def test_after_marks_the_page_offers_only_the_late_check_ins(client, world):
    make_draw(world.weld)
    db.session.commit()
    store_marks(world)
    check_in(world, "W-04", Attendance.COMPETED)
    as_user(client, "chief")
    page = client.get(f"{SKILL}/draw")
    assert "Draw again" not in page.text and "Marks are stored" in page.text
    assert "Draw the late check-ins" in page.text and "W-04" in page.text
    refused = client.post(f"{SKILL}/draw", data={"confirm": "y"}, follow_redirects=True)
    assert "WELD has marks already" in refused.text
    done = client.post(f"{SKILL}/draw/late", follow_redirects=True)
    assert "The late check-ins of WELD are drawn." in done.text
    db.session.expire_all()
    assert set(mapping(world.weld)) == {"W-01", "W-02", "W-03", "W-04"}
    assert "Late check-ins" in done.text  # the extension is listed under the draw


def test_the_sealed_list_without_a_draw(client, world):
    as_user(client, "chief")
    page = client.get(f"{SKILL}/draw/sealed")
    assert page.status_code == 200 and "No draw yet." in page.text


def test_a_registration_added_later_shows_as_late(client, world, make):
    make_draw(world.weld)
    registration(world.event, world.weld, world.units["JJ-E2"], "W-05")
    db.session.commit()
    assert [c.lead.contestant_no for c in undrawn(world.weld)] == ["W-05"]

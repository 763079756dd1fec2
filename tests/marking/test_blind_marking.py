"""Blind marking on the marking page: panel members other than the chief expert see competitors by
secret number only — no bib, name or unit anywhere on the page — while the chief and the organizers
keep seeing bibs; the command line's messages keep the bibs too."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.events.models import Attendance, Registration
from app.extensions import db
from app.marking.draw import make_draw, secret_numbers
from app.marking.locking import criterion_states, lock, reopen
from app.marking.marksheet import Marksheet
from app.marking.paper import import_marks
from app.marking.penalties import add_penalty
from app.units.models import Unit
from tests.events.helpers import login_en
from tests.marking.builders import World, judged, measured, rows

PAGE = "/events/EV1/skills/WELD/marking"
NAMES = {"W-01": "王小明", "W-02": "李小红", "W-03": "赵大山", "W-04": "孙不来"}
BIBS = tuple(NAMES)


@pytest.fixture()
def world(ctx, make):
    """WELD drawn, A1.1 partly scored (W-02's set flagged), B complete and locked, then reopened for
    W-01; a penalty for W-03 whose reason names the contestant."""
    world = World(make, blind_marking=True)
    world.users["org"] = make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    for registration in db.session.scalars(select(Registration)):
        registration.person.name = NAMES.get(registration.contestant_no, registration.person.name)
    make_draw(world.weld)
    import_marks(world.weld, rows(*judged("2", ["W-01"], ["j1", "j2"]), ("W-02", "A1.1", "j1", "1"),
                                  ("W-02", "A1.1", "j2", "3"), ("W-02", "A1.1", "j3", "3"), *measured()))
    state = next(s for s in criterion_states(Marksheet(world.weld)) if s.criterion.code == "B")
    lock(state.criterion, state, confirm_reduced=False, sign_for_markers=True)
    reopen(state.criterion, world.competitor("W-01"), "appeal of W-01 王小明 upheld")
    add_penalty(world.weld, world.competitor("W-03"), Decimal("2.00"), "赵大山 (W-03) forgot the goggles")
    db.session.commit()
    return world


def page_as(client, name: str) -> str:
    client.post("/logout")
    login_en(client, name)
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.text


def secrets(world) -> dict[str, str]:
    numbers = secret_numbers(world.weld)
    return {world.competitor(bib).lead.contestant_no: numbers[world.competitor(bib).id]
            for bib in ("W-01", "W-02", "W-03")}


@pytest.mark.parametrize("name", ["j1", "nc2", "res", "sup"])
def test_a_judge_sees_no_bib_name_or_unit(client, world, name):
    text = page_as(client, name)
    units = db.session.scalars(select(Unit)).all()
    for bib in (*BIBS, "C-01", "C-03"):
        assert bib not in text, bib
    for person in NAMES.values():
        assert person not in text, person
    for unit in units:
        if unit.code not in ("JX", "JX-HRSS", "JX-NC", "JX-JJ"):  # no contestant comes from these
            assert unit.code not in text and unit.name not in text, unit.code
    assert "goggles" not in text and "appeal of" not in text  # free text may name the contestant
    numbers = secrets(world)
    assert f"A1.1 {numbers['W-01']}: 2 of 3 scores" in text  # missing
    assert f"A1.1 {numbers['W-02']} scores 1,3,3" in text  # flagged
    assert f'class="nowrap">{numbers["W-01"]}</td>' in text  # reopened for
    assert f'class="nowrap">{numbers["W-03"]}</td>' in text  # penalized
    assert "Blind marking: contestants are shown by their secret numbers" in text
    assert "/check-in" not in text and "/draw" not in text


@pytest.mark.parametrize("name", ["chief", "org"])
def test_the_chief_and_the_organizers_see_bibs(client, world, name):
    text = page_as(client, name)
    assert "A1.1 W-01: 2 of 3 scores" in text and "A1.1 W-02 scores 1,3,3" in text
    assert "forgot the goggles" in text and "appeal of W-01" in text
    assert "Blind marking:" not in text
    assert "/events/EV1/skills/WELD/check-in" in text and "/events/EV1/skills/WELD/draw" in text


def test_a_competitor_not_drawn_shows_a_dash(client, world):
    world.competitor("W-04").lead.attendance = Attendance.COMPETED
    db.session.commit()
    text = page_as(client, "j1")
    assert "A1.1 —: 0 of 3 scores" in text and "W-04" not in text


def test_the_command_line_keeps_bibs(world):
    state = next(s for s in criterion_states(Marksheet(world.weld)) if s.criterion.code == "A")
    assert state.summary().startswith(
        "criterion A not locked: 2 marks missing (first: A1.1 W-01: 2 of 3 scores)")


def test_open_events_show_bibs_to_judges(client, world):
    world.event.blind_marking = False
    db.session.commit()
    text = page_as(client, "j1")
    assert "A1.1 W-01: 2 of 3 scores" in text and "forgot the goggles" in text

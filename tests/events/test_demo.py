"""``flask demo``: contestants and panels per skill, the feeder contest, and loading twice."""
from __future__ import annotations

from collections import Counter

from flask import current_app
from sqlalchemy import select

from app.auth.models import User
from app.events.models import PanelMember, Registration, RegistrationStatus
from app.events.qualification import advance_from_feeder, feeder_entries
from app.events.services import event_by_code
from app.extensions import db


def run(*args: str):
    return current_app.test_cli_runner().invoke(args=list(args))


def test_demo_has_contestants_panels_and_a_feeder(ctx):
    assert run("demo").exit_code == 0
    event = event_by_code("DEMO-PROV")
    registrations = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).all()
    per_skill = Counter(r.skill.code for r in registrations)
    assert all(8 <= n <= 10 for n in per_skill.values()) and set(per_skill) == {"WELD-E", "CNC-S", "CARE-E"}
    assert {r.status for r in registrations} == {RegistrationStatus.APPROVED}
    assert len({r.unit.parent.code for r in registrations if r.unit.parent.kind.value == "city"}) >= 4
    care = Counter(r.team for r in registrations if r.skill.code == "CARE-E")
    assert set(care.values()) == {2}
    for skill in event.skills:
        roles = Counter(m.role.value for m in db.session.scalars(
            select(PanelMember).where(PanelMember.skill_id == skill.id)))
        assert roles["chief"] == roles["reserve"] == roles["supervisor"] == 1 and 3 <= roles["judge"] <= 4
    assert db.session.scalar(select(User).where(User.username == "weld-chief")).check_password("jingsai-demo")
    assert event.feeder_event.code == "DEMO-NC" and len(feeder_entries(event)) == 8


def test_demo_reloads_with_reset_after_qualification(ctx):
    run("demo")
    event = event_by_code("DEMO-PROV")
    ids = [e.registration.id for e in feeder_entries(event)
           if e.registration.contestant_no in ("NCW-01", "NCW-02")]
    assert len(advance_from_feeder(event, ids)) == 2
    db.session.commit()
    for _ in range(2):
        result = run("demo", "--reset")
        assert result.exit_code == 0, result.stderr
    assert run("demo").exit_code == 1
    result = run("demo", "--if-absent")
    assert result.exit_code == 0 and "loaded already" in result.stdout
    linked = select(Registration).where(Registration.feeder_registration_id.is_not(None))
    assert db.session.scalar(linked) is None

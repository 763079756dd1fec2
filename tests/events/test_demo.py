"""``flask demo``: contestants and panels per skill, the feeder contest, published results, and loading
twice."""
from __future__ import annotations

from collections import Counter

from flask import current_app
from sqlalchemy import select

from app.auth.models import User
from app.events.models import Attendance, PanelMember, Registration, RegistrationStatus
from app.events.qualification import advance_from_feeder, feeder_entries
from app.events.services import event_by_code
from app.extensions import db
from app.marking.draw import draw_of, reproduce
from app.marking.locking import criterion_states
from app.marking.marksheet import Marksheet
from app.results.models import Publication
from app.results.qualification import advance_qualifiers
from app.results.standings import results_of
from app.results.tables import skill_tables


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


def test_demo_results_cnc_final_care_provisional_weld_still_marking(ctx):
    assert run("demo").exit_code == 0
    event = event_by_code("DEMO-PROV")
    tables = {t.skill.code: t for t in skill_tables(event, published_only=False)}
    cnc, care = tables["CNC-S"], tables["CARE-E"]
    assert cnc.results.publication == Publication.FINAL and cnc.results.complete
    assert len(cnc.lines) == 9 and all(line.standing.status == Attendance.COMPETED for line in cnc.lines)
    assert all(line.standing.rank is not None for line in cnc.lines)
    ranks = [line.standing.rank for line in cnc.lines]
    assert len(set(ranks)) == len(ranks) - 1  # one shared place
    assert len({line.standing.raw_total for line in cnc.lines}) == 8
    assert [line.standing.award for line in cnc.lines][:3] == ["gold", "silver", "bronze"]
    penalized = [line.standing.penalties for line in cnc.lines if line.standing.penalties]
    assert len(penalized) == 1 and penalized[0][0]["reason"]
    assert care.results.publication == Publication.PROVISIONAL and care.results.complete
    assert care.results.appeals_close_at is not None and event.appeals_hours == 2
    assert len(care.lines) == 5 and all(len(line.members) == 2 for line in care.lines)
    weld = event.skill("WELD-E")
    assert results_of(weld).publication == Publication.PRIVATE
    locked = {s.criterion.code: (s.criterion.locked, bool(s.flags), s.complete)
              for s in criterion_states(Marksheet(weld))}
    assert locked == {"A": (True, False, True), "B": (False, True, True), "C": (False, False, False),
                      "D": (False, False, False)}
    feeder = skill_tables(event.feeder_event, published_only=True)
    assert [(t.skill.code, t.results.publication) for t in feeder] == [("CNC-NC", Publication.FINAL)]
    advanced = advance_qualifiers(event, rule="top", top_n=2, skill_map={"CNC-NC": "CNC-S"}, skills=["CNC-NC"])
    assert len(advanced) == 2 and {r.skill.code for r in advanced} == {"CNC-S"}


def test_demo_weld_is_drawn_by_its_chief_and_reproducible(ctx):
    assert run("demo").exit_code == 0
    weld = event_by_code("DEMO-PROV").skill("WELD-E")
    draw = draw_of(weld)
    assert draw.drawn_by == "user:weld-chief" and len(draw.entries) == 9
    dealt = {d.bib: (d.workstation, d.secret_no) for d in reproduce(draw.seed, [
        e.competitor.contestant_no for e in draw.entries])}
    assert dealt == {e.competitor.contestant_no: (e.workstation, e.secret_no) for e in draw.entries}


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

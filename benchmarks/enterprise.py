"""A large event for the scale benchmarks: S skills × N contestants on a 30-aspect scheme, J judges a
skill, inserted in bulk (Core inserts of dict lists, a chunk at a time so memory stays flat).

The scheme (:func:`scheme`) has three criteria of two sub-criteria of five aspects each: four
measurement aspects and one judgement aspect a sub-criterion, so a fully marked contestant has
24 measurement marks and 6 × J judgement scores (42 with three judges). Marks, when asked for, are
spread deterministically over the allowed values, and every criterion is then locked: what follows
measures results, not registration or marking.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select, update
from werkzeug.security import generate_password_hash

from app.auth.models import Role, User
from app.events.models import Event, EventOrganizer, PanelMember, PanelRole, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.marking.models import Mark, MarkSource, SchemeAspect, SchemeCriterion
from app.marking.schemes import SchemeFile, as_aspect, parse_scheme_json, save_scheme
from app.people.models import Person
from app.units.models import Unit, UnitKind
from scoring.marks import allowed_measurement_marks

JUDGE_PASSWORD = "bench-judge-42"
UNITS = 20
CHUNK = 20_000  # rows an INSERT statement list holds at once
ID_TAIL = 6


def scheme() -> dict:
    """30 aspects (24 M, 6 J) summing to 100, every aspect in one standards section."""
    criteria = []
    for c, code in enumerate("ABC"):
        subs = []
        for s in (1, 2):
            aspects = [{"id": f"{code}{s}.{i}", "type": "M", "description": f"测量{code}{s}.{i}",
                        "max": "4.00" if (c, s, i) in {(0, 1, 1), (1, 1, 1), (2, 1, 1), (2, 2, 1)} else "3.00",
                        "section": "1"} for i in range(1, 5)]
            aspects.append({"id": f"{code}{s}.5", "type": "J", "description": f"评价{code}{s}", "max": "4.00",
                            "section": "1", "descriptors": ["低于标准", "符合标准", "超出标准", "优秀"]})
            subs.append({"id": f"{code}{s}", "name": f"分项{code}{s}", "day": 1, "aspects": aspects})
        criteria.append({"code": code, "name": f"模块{code}", "sub_criteria": subs})
    return {"standards": [{"section": "1", "name": "综合", "weight": 100}], "criteria": criteria}


def id_number(n: int) -> str:
    """An 18-character resident ID, distinct per contestant; its last six characters answer the
    contestant lookup."""
    return f"36010219{n:010d}"


def build_event(code: str, skills: int, per_skill: int, *, judges: int = 3, marked: bool = True,
                first_person: int = 0) -> Event:
    """The event, committed. ``first_person`` keeps ID numbers distinct between events of one database."""
    organizer = _unit("BENCH", "组委会", UnitKind.HR_AUTHORITY)
    units = [_unit(f"U{i:02d}", f"单位{i}", UnitKind.ENTERPRISE) for i in range(UNITS)]
    event = Event(code=code, name=f"基准测试赛 {code}", tier="provincial", event_class="1", year=2026,
                  starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 2), awards="cn_standard", tie_breakers=[])
    event.organizer_links.append(EventOrganizer(unit=organizer, position=0))
    db.session.add(event)
    password = generate_password_hash(JUDGE_PASSWORD)
    source = parse_scheme_json(scheme())
    for s in range(skills):
        skill = Skill(event=event, code=f"S{s:02d}", name=f"技能{s:02d}", team_size=1, quota_per_unit=per_skill)
        db.session.add(skill)
        panel = [User(username=f"{code}-{skill.code}-j{j}".lower(), display_name=f"评委{j}", role=Role.EXPERT,
                      unit=organizer, password_hash=password) for j in range(judges)]
        db.session.add_all(panel)
        db.session.flush()
        db.session.add_all([PanelMember(skill_id=skill.id, user_id=u.id, role=PanelRole.JUDGE)
                            for u in panel])
        save_scheme(skill, SchemeFile(source, "bench-scheme.json"), by_chief_expert=False)
        competitors = _contestants(event, skill, units, per_skill, first_person + s * per_skill)
        if marked:
            _mark_all(skill, [u.id for u in panel], competitors, event.created_at)
    db.session.commit()
    return event


def _unit(code: str, name: str, kind: UnitKind) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        unit = Unit(code=code, name=name, kind=kind)
        db.session.add(unit)
    return unit


def _contestants(event: Event, skill: Skill, units: list[Unit], n: int, first: int) -> list[int]:
    people = db.session.execute(insert(Person).returning(Person.id, sort_by_parameter_order=True), [
        {"id_number": id_number(first + i), "name": f"选手{first + i}", "id_type": "resident"} for i in range(n)]
    ).scalars().all()
    return db.session.execute(insert(Registration).returning(Registration.id, sort_by_parameter_order=True), [
        {"event_id": event.id, "skill_id": skill.id, "person_id": pid, "unit_id": units[i % UNITS].id,
         "contestant_no": bib(skill.code, i), "status": RegistrationStatus.APPROVED, "attendance": "competed",
         "outside_window": False, "created_at": event.created_at} for i, pid in enumerate(people)]
    ).scalars().all()


def bib(skill_code: str, i: int) -> str:
    return f"{skill_code}-{i:04d}"


def _mark_all(skill: Skill, judge_ids: list[int], competitor_ids: list[int], at) -> None:
    """Every aspect of every contestant marked, in chunks; then every criterion locked."""
    aspects = db.session.scalars(select(SchemeAspect).where(SchemeAspect.skill_id == skill.id)
                                 .order_by(SchemeAspect.id)).all()
    allowed = {a.id: allowed_measurement_marks(as_aspect(a)) for a in aspects if a.kind == "M"}
    chunk: list[dict] = []
    for i, competitor_id in enumerate(competitor_ids):
        for a in aspects:
            if a.kind == "M":
                values = allowed[a.id]
                chunk.append(_mark(skill.id, a, competitor_id, None, values[(i * 7 + a.id) % len(values)], at))
            else:
                chunk += [_mark(skill.id, a, competitor_id, judge, (i + a.id + (k == 2)) % 4, at)
                          for k, judge in enumerate(judge_ids)]
        if len(chunk) >= CHUNK:
            db.session.execute(insert(Mark), chunk)
            chunk = []
    if chunk:
        db.session.execute(insert(Mark), chunk)
    db.session.execute(update(SchemeCriterion).where(SchemeCriterion.skill_id == skill.id)
                       .values(locked_at=at, locked_by="bench"))


def _mark(skill_id: int, aspect: SchemeAspect, competitor_id: int, judge_id: int | None, value, at) -> dict:
    return {"skill_id": skill_id, "aspect_id": aspect.id, "competitor_id": competitor_id, "kind": aspect.kind,
            "judge_id": judge_id, "value": value, "version": 1, "source": MarkSource.PAPER, "offline": False,
            "recorded_by": "bench", "recorded_at": at}

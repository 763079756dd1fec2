"""Registering contestants: rows (a file or the web form) → persons and registrations; approval.

The file and the form share one path: each row is parsed into an eligibility
:class:`~app.events.eligibility.Candidate`, every rule runs on every row, and only a batch without
a single problem is written. Rows registered by the organizer (the command line, or an organizer
on the web) are approved at once and may fall outside the window, which the registration records
(``outside_window``); a unit administrator's rows are ``submitted`` for the organizer to review.

Choices where formats.md is silent:
- a person is found by (ID type, ID number); a known person keeps the name, birth date and gender
  on record (a row that disagrees is refused), missing ones are filled in, and the phone follows
  the latest row that gives one (people change numbers; the change is audited);
- an empty ``group`` takes the skill's group;
- a rejected registration does not block its person: a new row for them re-submits that same
  registration (audited as ``registration.resubmit``), keeping its history in one place;
- approval acts on submitted registrations; rejection on submitted or approved ones (a change
  after approval, logged like every other); a rejected entry comes back only by re-submission.

Services validate, write and audit but never commit.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app import audit, clock
from app.errors import DomainError, InputRefused, Problem, at_row
from app.events.attendance import set_attendance_many
from app.events.eligibility import Candidate, Finding, PersonKey, Roster, check, window_open
from app.events.models import Attendance, Event, Registration, RegistrationStatus, Skill, SkillGroup
from app.extensions import db
from app.messages import Message, msg
from app.people import idcard
from app.people.models import Gender, IdType, Person
from app.people.services import persons_by_key, record_created
from app.tabular import Row
from app.units.models import Unit
from scoring.levels import parse_level

CONTESTANT_COLUMNS = ["unit_code", "skill_code", "contestant_no", "name", "id_type", "id_number",
                      "birth_date", "gender", "group", "current_level", "current_level_cert_no", "phone",
                      "team"]
GENDERS = {"m": Gender.M, "f": Gender.F, "男": Gender.M, "女": Gender.F}
GROUPS = {"employee": SkillGroup.EMPLOYEE, "职工": SkillGroup.EMPLOYEE, "职工组": SkillGroup.EMPLOYEE,
          "student": SkillGroup.STUDENT, "学生": SkillGroup.STUDENT, "学生组": SkillGroup.STUDENT}
MAX_LENGTHS = {"contestant_no": 40, "name": 100, "id_number": 32, "current_level_cert_no": 64, "phone": 32,
               "team": 40}
REQUIRED = ("unit_code", "skill_code", "contestant_no", "name", "id_number", "birth_date", "gender")
WINDOW = "registration"


class RegistrationError(DomainError):
    pass


# --- reading rows -------------------------------------------------------------------------------

def _choice(text: str, table: dict[str, Any], column: str, found: list[Finding], allowed: str) -> Any:
    if not text:
        return None
    value = table.get(text.lower())
    if value is None:
        found.append(Finding(column, msg("%(value)s is not one of %(choices)s", value=repr(text),
                                         choices=allowed)))
    return value


def _birth_date(text: str, found: list[Finding]) -> date | None:
    if not text:
        return None
    try:
        born = date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        born = None
    if born is None:
        found.append(Finding("birth_date", msg("%(value)s is not a date YYYY-MM-DD", value=repr(text))))
    elif born > clock.today():
        found.append(Finding("birth_date", msg("%(day)s is in the future", day=text)))
        born = None
    return born


def _parse(row: Row, event: Event, units: dict[str, Unit], skills: dict[str, Skill],
           unit_scope: set[int] | None) -> tuple[Candidate, list[Finding]]:
    """Read one row's cells into typed values; every unreadable cell is a finding."""
    v = row.values
    found = [Finding(column, msg("is empty")) for column in REQUIRED if not v[column]]
    found += [Finding(column, msg("is longer than %(limit)s characters", limit=limit))
              for column, limit in MAX_LENGTHS.items() if len(v[column]) > limit]
    unit = units.get(v["unit_code"]) if v["unit_code"] else None
    if v["unit_code"] and unit is None:
        found.append(Finding("unit_code", msg("unknown unit %(code)s", code=v["unit_code"])))
    elif unit is not None and unit_scope is not None and unit.id not in unit_scope:
        found.append(Finding("unit_code", msg("%(code)s is outside your unit's tree", code=unit.code)))
    skill = skills.get(v["skill_code"]) if v["skill_code"] else None
    if v["skill_code"] and skill is None:
        found.append(Finding("skill_code", msg("no skill %(skill)s in event %(event)s", skill=v["skill_code"],
                                               event=event.code)))
    id_type = IdType.RESIDENT
    if v["id_type"]:
        id_type = _choice(v["id_type"], {t.value: t for t in IdType}, "id_type", found,
                          ", ".join(t.value for t in IdType))
    level = parse_level(v["current_level"]) if v["current_level"] else None
    if v["current_level"] and level is None:
        found.append(Finding("current_level", msg("%(value)s is not a skill level; use a code (level4) or a "
                                                  "Chinese name (中级工)", value=repr(v["current_level"]))))
    candidate = Candidate(
        row=row.number, unit=unit, skill=skill, contestant_no=v["contestant_no"], name=v["name"],
        id_type=id_type, id_number=idcard.normalize(v["id_number"]),
        birth_date=_birth_date(v["birth_date"], found),
        gender=_choice(v["gender"], GENDERS, "gender", found, "M, F, 男, 女"),
        group=_choice(v["group"], GROUPS, "group", found, "employee, student, 职工, 学生"),
        current_level=level, current_level_cert_no=v["current_level_cert_no"], phone=v["phone"],
        team=v["team"])
    return candidate, found


@dataclass
class _Checked:
    candidates: list[Candidate]
    roster: Roster
    findings: list[tuple[int, Finding]]
    window: Message | None

    def refuse_if_any(self, locate: Callable[[int, Finding], Problem]) -> None:
        """The window problem first, then every finding, placed by ``locate`` (a file row or a field)."""
        problems = [Problem(WINDOW, self.window)] if self.window else []
        problems += [locate(number, finding) for number, finding in self.findings]
        if problems:
            raise InputRefused(problems)


def _check(event: Event, rows: list[Row], actor_is_organizer: bool, unit_scope: set[int] | None) -> _Checked:
    # Serialize registrations per event so two units cannot both take a quota's last place.
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    skills = {s.code: s for s in event.skills}
    candidates: list[Candidate] = []
    findings: list[tuple[int, Finding]] = []
    for row in rows:
        candidate, found = _parse(row, event, units, skills, unit_scope)
        candidates.append(candidate)
        findings += [(row.number, f) for f in found]
    existing = list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .options(selectinload(Registration.person), selectinload(Registration.skill))))
    keys = {c.person_key for c in candidates if c.person_key}
    roster = Roster.of(event, existing, persons_by_key(keys))
    findings = sorted(findings + check(candidates, roster), key=lambda item: item[0])
    window = None if actor_is_organizer else window_open(event, clock.today())
    return _Checked(candidates, roster, findings, window)


def _at_file_row(number: int, finding: Finding) -> Problem:
    return at_row(number, finding.column, finding.message)


def register_rows(event: Event, rows: list[Row], *, actor_is_organizer: bool, unit_scope: set[int] | None,
                  locate: Callable[[int, Finding], Problem] = _at_file_row) -> list[Registration]:
    """Register a file's rows, or none of them: every problem is reported with its row and column.

    ``unit_scope``: the unit ids the actor may register for (``None``: any unit). ``locate`` places a
    row's finding (a file's ``row 5, id_number`` by default; the API names its JSON path instead).
    """
    if not rows:
        raise InputRefused([Problem("file", msg("has no contestants: expected a row after the header"))])
    checked = _check(event, rows, actor_is_organizer, unit_scope)
    checked.refuse_if_any(locate)
    return _save(event, checked, actor_is_organizer)


def register_one(event: Event, values: dict[str, str], *, actor_is_organizer: bool,
                 unit_scope: set[int] | None, self_registered: bool = False) -> Registration:
    """The web form's path: the same checks as a file, problems located by field name.

    ``self_registered``: the contestant entered themselves (:mod:`app.events.self_registration`).
    """
    row = Row(1, {column: (values.get(column) or "").strip() for column in CONTESTANT_COLUMNS})
    checked = _check(event, [row], actor_is_organizer, unit_scope)
    checked.refuse_if_any(lambda _, f: Problem(f.column, f.message))
    return _save(event, checked, actor_is_organizer, self_registered)[0]


# --- writing ------------------------------------------------------------------------------------

def registration_state(reg: Registration) -> dict[str, Any]:
    """The audited fields of a registration, for the ``before`` and ``after`` of its audit entries."""
    return {"contestant_no": reg.contestant_no, "skill": reg.skill.code, "unit": reg.unit.code,
            "person_id": reg.person.id, "group": reg.group, "current_level": reg.current_level,
            "current_level_cert_no": reg.current_level_cert_no, "team": reg.team, "status": reg.status,
            "rejection_reason": reg.rejection_reason, "outside_window": reg.outside_window,
            "self_registered": reg.self_registered}


def _person_for(c: Candidate, persons: dict[PersonKey, Person], created: list[Person], *,
                update: bool = True) -> Person:
    """The candidate's person, created if new; ``update=False`` leaves a known person as recorded
    (a public self-registration form must not change anyone's phone)."""
    person = persons.get(c.person_key)
    if person is None:
        person = Person(id_type=c.id_type, id_number=c.id_number, name=c.name, birth_date=c.birth_date,
                        gender=c.gender, phone=c.phone or None)
        db.session.add(person)
        persons[c.person_key] = person
        created.append(person)
        return person
    if not update:
        return person
    before = audit.snapshot(person, ["birth_date", "gender", "phone"])
    person.birth_date = person.birth_date or c.birth_date
    person.gender = person.gender or c.gender
    person.phone = c.phone or person.phone
    after = audit.snapshot(person, ["birth_date", "gender", "phone"])
    if after != before:
        audit.record("person.update", "person", person.id, before=before, after=after)
    return person


def _save(event: Event, checked: _Checked, actor_is_organizer: bool,
          self_registered: bool = False) -> list[Registration]:
    outside = actor_is_organizer and not event.registration_open_on(clock.today())
    status = RegistrationStatus.APPROVED if actor_is_organizer else RegistrationStatus.SUBMITTED
    created_persons: list[Person] = []
    saved: list[tuple[Registration, dict[str, Any] | None]] = []
    for c in checked.candidates:
        person = _person_for(c, checked.roster.persons, created_persons, update=not self_registered)
        reg = checked.roster.reusable(c)
        before = registration_state(reg) if reg is not None else None
        if reg is None:
            reg = Registration(event=event)
            db.session.add(reg)
        reg.skill, reg.unit, reg.person, reg.contestant_no = c.skill, c.unit, person, c.contestant_no
        reg.group = c.group or c.skill.group
        reg.current_level, reg.current_level_cert_no = c.current_level, c.current_level_cert_no or None
        reg.team = c.team or None
        reg.status, reg.rejection_reason = status, None
        reg.attendance, reg.outside_window = Attendance.COMPETED, outside
        reg.self_registered = self_registered
        saved.append((reg, before))
    db.session.flush()
    record_created(created_persons)
    note = "outside the registration window" if outside else None
    for reg, before in saved:
        action = "registration.create" if before is None else "registration.resubmit"
        audit.record(action, "registration", reg.id, before=before, after=registration_state(reg),
                     event_id=event.id, note=note)
    return [reg for reg, _ in saved]


# --- review and check-in ------------------------------------------------------------------------

def _set_status(reg: Registration, action: str, status: RegistrationStatus, reason: str | None) -> None:
    before = {"status": reg.status, "rejection_reason": reg.rejection_reason}
    reg.status, reg.rejection_reason = status, reason
    audit.record(action, "registration", reg.id, before=before,
                 after={"status": reg.status, "rejection_reason": reg.rejection_reason},
                 event_id=reg.event_id, note=f"{reg.skill.code} {reg.contestant_no}")


def _bibs(registrations: list[Registration]) -> str:
    return ", ".join(sorted(r.contestant_no for r in registrations))


def approve(registrations: list[Registration]) -> int:
    """Approve submitted registrations (already approved ones are left as they are); returns the count."""
    rejected = [r for r in registrations if r.status == RegistrationStatus.REJECTED]
    if rejected:
        raise RegistrationError(msg("cannot approve %(bibs)s: a rejected entry comes back when its unit "
                                    "registers the person again", bibs=_bibs(rejected)))
    pending = [r for r in registrations if r.status == RegistrationStatus.SUBMITTED]
    for reg in pending:
        _set_status(reg, "registration.approve", RegistrationStatus.APPROVED, None)
    return len(pending)


def late_entry_reasons(registrations: list[Registration]) -> list[Message]:
    """Why approving these submitted entries now comes late, per skill (empty when it does not)."""
    from app.signals import late_entry_checks

    reasons: list[Message] = []
    for skill in {r.skill for r in registrations if r.status == RegistrationStatus.SUBMITTED}:
        for _receiver, found in late_entry_checks.send(skill.event_id, skill_id=skill.id):
            reasons.extend(found or [])
    return reasons


def reject(registrations: list[Registration], reason: str) -> int:
    """Reject with a reason the unit will read; approved ones too (a change after approval)."""
    reason = (reason or "").strip()
    if not reason:
        raise RegistrationError(msg("give a reason for the rejection; the unit reads it"))
    if len(reason) > 500:
        raise RegistrationError(msg("the reason must be at most 500 characters"))
    pending = [r for r in registrations if r.status != RegistrationStatus.REJECTED]
    for reg in pending:
        _set_status(reg, "registration.reject", RegistrationStatus.REJECTED, reason)
    return len(pending)


def set_attendance(registration: Registration, status: Attendance) -> bool:
    """Check-in status of one approved registration; ``True`` when it changed (audited, signalled)."""
    if registration.status != RegistrationStatus.APPROVED:
        raise RegistrationError(msg("%(bib)s is %(status)s, not approved", bib=registration.contestant_no,
                                    status=registration.status.value))
    return set_attendance_many(registration.skill, [(registration, status)]) > 0


# --- reading for the pages ----------------------------------------------------------------------

def registrations_of(event: Event, *, unit_ids: set[int] | None = None, skill: Skill | None = None,
                     status: RegistrationStatus | None = None) -> list[Registration]:
    """An event's registrations, sorted by skill code and bib (code-point order, not collation)."""
    query = (select(Registration).where(Registration.event_id == event.id)
             .options(selectinload(Registration.person), selectinload(Registration.unit),
                      selectinload(Registration.skill)))
    if unit_ids is not None:
        query = query.where(Registration.unit_id.in_(unit_ids))
    if skill is not None:
        query = query.where(Registration.skill_id == skill.id)
    if status is not None:
        query = query.where(Registration.status == status)
    return sorted(db.session.scalars(query), key=lambda r: (r.skill.code, r.contestant_no))


def registrations_by_id(event: Event, ids: list[int]) -> list[Registration]:
    """The registrations of ``event`` among ``ids`` (others are ignored, whatever a form posts)."""
    if not ids:
        return []
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.id.in_(ids))))


def events_for_units(unit_ids: set[int], today: date) -> list[tuple[Event, int]]:
    """What a unit administrator sees: events whose window is open or still to come (any unit may
    enter them; the rules decide who is eligible), plus past ones their units have entries in, each
    with the number of those entries. Open and upcoming first, soonest closing first."""
    counts = dict(db.session.execute(
        select(Registration.event_id, func.count()).where(Registration.unit_id.in_(unit_ids))
        .group_by(Registration.event_id)).all()) if unit_ids else {}
    query = select(Event).where(or_(Event.registration_closes >= today, Event.id.in_(list(counts))))
    def order(e: Event) -> tuple[bool, date, str]:
        closed = e.registration_closes is None or e.registration_closes < today
        return closed, e.registration_closes or e.starts_on, e.code

    events = sorted(db.session.scalars(query), key=order)
    return [(event, counts.get(event.id, 0)) for event in events]

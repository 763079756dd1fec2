"""Check-in results (检录): the attendance file of formats.md, ``contestant_no,status``.

Every approved registration starts as ``competed``; only competed contestants are marked, ranked,
standardized and counted. A change is audited and announced with the ``attendance_changed``
signal (sender: the event id; ``skill_id`` and ``registration_ids`` name what changed), so later
features rebuild what depends on it inside the same transaction.

Choices where formats.md is silent: the file updates only the bibs it names (others keep their
status); a bib must be an *approved* registration of that skill; status is a code or its Chinese
word — 参赛 competed, 缺考 absent, 退赛 withdrawn, 取消成绩 disqualified; in team skills each
member's bib is set on its own. The check-in page of a skill posts the same pairs
(:func:`check_in`), refused as a whole on any problem as the file is. A contestant seen at the
desk — admission ticket scanned or bib typed — is marked arrived (:func:`mark_arrived`): the time is
kept and the status set to competed.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import audit, clock
from app.errors import InputRefused, Problem, at_row
from app.events.models import Attendance, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.messages import msg
from app.signals import attendance_changed
from app.tabular import Row

ATTENDANCE_COLUMNS = ["contestant_no", "status"]
STATUS_ALIASES: dict[str, Attendance] = {
    **{a.value: a for a in Attendance},
    "参赛": Attendance.COMPETED, "缺考": Attendance.ABSENT, "退赛": Attendance.WITHDRAWN,
    "取消成绩": Attendance.DISQUALIFIED,
}


def parse_status(text: str) -> Attendance | None:
    """The attendance status a file's cell names, in English or Chinese (缺考, 退赛 …); ``None`` when unknown."""
    return STATUS_ALIASES.get(text.strip().lower())


@dataclass
class AttendanceImported:
    rows: int
    changed: int


def import_attendance(skill: Skill, rows: list[Row]) -> AttendanceImported:
    """Set the check-in status of the bibs the file names; refuse the whole file on any problem."""
    in_event = {r.contestant_no: r for r in db.session.scalars(
        select(Registration).where(Registration.event_id == skill.event_id))}
    problems: list[Problem] = []
    wanted: dict[str, tuple[Registration, Attendance]] = {}
    first_row: dict[str, int] = {}
    for row in rows:
        number, status = row["contestant_no"], parse_status(row["status"])
        registration = in_event.get(number)
        if not number:
            problems.append(at_row(row.number, "contestant_no", msg("is empty")))
        elif registration is None:
            problems.append(at_row(row.number, "contestant_no", msg(
                "no contestant %(bib)s in %(event)s", bib=number, event=skill.event.code)))
        elif registration.skill_id != skill.id:
            problems.append(at_row(row.number, "contestant_no", msg(
                "%(bib)s is registered in %(skill)s, not %(wanted)s", bib=number,
                skill=registration.skill.code, wanted=skill.code)))
        elif registration.status != RegistrationStatus.APPROVED:
            problems.append(at_row(row.number, "contestant_no", msg(
                "%(bib)s is %(status)s, not approved", bib=number, status=registration.status.value)))
        elif number in first_row:
            problems.append(at_row(row.number, "contestant_no", msg(
                "%(bib)s is on row %(row)s already", bib=number, row=first_row[number])))
        if status is None:
            problems.append(at_row(row.number, "status", msg("%(value)s is not one of %(choices)s",
                                                             value=repr(row["status"]),
                                                             choices=", ".join(a.value for a in Attendance))))
        first_row.setdefault(number, row.number)
        if registration is not None and status is not None:
            wanted[number] = (registration, status)
    if problems:
        raise InputRefused(problems)
    changed = set_attendance_many(skill, list(wanted.values()))
    return AttendanceImported(len(rows), changed)


def check_in(skill: Skill, statuses: dict[str, str]) -> int:
    """The check-in page's form: bib → status for approved registrations of this skill. Any problem
    (a bib that is not one of them, a status that is not one of the four) refuses the whole form,
    each problem located at its bib; otherwise one audited batch, and the number changed."""
    approved = {r.contestant_no: r for r in db.session.scalars(
        select(Registration).where(Registration.skill_id == skill.id,
                                   Registration.status == RegistrationStatus.APPROVED))}
    problems: list[Problem] = []
    wanted: list[tuple[Registration, Attendance]] = []
    for bib, text in statuses.items():
        registration, status = approved.get(bib), parse_status(text)
        if registration is None:
            problems.append(Problem(bib, msg("no approved contestant %(bib)s in %(skill)s",
                                             bib=bib or "(empty)", skill=skill.code)))
        if status is None:
            problems.append(Problem(bib, msg("%(value)s is not one of %(choices)s", value=repr(text),
                                             choices=", ".join(a.value for a in Attendance))))
        if registration is not None and status is not None:
            wanted.append((registration, status))
    if problems:
        raise InputRefused(problems)
    return set_attendance_many(skill, wanted)


def set_attendance_many(skill: Skill, changes: list[tuple[Registration, Attendance]]) -> int:
    """Apply check-in results of one skill: one audit entry and one signal for the whole batch."""
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    changed: list[int] = []
    for registration, status in changes:
        if registration.attendance == status:
            continue
        before[registration.contestant_no] = registration.attendance.value
        registration.attendance = status
        after[registration.contestant_no] = status.value
        changed.append(registration.id)
    if not changed:
        return 0
    db.session.flush()
    audit.record("attendance.change", "skill", f"{skill.event.code}/{skill.code}", before=before, after=after,
                 event_id=skill.event_id)
    attendance_changed.send(skill.event_id, skill_id=skill.id, registration_ids=changed)
    return len(changed)


def mark_arrived(registration: Registration) -> bool:
    """The contestant is at the desk: note the time (the first scan counts) and make them competed.
    False when they were checked in already. Audited."""
    if registration.status != RegistrationStatus.APPROVED:
        raise InputRefused([Problem(registration.contestant_no, msg(
            "%(bib)s is %(status)s, not approved", bib=registration.contestant_no,
            status=registration.status.value))])
    if registration.checked_in_at is not None and registration.attendance == Attendance.COMPETED:
        return False
    first = registration.checked_in_at is None
    if first:
        registration.checked_in_at = clock.now()
        audit.record("attendance.arrive", "registration", f"{registration.event.code}/{registration.contestant_no}",
                     after={"checked_in_at": registration.checked_in_at}, event_id=registration.event_id)
    set_attendance_many(registration.skill, [(registration, Attendance.COMPETED)])
    return True

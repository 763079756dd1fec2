"""A contestant's own results: found by login, or by bib number + the last 6 characters of the ID
number, at most ``MAX_TRIES`` tries per bib per hour.

Tries are rows (:class:`BibLookup`), so every gunicorn worker sees one count. Each try is written
first and then counted (it counts itself), so two workers racing on the same bib cannot both slip
under the limit; refused and failed tries count too, which keeps a guesser locked out for as long
as they keep guessing. A bib that does not exist is answered like wrong digits, so the form does
not confirm which bibs exist. What a line shows (rank, award, total, criteria next to the skill's
median of each criterion, penalties, scale) is the contestant's own data only.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app import clock
from app.errors import DomainError
from app.events.models import Attendance, Event, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.messages import msg
from app.results.models import BibLookup
from app.results.tables import Line, SkillTable, skill_tables
from scoring.marks import round_mark
from scoring.standardize import median

MAX_TRIES = 5
WINDOW = timedelta(hours=1)
ID_TAIL = 6


class TooManyTries(DomainError):
    pass


def look_up(event: Event, bib: str, id_tail: str) -> Registration | None:
    """The registration whose bib and ID tail match, ``None`` when they do not; records the try and
    raises :class:`TooManyTries` on the sixth within an hour. The caller commits either way."""
    bib, id_tail = bib.strip(), id_tail.strip().upper()
    now = clock.now()
    attempt = BibLookup(event_id=event.id, contestant_no=bib, at=now, succeeded=False)
    db.session.add(attempt)
    db.session.flush()
    tries = db.session.scalar(select(func.count(BibLookup.id)).where(
        BibLookup.event_id == event.id, BibLookup.contestant_no == bib, BibLookup.at >= now - WINDOW))
    if tries > MAX_TRIES:
        raise TooManyTries(msg("too many tries for bib %(bib)s: at most %(count)s an hour; try again later "
                               "or ask the organizers", bib=bib, count=MAX_TRIES))
    registration = db.session.scalar(
        select(Registration).options(joinedload(Registration.person))
        .where(Registration.event_id == event.id, Registration.contestant_no == bib,
               Registration.status == RegistrationStatus.APPROVED))
    if registration is None or len(id_tail) != ID_TAIL:
        return None
    if not hmac.compare_digest(registration.person.id_number.upper()[-ID_TAIL:].encode(), id_tail.encode()):
        return None
    attempt.succeeded = True
    return registration


def registrations_of(event: Event, person_id: int) -> list[Registration]:
    """A logged-in contestant's approved registrations in the event."""
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.person_id == person_id,
        Registration.status == RegistrationStatus.APPROVED).order_by(Registration.contestant_no)))


@dataclass(frozen=True)
class OwnResult:
    """One registration's result; ``line`` and ``table`` are ``None`` while its skill is not
    published. ``medians`` per criterion over the skill's competed contestants."""

    registration: Registration
    skill: Skill
    table: SkillTable | None
    line: Line | None
    medians: dict[str, Decimal]

    @property
    def published(self) -> bool:
        return self.line is not None

    @property
    def competed(self) -> bool:
        return self.line is not None and self.line.standing.status == Attendance.COMPETED


def own_results(event: Event, registrations: list[Registration]) -> list[OwnResult]:
    """The published results of these registrations, each with only its own line."""
    found = []
    for registration in registrations:
        tables = skill_tables(event, published_only=True, skill=registration.skill)
        table = tables[0] if tables else None
        line = _line_of(table, registration) if table else None
        found.append(OwnResult(registration, registration.skill, table if line else None, line,
                               criterion_medians(table) if line else {}))
    return found


def _line_of(table: SkillTable, registration: Registration) -> Line | None:
    """A team member finds the team's line."""
    return next((line for line in table.lines if any(m.id == registration.id for m in line.members)), None)


def criterion_medians(table: SkillTable) -> dict[str, Decimal]:
    competed = [line.standing for line in table.lines if line.standing.status == Attendance.COMPETED]
    medians = {}
    for code in table.criteria:
        values = [s.criterion_marks[code] for s in competed if code in s.criteria]
        if values:
            medians[code] = round_mark(median(values))  # to the fen, like the marks beside it
    return medians

"""A contestant's own results: found by login, or by bib number + the last 6 characters of the ID
number, at most ``RESULT_LOOKUP_MAX_TRIES`` (5) tries per bib per hour.

Tries are rows (:class:`BibLookup`), so every gunicorn worker and every app server sees one count.
The earlier tries of the hour are counted in the same SELECT that reads the registration, and the
try itself is one INSERT: two statements, the fewest a recorded try can cost. The count stops at the
limit, so a bib tried a thousand times costs what one tried six times does. The request's one
transaction (:mod:`app.transaction`) commits the try whatever its outcome; on SQLite that
transaction holds the write lock from its start (``BEGIN IMMEDIATE``), so two tries on one bib are
counted one after the other; on PostgreSQL a try counts the tries committed before it, so tries
racing in the same instant can pass the limit by the number of workers at most, never for long.
Refused and failed tries count too, which keeps a guesser locked out for as long as they keep
guessing. A bib that does not exist is answered like wrong digits, so the form does not confirm
which bibs exist.

What a line shows (rank, award, total, criteria next to the skill's stored criterion medians,
penalties, scale) is the contestant's own data only, read as one standing row together with its
skill's results (:func:`app.results.tables.published_line`) whatever the size of the skill.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import and_, func, insert, select
from sqlalchemy.orm import joinedload

from app import clock
from app.errors import DomainError
from app.events.models import Attendance, Event, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.messages import msg
from app.results.models import BibLookup
from app.results.tables import Line, SkillTable, published_line

WINDOW = timedelta(hours=1)
ID_TAIL = 6


class TooManyTries(DomainError):
    pass


def look_up(event: Event, bib: str, id_tail: str) -> Registration | None:
    """The registration whose bib and ID tail match, ``None`` when they do not; records the try and
    raises :class:`TooManyTries` beyond the limit within an hour. The caller commits either way."""
    bib, id_tail = bib.strip(), id_tail.strip().upper()
    now, limit = clock.now(), current_app.config["RESULT_LOOKUP_MAX_TRIES"]
    # One SELECT: the earlier tries of the hour (counted up to the limit) beside the registration, if any.
    earlier = (select(BibLookup.id).where(BibLookup.event_id == event.id, BibLookup.contestant_no == bib,
                                          BibLookup.at >= now - WINDOW).limit(limit))
    tries = select(func.count().label("tries")).select_from(earlier.subquery()).subquery()
    row = db.session.execute(
        select(tries.c.tries, Registration).select_from(tries)
        .outerjoin(Registration, and_(Registration.event_id == event.id, Registration.contestant_no == bib,
                                      Registration.status == RegistrationStatus.APPROVED))
        .options(joinedload(Registration.person))).one()
    registration = row.Registration
    matched = registration is not None and len(id_tail) == ID_TAIL and hmac.compare_digest(
        registration.person.id_number.upper()[-ID_TAIL:].encode(), id_tail.encode())
    # A plain INSERT: the row is never read back, so it needs no object and no unit-of-work flush.
    db.session.execute(insert(BibLookup).values(event_id=event.id, contestant_no=bib, at=now, succeeded=matched))
    if row.tries >= limit:  # this try is one more than the limit allows
        raise TooManyTries(msg("too many tries for bib %(bib)s: at most %(count)s an hour; try again later "
                               "or ask the organizers", bib=bib, count=limit))
    return registration if matched else None


def registrations_of(event: Event, person_id: int) -> list[Registration]:
    """A logged-in contestant's approved registrations in the event."""
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.person_id == person_id,
        Registration.status == RegistrationStatus.APPROVED).order_by(Registration.contestant_no)))


@dataclass(frozen=True)
class OwnResult:
    """One registration's result; ``line`` and ``table`` are ``None`` while its skill is not
    published (``table`` holds that one line). ``medians`` per criterion over the skill's competed
    contestants."""

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


def own_results(registrations: list[Registration]) -> list[OwnResult]:
    """The published results of these registrations, each read as its own line only."""
    found = []
    for registration in registrations:
        table = published_line(registration)
        line = table.lines[0] if table and table.lines else None
        medians = {code: Decimal(value) for code, value in table.results.criterion_medians.items()} if line else {}
        found.append(OwnResult(registration, table.skill if table else registration.skill, table if line else None,
                               line, medians))
    return found

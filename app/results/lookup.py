"""A contestant's own results: found by login, or by bib number + the last 6 characters of the ID
number, with at most ``RESULT_LOOKUP_MAX_TRIES`` (5) wrong tries per bib per hour.

Only wrong tries are counted, as a login counts failed passwords: a contestant may open their own
result as often as they like, and a guesser is stopped after five misses — after which even the
right digits are refused for the hour, so a sixth guess cannot tell a hit from the lock. A right
try therefore reads and writes nothing, and the look-up of results day is read-only: nothing in it
waits for a lock or a disk flush, whatever the number of workers.

Wrong tries are rows (:class:`BibLookup`), so every gunicorn worker and every app server sees one
count. The earlier misses of the hour are counted in the same SELECT that reads the registration,
and a miss is one INSERT. The count stops at the limit, so a bib missed a thousand times costs what
one missed six times does. Refused tries are misses too, which keeps a guesser locked out for as
long as they keep guessing; a miss is written apart from the request's reading
(:func:`app.transaction.record_apart`), so it stands whatever the page answers. A try counts the
misses committed before it, so misses racing in the same instant can pass the limit by the number
of workers at most, never for long. A bib that does not exist is answered like wrong digits, so
the form does not confirm which bibs exist.

What a line shows (rank, award, total, criteria next to the skill's stored criterion medians,
penalties, scale) is the contestant's own data only, read as one standing row together with its
skill's results (:func:`app.results.tables.published_line`) whatever the size of the skill.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache

from flask import current_app
from sqlalchemy import Select, and_, bindparam, func, insert, select
from sqlalchemy.orm import joinedload

from app import clock
from app.errors import DomainError
from app.events.models import Attendance, Event, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.messages import msg
from app.results.models import BibLookup
from app.results.tables import Line, SkillTable, published_line
from app.transaction import record_apart

WINDOW = timedelta(hours=1)
ID_TAIL = 6


class TooManyTries(DomainError):
    pass


def look_up(event: Event, bib: str, id_tail: str) -> Registration | None:
    """The registration whose bib and ID tail match, ``None`` when they do not (a miss, recorded);
    raises :class:`TooManyTries`, recording the try as a miss, once the hour's misses reached the
    limit."""
    bib, id_tail = bib.strip(), id_tail.strip().upper()
    now, limit = clock.now(), current_app.config["RESULT_LOOKUP_MAX_TRIES"]
    row = db.session.execute(_misses_and_registration(),
                             {"event_id": event.id, "bib": bib, "since": now - WINDOW, "limit": limit}).one()
    registration = row.Registration
    matched = registration is not None and len(id_tail) == ID_TAIL and hmac.compare_digest(
        registration.person.id_number.upper()[-ID_TAIL:].encode(), id_tail.encode())
    locked = row.misses >= limit  # the hour's misses used the limit up: this try is refused, right or not
    if locked or not matched:
        # A plain INSERT: the row is never read back, so it needs no object and no unit-of-work flush.
        record_apart(insert(BibLookup).values(event_id=event.id, contestant_no=bib, at=now, succeeded=False))
    if locked:
        raise TooManyTries(msg("too many wrong tries for bib %(bib)s: at most %(count)s an hour; try again "
                               "later or ask the organizers", bib=bib, count=limit))
    return registration if matched else None


@cache
def _misses_and_registration() -> Select:
    """One SELECT: the hour's earlier misses of a bib (counted up to the limit) beside its registration,
    if any. Built once and run with parameters: on results day it runs thousands of times a minute,
    and building it (two subqueries) cost more than the database took to answer. Rows of right tries,
    written before only misses were kept, are not misses."""
    earlier = (select(BibLookup.id).where(BibLookup.event_id == bindparam("event_id"),
                                          BibLookup.contestant_no == bindparam("bib"),
                                          BibLookup.at >= bindparam("since"), BibLookup.succeeded.is_(False))
               .limit(bindparam("limit")))
    misses = select(func.count().label("misses")).select_from(earlier.subquery()).subquery()
    return (select(misses.c.misses, Registration).select_from(misses)
            .outerjoin(Registration, and_(Registration.event_id == bindparam("event_id"),
                                          Registration.contestant_no == bindparam("bib"),
                                          Registration.status == RegistrationStatus.APPROVED))
            .options(joinedload(Registration.person)))


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

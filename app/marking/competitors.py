"""Who is marked: a registration in an individual skill, a team in a team skill.

A team's marks, penalties and component scores hang on its *lead* registration, the member with
the lowest bib, so the paper path accepts any member's bib and stores one set per team (formats.md).
A team counts as having competed when any member did (one member absent still leaves a team on
the floor); an individual's own check-in status decides for them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.errors import InputRefused, Problem, at_row
from app.events.models import Attendance, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.messages import Message, msg


@dataclass(frozen=True)
class Competitor:
    lead: Registration
    members: tuple[Registration, ...]

    @property
    def id(self) -> int:
        return self.lead.id

    @property
    def competed(self) -> bool:
        return any(m.attendance == Attendance.COMPETED for m in self.members)

    @property
    def label(self) -> str:
        """What a marking sheet shows: the bib, or every member's bib for a team."""
        return "/".join(m.contestant_no for m in self.members)


def competitors(skill: Skill) -> list[Competitor]:
    """The skill's approved competitors, ordered by lead bib."""
    registrations = db.session.scalars(
        select(Registration).where(Registration.skill_id == skill.id,
                                   Registration.status == RegistrationStatus.APPROVED)
        .order_by(Registration.contestant_no)).all()
    if skill.team_size <= 1:
        return [Competitor(r, (r,)) for r in registrations]
    teams: dict[str, list[Registration]] = defaultdict(list)
    for registration in registrations:
        teams[registration.team or registration.contestant_no].append(registration)
    found = [Competitor(members[0], tuple(members)) for members in teams.values()]
    return sorted(found, key=lambda c: c.lead.contestant_no)


def by_bib(found: list[Competitor]) -> dict[str, Competitor]:
    """Every member's bib points at its competitor."""
    return {m.contestant_no: c for c in found for m in c.members}


def read_per_competitor(skill: Skill, rows: list, column: str, parse: Callable[[str], Any],
                        bad_value: Message, repeated: Callable[[int], Message]) -> dict[int, tuple[Any, str]]:
    """A file of one value per competitor (``contestant_no`` plus ``column``): competitor id →
    (value, lead bib). Any member's bib names its team; every problem is reported, nothing is kept."""
    found = by_bib(competitors(skill))
    problems: list[Problem] = []
    wanted: dict[int, tuple[Any, str]] = {}
    first_row: dict[int, int] = {}
    for row in rows:
        competitor = found.get(row["contestant_no"])
        value = parse(row[column])
        if competitor is None:
            problems.append(at_row(row.number, "contestant_no", msg(
                "no approved contestant %(bib)s in %(skill)s", bib=row["contestant_no"] or "(empty)",
                skill=skill.code)))
        elif competitor.id in first_row:
            problems.append(at_row(row.number, "contestant_no", repeated(first_row[competitor.id])))
        if value is None:
            problems.append(at_row(row.number, column, bad_value))
        if competitor is not None and competitor.id not in first_row:
            first_row[competitor.id] = row.number
            if value is not None:
                wanted[competitor.id] = (value, competitor.lead.contestant_no)
    if problems:
        raise InputRefused(problems)
    return wanted

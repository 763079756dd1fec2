"""Who is marked: a registration in an individual skill, a team in a team skill.

A team's marks, penalties and component scores hang on its *lead* registration, the member with
the lowest bib, so the paper path accepts any member's bib and stores one set per team (formats.md).
A team counts as having competed when any member did (one member absent still leaves a team on
the floor); an individual's own check-in status decides for them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from app.events.models import Attendance, Registration, RegistrationStatus, Skill
from app.extensions import db


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

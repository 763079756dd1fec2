"""Reading stored standings for pages and exports, in a fixed number of queries.

One query for the skills' results, one for their standings with each lead registration, person and
unit, and one for the members of the teams shown — however many contestants a skill has. A public
page reads the first lines only (:func:`top_of`) and a contestant's page or a bib search one line
(:func:`published_line`, with its skill's results in the same query).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.orm import contains_eager, joinedload

from app.events.models import Event, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.people.models import Person
from app.results.models import Publication, SkillResults, Standing


@dataclass(frozen=True)
class Line:
    standing: Standing
    lead: Registration
    members: tuple[Registration, ...]

    @property
    def bib(self) -> str:
        return self.lead.contestant_no

    @property
    def name(self) -> str:
        """A team shows its members' names."""
        return "、".join(m.person.name for m in self.members)

    @property
    def unit(self):
        return self.lead.unit

    @property
    def team(self) -> str | None:
        return self.lead.team


@dataclass(frozen=True)
class SkillTable:
    skill: Skill
    results: SkillResults
    lines: list[Line]

    @property
    def criteria(self) -> list[str]:
        """Criterion codes in scheme order (the stored mark totals keep it)."""
        return list(self.results.criterion_max)

    @property
    def median(self) -> Decimal | None:
        return self.results.median

    def line_of(self, competitor_id: int) -> Line | None:
        return next((line for line in self.lines if line.standing.competitor_id == competitor_id), None)


def skill_tables(event: Event, *, published_only: bool, skill: Skill | None = None) -> list[SkillTable]:
    """The event's (or one skill's) standings, skills in code order; ``published_only`` leaves out
    private ones (what contestants and the public may see)."""
    query = (select(SkillResults).join(Skill, Skill.id == SkillResults.skill_id)
             .options(contains_eager(SkillResults.skill)).where(SkillResults.event_id == event.id))
    if skill is not None:
        query = query.where(SkillResults.skill_id == skill.id)
    if published_only:
        query = query.where(SkillResults.publication != Publication.PRIVATE)
    found = sorted(db.session.scalars(query), key=lambda r: r.skill.code)
    if not found:
        return []
    standings = db.session.scalars(
        _standings().where(Standing.skill_id.in_([r.skill_id for r in found]))
        .order_by(Standing.skill_id, Standing.position)).all()
    return _tables(found, standings)


def top_of(results: SkillResults, count: int) -> SkillTable:
    """The first ``count`` lines of a skill's standings (a public page's first screen)."""
    standings = db.session.scalars(_standings().where(Standing.skill_id == results.skill_id)
                                   .order_by(Standing.position).limit(count)).all()
    return _tables([results], standings)[0]


def published_line(registration: Registration) -> SkillTable | None:
    """The published results of the registration's skill with its one line, or ``None`` while the
    skill is not published: the line (a team member's is the team's) and the results in one query
    (the team's members in a second), for the contestant's own page and the bib search, where every
    round trip counts on results day."""
    rows = db.session.execute(_published_line_statement(team=bool(registration.team)),
                              {"skill_id": registration.skill_id, "registration_id": registration.id,
                               "team": registration.team}).all()
    if not rows:
        return None
    return _tables([rows[0][0]], [standing for _, standing in rows if standing is not None])[0]


@cache
def _published_line_statement(*, team: bool) -> Select:
    """:func:`published_line`'s query, built once per shape (a team's line, or one contestant's) and
    run with parameters: building it cost more than running it, on the busiest page of results day."""
    if team:
        members = select(Registration.id).where(Registration.skill_id == bindparam("skill_id"),
                                                Registration.team == bindparam("team"))
        line = Standing.competitor_id.in_(members.scalar_subquery())
    else:
        line = Standing.competitor_id == bindparam("registration_id")
    return (select(SkillResults, Standing).join(Skill, Skill.id == SkillResults.skill_id)
            .outerjoin(Standing, and_(Standing.skill_id == SkillResults.skill_id, line))
            .options(contains_eager(SkillResults.skill), *_standing_options())
            .where(SkillResults.skill_id == bindparam("skill_id"), SkillResults.publication != Publication.PRIVATE))


def _standings():
    return select(Standing).options(*_standing_options())


def _standing_options():
    return (joinedload(Standing.competitor).joinedload(Registration.person),
            joinedload(Standing.competitor).joinedload(Registration.unit))


def _tables(found: list[SkillResults], standings: list[Standing]) -> list[SkillTable]:
    """Lines grouped by skill, teams with their members (read for the teams shown only)."""
    teams = {(s.competitor.skill_id, s.competitor.team) for s in standings if s.competitor.team}
    members = _team_members(teams)
    by_skill: dict[int, list[Line]] = defaultdict(list)
    for standing in standings:
        lead = standing.competitor
        team = members.get((lead.skill_id, lead.team)) if lead.team else None
        by_skill[standing.skill_id].append(Line(standing, lead, tuple(team or (lead,))))
    return [SkillTable(r.skill, r, by_skill[r.skill_id]) for r in found]


def _team_members(teams: set[tuple[int, str]]) -> dict[tuple[int, str], list[Registration]]:
    if not teams:
        return {}
    found: dict[tuple[int, str], list[Registration]] = defaultdict(list)
    for registration in db.session.scalars(
            select(Registration).join(Person)
            .where(Registration.skill_id.in_({skill_id for skill_id, _ in teams}),
                   Registration.team.in_({team for _, team in teams}),
                   Registration.status == RegistrationStatus.APPROVED)
            .options(contains_eager(Registration.person)).order_by(Registration.contestant_no)):
        if (registration.skill_id, registration.team) in teams:
            found[(registration.skill_id, registration.team)].append(registration)
    return found

"""The facts grants are paid on, derived from the system's own data (``scoring.grants.Facts``).

One bounded query per kind of fact (events, their organizers, their skills, competed contestants,
final standings, titles, trainings), each selecting plain columns with the scope in its WHERE
clause, so the work does not grow with a query per event or per person.

- **Events**: tier, class, effective tier, flagship, start day; organizers (主办, co-organizers
  included) in order with their unit kind — leaving ``hr_authority`` organizers unpaid is the rule
  kind's business (``scoring.grants``), not decided here; skills with occupation and host unit.
- **Competitors** (taking part): *approved* registrations whose own check-in status is
  ``competed`` (absent, withdrawn and disqualified people did not take part), paid to the
  registration's unit. A team skill gives one competitor per competed member, ``entry`` being the
  team's lead bib (the lowest), as the standings store one row per team.
- **Awards and places** come only from skills whose results are published **final**: provisional
  results may still change on appeal, private ones are not results yet. Elsewhere a competitor has
  no rank and no award (taking part still counts, from the check-in).
- **Titles** and **trainings** are the imported records (``import titles``, ``import training``).
- Hires, skill-level rises and bases are not held yet: ``None``, so the rules that need them
  report "not computed" instead of a number.

Scopes: a ``year`` keeps events of that year, titles of that year and trainings whose payment can
fall in it (a certificate or an employment that year: a training line's year is the day it fell
due); no year keeps everything.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import aliased

from app.events.models import Attendance, Event, EventOrganizer, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.people.models import Person, TitleRecord, TrainingRecord
from app.results.models import Publication, SkillResults, Standing
from app.units.models import Unit
from scoring import grants


def _event_filter(year: int | None) -> ColumnElement[bool]:
    return Event.year == year if year is not None else true()


def derive_facts(year: int | None = None, *, titles: bool = True, trainings: bool = True) -> grants.Facts:
    """The facts of ``year`` (every year when ``None``); ``titles=False`` / ``trainings=False`` leave
    those out as *held, none in scope* (an event's computation has no title or training lines)."""
    events = _events(year)
    return grants.Facts(
        events=events,
        competitors=_competitors(year),
        titles=_titles(year) if titles else (),
        trainings=_trainings(year) if trainings else (),
        hires=None, level_rises=None, bases=None)


def _events(year: int | None) -> tuple[grants.Event, ...]:
    where = _event_filter(year)
    organizers: dict[int, list[grants.Organizer]] = {}
    for event_id, code, kind in db.session.execute(
            select(EventOrganizer.event_id, Unit.code, Unit.kind)
            .join(Unit, Unit.id == EventOrganizer.unit_id).join(Event, Event.id == EventOrganizer.event_id)
            .where(where).order_by(EventOrganizer.event_id, EventOrganizer.position)):
        organizers.setdefault(event_id, []).append(grants.Organizer(code, kind.value))
    host = aliased(Unit)
    skills: dict[int, list[grants.EventSkill]] = {}
    for event_id, code, name, occupation, host_code in db.session.execute(
            select(Skill.event_id, Skill.code, Skill.name, Skill.occupation_code, host.code)
            .join(Event, Event.id == Skill.event_id).outerjoin(host, host.id == Skill.host_unit_id)
            .where(where).order_by(Skill.event_id, Skill.code)):
        skills.setdefault(event_id, []).append(
            grants.EventSkill(code, name or "", occupation or "", host_code))
    rows = db.session.execute(
        select(Event.id, Event.code, Event.tier, Event.year, Event.event_class, Event.effective_tier,
               Event.flagship, Event.starts_on, Event.name).where(where).order_by(Event.code))
    return tuple(grants.Event(code=code, tier=tier, year=event_year, event_class=event_class,
                              effective_tier=effective_tier, flagship=bool(flagship), starts_on=starts_on,
                              name=name, organizers=tuple(organizers.get(event_id, ())),
                              skills=tuple(skills.get(event_id, ())))
                 for event_id, code, tier, event_year, event_class, effective_tier, flagship, starts_on, name
                 in rows)


def _entry_key(team_size: int, team: str | None, contestant_no: str) -> str:
    """How the standings group a skill's registrations (``app.marking.competitors``): by team label
    in a team skill, else each registration alone."""
    return (team or contestant_no) if team_size > 1 else contestant_no


def _final_standings(year: int | None) -> dict[tuple[int, str], tuple[str, int | None, str | None]]:
    """(skill id, entry key) → (lead bib, rank, award) of every standing in a final skill."""
    found: dict[tuple[int, str], tuple[str, int | None, str | None]] = {}
    for skill_id, team_size, team, bib, rank, award in db.session.execute(
            select(Standing.skill_id, Skill.team_size, Registration.team, Registration.contestant_no,
                   Standing.rank, Standing.award)
            .join(SkillResults, SkillResults.skill_id == Standing.skill_id)
            .join(Skill, Skill.id == Standing.skill_id).join(Event, Event.id == Skill.event_id)
            .join(Registration, Registration.id == Standing.competitor_id)
            .where(SkillResults.publication == Publication.FINAL, _event_filter(year))):
        found[(skill_id, _entry_key(team_size, team, bib))] = (bib, rank, award)
    return found


def _competitors(year: int | None) -> tuple[grants.Competitor, ...]:
    final = _final_standings(year)
    rows = db.session.execute(
        select(Event.code, Skill.id, Skill.code, Skill.team_size, Registration.contestant_no,
               Registration.team, Person.id_number, Person.name, Unit.code)
        .join(Skill, Skill.id == Registration.skill_id).join(Event, Event.id == Registration.event_id)
        .join(Person, Person.id == Registration.person_id).join(Unit, Unit.id == Registration.unit_id)
        .where(Registration.status == RegistrationStatus.APPROVED,
               Registration.attendance == Attendance.COMPETED, _event_filter(year))
        .order_by(Event.code, Skill.code, Registration.contestant_no))
    found: list[grants.Competitor] = []
    for event_code, skill_id, skill_code, team_size, bib, team, id_number, name, unit_code in rows:
        lead, rank, award = final.get((skill_id, _entry_key(team_size, team, bib)), ("", None, None))
        found.append(grants.Competitor(event=event_code, skill=skill_code, contestant_no=bib,
                                       id_number=id_number, unit=unit_code, name=name, rank=rank, award=award,
                                       entry=lead if team_size > 1 else ""))
    return tuple(found)


def _titles(year: int | None) -> tuple[grants.Title, ...]:
    rows = db.session.execute(
        select(Person.id_number, TitleRecord.title, TitleRecord.year, Unit.code, Person.name)
        .join(Person, Person.id == TitleRecord.person_id).join(Unit, Unit.id == TitleRecord.unit_id)
        .where(TitleRecord.year == year if year is not None else true())
        .order_by(Person.id_number, TitleRecord.title, TitleRecord.year))
    return tuple(grants.Title(id_number=n, title=t, year=y, unit=u, name=name) for n, t, y, u, name in rows)


def _in_year(column: Any, year: int) -> ColumnElement[bool]:
    return and_(column >= date(year, 1, 1), column <= date(year, 12, 31))


def _trainings(year: int | None) -> tuple[grants.Training, ...]:
    where = (or_(_in_year(TrainingRecord.certificate_date, year),
                 _in_year(TrainingRecord.employed_date, year)) if year is not None else true())
    rows: Sequence[Any] = db.session.execute(
        select(Person.id_number, Person.name, Unit.code, TrainingRecord.occupation, TrainingRecord.start_date,
               TrainingRecord.end_date, TrainingRecord.days, TrainingRecord.certificate_date,
               TrainingRecord.employed_date, TrainingRecord.employed_in_province,
               TrainingRecord.placed_by_body)
        .join(Person, Person.id == TrainingRecord.person_id)
        .join(Unit, Unit.id == TrainingRecord.training_body_id)
        .where(where).order_by(Person.id_number, TrainingRecord.start_date)).all()
    return tuple(grants.Training(id_number=r[0], name=r[1], training_body=r[2], occupation=r[3] or "",
                                 start_date=r[4], end_date=r[5], days=r[6], certificate_date=r[7],
                                 employed_date=r[8], employed_in_province=bool(r[9]),
                                 placed_by_body=bool(r[10])) for r in rows)

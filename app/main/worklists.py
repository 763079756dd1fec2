"""What waits for each role: the lists a role's home page starts from.

Every item is a thing the user may act on or read, found through the same ownership rules as the
pages it links to (unit trees, panel seats, the arbitration committee, the contestant's person), so
the home page never links to a page that would answer 404. Each list is a few queries over the
user's own events, not a scan of every event's standings.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app import clock
from app.auth.models import User
from app.auth.scope import manageable_unit_ids
from app.events.models import Event, PanelMember, PanelRole, Registration, RegistrationStatus, Skill
from app.events.panels import panels_of_user
from app.events.scope import can_arbitrate
from app.extensions import db
from app.marking.models import SchemeCriterion
from app.results.models import Appeal, AppealStatus, Publication, SkillResults, Standing


@dataclass(frozen=True)
class Seat:
    """An expert's seat with how far its skill's marking has come."""

    member: PanelMember
    criteria: int
    locked: int

    @property
    def marks(self) -> bool:
        """Judges, deputies, chiefs and reserves mark; supervisors only watch."""
        return self.member.role != PanelRole.SUPERVISOR

    @property
    def open_criteria(self) -> int:
        return self.criteria - self.locked


@dataclass(frozen=True)
class AppealWindow:
    """A provisionally published skill whose appeals window is open, with the appeals waiting."""

    skill: Skill
    closes_at: datetime | None
    pending: int
    open: bool


@dataclass(frozen=True)
class EntryCount:
    event: Event
    pending: int
    approved: int
    rejected: int


@dataclass(frozen=True)
class OwnResult:
    """One registration with its published standing, when there is one."""

    registration: Registration
    standing: Standing | None
    publication: Publication | None


def expert_seats(user: User) -> list[Seat]:
    """The user's panel seats with how many of each skill's criteria are locked, for the expert's home page."""
    members = panels_of_user(user)
    skill_ids = [m.skill_id for m in members]
    counts = dict.fromkeys(skill_ids, (0, 0))
    if skill_ids:
        rows = db.session.execute(
            select(SchemeCriterion.skill_id, func.count(SchemeCriterion.id), func.count(SchemeCriterion.locked_at))
            .where(SchemeCriterion.skill_id.in_(skill_ids)).group_by(SchemeCriterion.skill_id))
        counts.update({skill_id: (total, locked) for skill_id, total, locked in rows})
    return [Seat(m, *counts[m.skill_id]) for m in members]


def _windows(skills: list[Skill], *, pending_only_units: set[int] | None = None) -> list[AppealWindow]:
    """The skills among ``skills`` that are provisional (window open or appeals still pending)."""
    if not skills:
        return []
    by_id = {s.id: s for s in skills}
    results = db.session.scalars(select(SkillResults).where(
        SkillResults.skill_id.in_(by_id), SkillResults.publication == Publication.PROVISIONAL))
    pending_query = (select(Appeal.skill_id, func.count(Appeal.id))
                     .where(Appeal.skill_id.in_(by_id), Appeal.status == AppealStatus.PENDING)
                     .group_by(Appeal.skill_id))
    if pending_only_units is not None:
        pending_query = pending_query.join(Registration, Registration.id == Appeal.competitor_id).where(
            Registration.unit_id.in_(pending_only_units))
    pending = dict(db.session.execute(pending_query).all())
    now = clock.now()
    windows = []
    for r in results:
        is_open = r.appeals_close_at is not None and now < r.appeals_close_at
        if is_open or pending.get(r.skill_id):
            windows.append(AppealWindow(by_id[r.skill_id], r.appeals_close_at, pending.get(r.skill_id, 0), is_open))
    return sorted(windows, key=lambda w: (w.closes_at is None, w.closes_at or now, w.skill.event.code, w.skill.code))


def arbiter_appeals(user: User) -> list[AppealWindow]:
    """Provisional skills of the events this user arbitrates, soonest deadline first."""
    events = db.session.scalars(select(Event).where(Event.id.in_(
        select(SkillResults.event_id).where(SkillResults.publication == Publication.PROVISIONAL))))
    skills = [s for e in events if can_arbitrate(user, e) for s in e.skills]
    return _windows(skills)


def _unit_registrations(user: User):
    units = manageable_unit_ids(user)
    query = select(Registration)
    return query if units is None else query.where(Registration.unit_id.in_(units))


def unit_entries(user: User) -> list[EntryCount]:
    """A unit admin's entries per event, newest event first."""
    units = manageable_unit_ids(user)
    query = select(Registration.event_id, Registration.status, func.count(Registration.id))
    if units is not None:
        query = query.where(Registration.unit_id.in_(units))
    counts: dict[int, dict[RegistrationStatus, int]] = {}
    for event_id, status, count in db.session.execute(query.group_by(Registration.event_id, Registration.status)):
        counts.setdefault(event_id, {})[status] = count
    events = db.session.scalars(select(Event).where(Event.id.in_(counts))).all()
    return [EntryCount(e, counts[e.id].get(RegistrationStatus.SUBMITTED, 0),
                       counts[e.id].get(RegistrationStatus.APPROVED, 0),
                       counts[e.id].get(RegistrationStatus.REJECTED, 0))
            for e in sorted(events, key=lambda e: (e.starts_on, e.code), reverse=True)]


def unit_appeals(user: User) -> list[AppealWindow]:
    """Provisional skills where this unit admin's units have a contestant: where they may appeal."""
    units = manageable_unit_ids(user)
    skill_ids = select(Registration.skill_id).where(Registration.status == RegistrationStatus.APPROVED)
    if units is not None:
        skill_ids = skill_ids.where(Registration.unit_id.in_(units))
    skills = db.session.scalars(select(Skill).where(Skill.id.in_(skill_ids))).all()
    return _windows(list(skills), pending_only_units=units)


def _own_results(registrations) -> list[OwnResult]:
    registrations = list(registrations)
    ids = [r.id for r in registrations]
    standings = {s.competitor_id: s for s in db.session.scalars(
        select(Standing).where(Standing.competitor_id.in_(ids)))} if ids else {}
    publication = dict(db.session.execute(select(SkillResults.skill_id, SkillResults.publication).where(
        SkillResults.skill_id.in_({r.skill_id for r in registrations}))).all()) if ids else {}
    results = []
    for r in registrations:
        state = publication.get(r.skill_id)
        shown = state in (Publication.PROVISIONAL, Publication.FINAL)
        results.append(OwnResult(r, standings.get(r.id) if shown else None, state if shown else None))
    return results


def unit_results(user: User) -> list[OwnResult]:
    """Published standings of this unit admin's contestants, by event, skill and rank."""
    registrations = db.session.scalars(_unit_registrations(user).where(
        Registration.status == RegistrationStatus.APPROVED,
        Registration.skill_id.in_(select(SkillResults.skill_id).where(
            SkillResults.publication != Publication.PRIVATE))))
    found = [r for r in _own_results(registrations) if r.standing is not None]
    return sorted(found, key=lambda r: (r.registration.event.code, r.registration.skill.code,
                                        r.standing.rank is None, r.standing.rank or 0,
                                        r.registration.contestant_no))


def contestant_entries(user: User) -> list[OwnResult]:
    """A contestant's own registrations, newest event first, with results where published."""
    if user.person_id is None:
        return []
    registrations = db.session.scalars(select(Registration).where(Registration.person_id == user.person_id))
    return sorted(_own_results(registrations),
                  key=lambda r: (r.registration.event.starts_on, r.registration.event.code,
                                 r.registration.skill.code), reverse=True)

"""Qualification (tiers.md): advancing contestants of a feeder event into the higher event.

An event may name a *feeder* event at a lower tier. The organizer advances an explicit list of the
feeder's registrations in one step (the results feature will call the same operation with the top
N of each skill); each new registration keeps ``feeder_registration_id``, the link to the entry
that qualified it. Every eligibility rule of :mod:`app.events.eligibility` applies — quota, age,
level, group, team, one skill per person, organizers' employees — except the registration window:
qualifiers arrive when the feeder ends, not when units register.

Choices where tiers.md is silent:
- skills are matched by code; a feeder skill without a same-coded skill needs the organizer's
  mapping (feeder skill code → skill code), which also overrides a match by code;
- only approved feeder registrations that *competed* advance;
- the bib (contestant_no) is kept when it is free in the higher event, else it becomes the skill
  code and the lowest free two-digit sequence (``WELD-E-03``); a team keeps its label unless the
  skill already has that team, then the label is prefixed with the feeder event's code;
- advanced registrations are approved at once (the organizer acts) and marked ``outside_window``
  when the window is not open that day, like the organizer's own late entries; a person whose entry
  in the higher event was rejected gets that registration back (as a re-submission does);
- all or nothing: one problem refuses the whole list, each problem named by the feeder bib.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import audit, clock
from app.errors import DomainError, InputRefused, Problem
from app.events.eligibility import Candidate, Roster, check, person_key_of
from app.events.models import Attendance, Event, Registration, RegistrationStatus, Skill
from app.events.registration import registration_state
from app.extensions import db
from app.messages import msg


class QualificationError(DomainError):
    pass


@dataclass(frozen=True)
class FeederEntry:
    """A feeder registration as the qualification page lists it, with where it went (if anywhere)."""

    registration: Registration
    advanced_as: Registration | None


def feeder_entries(event: Event) -> list[FeederEntry]:
    """The feeder event's approved registrations, sorted by skill and bib, each with its advanced entry."""
    feeder = _feeder_of(event)
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == feeder.id,
                                   Registration.status == RegistrationStatus.APPROVED)
        .options(selectinload(Registration.person), selectinload(Registration.unit),
                 selectinload(Registration.skill)))
    advanced = {r.feeder_registration_id: r for r in db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.feeder_registration_id.is_not(None)))}
    return [FeederEntry(r, advanced.get(r.id))
            for r in sorted(registrations, key=lambda r: (r.skill.code, r.contestant_no))]


def _feeder_of(event: Event) -> Event:
    if event.feeder_event is None:
        raise QualificationError(msg("%(event)s names no feeder event", event=event.code))
    return event.feeder_event


def target_skill(event: Event, feeder_skill: Skill, skill_map: dict[str, str]) -> Skill | None:
    """The higher event's skill for a feeder skill: the organizer's mapping, else the same code."""
    code = skill_map.get(feeder_skill.code) or feeder_skill.code
    return event.skill(code)


def advance_from_feeder(event: Event, feeder_registration_ids: list[int],
                        skill_map: dict[str, str] | None = None) -> list[Registration]:
    """Register the given feeder registrations in ``event`` (see the module docstring)."""
    feeder = _feeder_of(event)
    skill_map = skill_map or {}
    # Serialize with other registrations of the event, as unit registrations do: quotas count them all.
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    chosen = _feeder_registrations(feeder, feeder_registration_ids)
    existing = list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .options(selectinload(Registration.person), selectinload(Registration.skill))))
    roster = Roster.of(event, existing, {person_key_of(r): r.person for r in chosen})
    problems: list[Problem] = []
    candidates: list[tuple[Registration, Candidate]] = []
    bibs = set(roster.bibs)
    for position, source in enumerate(chosen, start=1):
        where = _label(source)
        if source.status != RegistrationStatus.APPROVED:
            problems.append(Problem(where, msg("is %(status)s in %(event)s, not approved",
                                               status=source.status.value, event=feeder.code)))
            continue
        if source.attendance != Attendance.COMPETED:
            problems.append(Problem(where, msg("did not compete in %(event)s (%(status)s)", event=feeder.code,
                                               status=source.attendance.value)))
            continue
        skill = target_skill(event, source.skill, skill_map)
        if skill is None:
            problems.append(Problem(where, msg(
                "%(event)s has no skill %(skill)s; choose the skill it advances to", event=event.code,
                skill=skill_map.get(source.skill.code) or source.skill.code)))
            continue
        rejected = roster.rejected.get(person_key_of(source))
        bib = rejected.contestant_no if rejected else _free_bib(source.contestant_no, skill, bibs)
        bibs.add(bib)
        candidates.append((source, _candidate(position, source, skill, bib, feeder, roster)))
    findings = check([c for _, c in candidates], roster)
    sources = {c.row: source for source, c in candidates}
    for position, finding in findings:
        source = sources[position]
        problems.append(Problem(f"{_label(source)}, {finding.column}", finding.message))
    if problems:
        raise InputRefused(problems)
    return [_write(event, source, c, roster) for source, c in candidates]


def _label(source: Registration) -> str:
    """Where a problem is: the feeder entry's skill and bib."""
    return f"{source.skill.code} {source.contestant_no}"


def _feeder_registrations(feeder: Event, ids: list[int]) -> list[Registration]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise QualificationError(msg("choose at least one contestant to advance"))
    found = {r.id: r for r in db.session.scalars(
        select(Registration).where(Registration.id.in_(wanted), Registration.event_id == feeder.id)
        .options(selectinload(Registration.person), selectinload(Registration.unit),
                 selectinload(Registration.skill)))}
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise QualificationError(msg("registration(s) %(ids)s are not in %(event)s", ids=", ".join(missing),
                                     event=feeder.code))
    return sorted(found.values(), key=lambda r: (r.skill.code, r.contestant_no))


def _free_bib(bib: str, skill: Skill, taken: set[str]) -> str:
    if bib not in taken:
        return bib
    sequence = 1
    while f"{skill.code}-{sequence:02d}" in taken:
        sequence += 1
    return f"{skill.code}-{sequence:02d}"


def _candidate(position: int, source: Registration, skill: Skill, bib: str, feeder: Event,
               roster: Roster) -> Candidate:
    team = source.team or ""
    if team and team in roster.teams.get(skill.id, set()):
        team = f"{feeder.code}-{team}"
    person = source.person
    return Candidate(
        row=position, unit=source.unit, skill=skill, contestant_no=bib, name=person.name,
        id_type=person.id_type, id_number=person.id_number, birth_date=person.birth_date,
        gender=person.gender, group=source.group, current_level=source.current_level,
        current_level_cert_no=source.current_level_cert_no or "", phone=person.phone or "", team=team)


def _write(event: Event, source: Registration, c: Candidate, roster: Roster) -> Registration:
    registration = roster.reusable(c)
    before = registration_state(registration) if registration is not None else None
    if registration is None:
        registration = Registration(event=event)
        db.session.add(registration)
    registration.skill, registration.unit, registration.person = c.skill, c.unit, source.person
    registration.contestant_no, registration.group = c.contestant_no, c.group or c.skill.group
    registration.current_level = c.current_level
    registration.current_level_cert_no = c.current_level_cert_no or None
    registration.team = c.team or None
    registration.status, registration.rejection_reason = RegistrationStatus.APPROVED, None
    registration.attendance = Attendance.COMPETED
    registration.outside_window = not event.registration_open_on(clock.today())
    registration.self_registered = False  # the organizer advances it, whoever entered it before
    registration.feeder_registration = source
    db.session.flush()
    feeder = f"{source.event.code}/{source.skill.code}/{source.contestant_no}"
    audit.record("registration.advance", "registration", registration.id, before=before,
                 after=registration_state(registration) | {"feeder": feeder}, event_id=event.id)
    return registration

"""Events: imports (shared by the command line and web uploads), create and update.

Services validate, write and audit but never commit: the caller (a view, or a CLI command) commits
once, so a refused operation leaves nothing behind.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app import audit, clock
from app.errors import DomainError
from app.events.event_file import EventFile
from app.events.models import Event, EventOrganizer, Registration, Skill
from app.extensions import db
from app.inputs import read_or_refuse
from app.json_reader import load_json
from app.rulesets import PROMOTION, RuleSetUnknown
from app.rulesets import rule_set as rule_set_named
from app.signals import event_settings_changed
from app.units.models import Unit
from scoring.marks import Finding, problem
from scoring.promotion import coverage_problem

EVENT_AUDIT_FIELDS = ["code", "name", "tier", "event_class", "effective_tier", "year", "starts_on", "ends_on",
                      "registration_opens", "registration_closes", "delegation_kind", "awards", "tie_breakers"]


class EventsError(DomainError):
    pass


def event_by_code(code: str) -> Event | None:
    """The event of that code, or ``None``: callers decide whether unknown is a 404 or a refusal."""
    return db.session.scalar(select(Event).where(Event.code == code))


# --- events -------------------------------------------------------------------------------------

def import_event(data: bytes, *, update: bool = False) -> Event:
    """The event file of formats.md; ``update`` changes an existing event before it starts."""
    return save_event_document(load_json(data), update=update)


def save_event_document(doc: Any, *, update: bool = False, expected_code: str | None = None) -> Event:
    """Validate an event document (file or web form) and create or update the event with its skills."""
    references = _DatabaseReferences(update=update, expected_code=expected_code)
    event_file = read_or_refuse(EventFile, doc, context=references)
    return _write_event(event_by_code(event_file.code), event_file, references.units)


class _DatabaseReferences:
    """The event file's references looked up in the database (:class:`EventReferences`), and the rules of
    saving it: a new code for a new event, an existing one for ``update`` before the event starts."""

    def __init__(self, *, update: bool, expected_code: str | None):
        self.update, self.expected_code = update, expected_code
        self.units = {u.code: u for u in db.session.scalars(select(Unit))}

    def unit_exists(self, code: str) -> bool:
        """Whether a unit has this code."""
        return code in self.units

    def code_problems(self, code: str) -> list[Finding]:
        """Why an event with this code cannot be saved now."""
        existing, found = event_by_code(code), []
        if self.expected_code is not None and code != self.expected_code:
            found.append(problem("", "cannot be changed"))
        if existing is not None and not self.update:
            found.append(problem("", "event %(code)s exists already (use --update to change it before it starts)",
                                 code=code))
        if existing is None and self.update:
            found.append(problem("", "no event %(code)s to update", code=code))
        if existing is not None and self.update and clock.today() >= existing.starts_on:
            found.append(problem("", "event %(code)s started on %(day)s; it can no longer be changed", code=code,
                                 day=existing.starts_on.isoformat()))
        return found

    def feeder_problems(self, code: str, rank: int | None) -> list[Finding]:
        """A feeder event must exist and be at a lower tier than the event it feeds."""
        feeder = event_by_code(code)
        if feeder is None:
            return [problem("", "unknown event %(code)s", code=code)]
        if rank is not None and feeder.tier_info.rank <= rank:
            return [problem("", "%(code)s is not at a lower tier than this event", code=feeder.code)]
        return []

    def promotion_problems(self, rule_set: str, tier: str | None, event_class: str | None,
                           effective_tier: str | None) -> list[Finding]:
        """The event's promotion rule set (以赛代评) must exist — shipped or imported — and have a rule
        for the event's tier and class, or its winners could never be proposed for a level."""
        try:
            rules = rule_set_named(PROMOTION, rule_set)
        except RuleSetUnknown as unknown:
            return [problem("", unknown.args[0].template, **unknown.args[0].params)]
        finding = coverage_problem(rules, tier, event_class, effective_tier) if tier else None
        return [] if finding is None else [problem("", finding.template, **finding.params)]

    def removed_skill_problems(self, code: str, kept: set[str]) -> list[Finding]:
        """A skill with registrations stays in its event."""
        event = event_by_code(code)
        if event is None or not self.update:
            return []
        found = []
        for skill in event.skills:
            if skill.code not in kept:
                registered = db.session.scalar(select(func.count()).select_from(Registration)
                                               .where(Registration.skill_id == skill.id))
                if registered:
                    found.append(problem("", "skill %(code)s has %(n)s registrations and cannot be removed",
                                         code=skill.code, n=registered))
        return found


def _write_event(event: Event | None, event_file: EventFile, units: dict[str, Unit]) -> Event:
    before = audit.snapshot(event, EVENT_AUDIT_FIELDS) if event else None
    if event is None:
        event = Event()
        db.session.add(event)
    for name, value in event_file.columns().items():
        setattr(event, name, value)
    event.feeder_event = event_by_code(event_file.feeder_event) if event_file.feeder_event else None
    event.level_certificate_issuer = units.get(event_file.level_certificate_issuer or "")
    event.organizer_links.clear()
    db.session.flush()
    for position, code in enumerate(event_file.organizers):
        event.organizer_links.append(EventOrganizer(unit=units[code], position=position))
    current = {s.code: s for s in event.skills}
    wanted: list[Skill] = []
    for skill_file in event_file.skills:
        skill = current.get(skill_file.code) or Skill()
        for name, value in skill_file.columns().items():
            setattr(skill, name, value)
        skill.host_unit = units.get(skill_file.host_unit or "")
        wanted.append(skill)
    event.skills[:] = wanted
    db.session.flush()
    audit.record("event.create" if before is None else "event.update", "event", event.code, before=before,
                 after=audit.snapshot(event, EVENT_AUDIT_FIELDS)
                 | {"skills": [s.code for s in event.skills]}, event_id=event.id)
    if before is not None:
        event_settings_changed.send(event.id)
    return event


def event_document(event: Event) -> dict[str, Any]:
    """An event back in the shape of its file (for the edit form and exports)."""
    doc: dict[str, Any] = {
        "code": event.code, "name": event.name, "tier": event.tier, "year": event.year,
        "organizers": [u.code for u in event.organizers],
        "starts_on": event.starts_on.isoformat(), "ends_on": event.ends_on.isoformat(),
        "registration": None if event.registration_opens is None else {
            "opens": event.registration_opens.isoformat(), "closes": event.registration_closes.isoformat()},
        "feeder_event": event.feeder_event.code if event.feeder_event else None,
        "delegation_kind": event.delegation_kind.value if event.delegation_kind else None,
        "awards": event.awards, "promotion_rules": event.promotion_rules, "tie_breakers": list(event.tie_breakers),
        "flagship": event.flagship, "blind_marking": event.blind_marking,
        "marking_team_size": event.marking_team_size, "spread_limit": event.spread_limit,
        "section_tolerance": str(event.section_tolerance), "tie_window": str(event.tie_window),
        "appeals_hours": event.appeals_hours, "min_standardized": event.min_standardized,
        "level_certificate_issuer": event.level_certificate_issuer.code if event.level_certificate_issuer else None,
        "self_registration": event.self_registration, "bar_previous_medallists": event.bar_previous_medallists,
        "employees_of_organizers_only": event.employees_of_organizers_only,
        "skills": [skill_document(s) for s in event.skills],
    }
    if event.event_class is not None:
        doc["class"] = int(event.event_class) if event.event_class.isdigit() else event.event_class
    if event.effective_tier:
        doc["effective_tier"] = event.effective_tier
    return doc


def skill_document(skill: Skill) -> dict[str, Any]:
    """A skill as the event file writes it (formats.md), so an exported event imports back unchanged."""
    doc: dict[str, Any] = {
        "code": skill.code, "name": skill.name, "group": skill.group.value if skill.group else None,
        "team_size": skill.team_size, "quota_per_unit": skill.quota_per_unit,
        "host_unit": skill.host_unit.code if skill.host_unit else None,
        "min_age": skill.min_age, "max_age": skill.max_age,
        "age_reference": skill.age_reference.isoformat() if skill.age_reference else None,
        "min_level": skill.min_level,
        "components": None if skill.components is None else [
            {"code": c.code, "weight": str(c.weight)} for c in skill.components],
    }
    if skill.occupation_code:
        doc["occupation"] = {"code": skill.occupation_code, "name": skill.occupation_name}
    return doc

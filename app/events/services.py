"""Units and events: imports (shared by the command line and web uploads), create and update.

Services validate, write and audit but never commit: the caller (a view, or a CLI command) commits
once, so a refused operation leaves nothing behind.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app import audit, clock
from app.errors import DomainError, InputRefused, Problem, at_row
from app.events.event_file import UNIT_CODE_PATTERN, EventFile
from app.events.models import Event, EventOrganizer, Registration, Skill, Unit, UnitKind
from app.extensions import db
from app.inputs import read_or_refuse
from app.json_reader import load_json
from app.messages import msg
from app.rulesets import PROMOTION, RuleSetUnknown
from app.rulesets import rule_set as rule_set_named
from app.signals import event_settings_changed
from app.tabular import Row
from scoring.marks import Finding, problem
from scoring.promotion import coverage_problem

UNIT_COLUMNS = ["code", "name", "kind", "parent_code"]
EVENT_AUDIT_FIELDS = ["code", "name", "tier", "event_class", "effective_tier", "year", "starts_on", "ends_on",
                      "registration_opens", "registration_closes", "delegation_kind", "awards", "tie_breakers"]


class EventsError(DomainError):
    pass


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def event_by_code(code: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.code == code))


def _unit_state(unit: Unit) -> dict[str, Any]:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind,
            "parent_code": unit.parent.code if unit.parent else None}


# --- units --------------------------------------------------------------------------------------

@dataclass
class UnitsImported:
    created: int
    updated: int


def import_units(rows: list[Row]) -> UnitsImported:
    """Create or update units by code; parents may come later in the file or exist already."""
    problems: list[Problem] = []
    by_code: dict[str, Row] = {}
    kinds = {k.value for k in UnitKind}
    for row in rows:
        code, name, kind = row["code"], row["name"], row["kind"]
        if not re.fullmatch(UNIT_CODE_PATTERN, code):
            problems.append(at_row(row.number, "code", msg("%(code)s must be 1–20 of A–Z, 0–9 and -", code=repr(code))))
        elif code in by_code:
            problems.append(at_row(row.number, "code", msg("%(code)s already on row %(row)s", code=code, row=by_code[code].number)))
        else:
            by_code[code] = row
        if not name:
            problems.append(at_row(row.number, "name", msg("is empty")))
        elif len(name) > 200:
            problems.append(at_row(row.number, "name", msg("is longer than 200 characters")))
        if kind not in kinds:
            problems.append(at_row(row.number, "kind", msg("%(value)s is not one of %(choices)s", value=repr(kind), choices=", ".join(sorted(kinds)))))
    existing = {u.code: u for u in db.session.scalars(select(Unit))}
    for code, row in by_code.items():
        parent = row["parent_code"]
        if parent and parent not in by_code and parent not in existing:
            problems.append(at_row(row.number, "parent_code", msg("unknown unit %(code)s", code=parent)))
        elif parent == code:
            problems.append(at_row(row.number, "parent_code", msg("a unit cannot be its own parent")))
    problems += _cycles(by_code, existing)
    if problems:
        raise InputRefused(problems)
    befores = {code: _unit_state(existing[code]) if code in existing else None for code in by_code}
    for code, row in by_code.items():
        unit = existing.get(code)
        if unit is None:
            unit = existing[code] = Unit(code=code)
            db.session.add(unit)
        unit.name, unit.kind = row["name"], UnitKind(row["kind"])
    for code, row in by_code.items():
        existing[code].parent = existing[row["parent_code"]] if row["parent_code"] else None
    db.session.flush()
    created = updated = 0
    for code, before in befores.items():
        after = _unit_state(existing[code])
        if before is None:
            created += 1
        elif before != after:
            updated += 1
        else:
            continue
        audit.record("unit.import", "unit", code, before=before, after=after)
    return UnitsImported(created, updated)


def _cycles(by_code: dict[str, Row], existing: dict[str, Unit]) -> list[Problem]:
    """A parent chain that comes back to its start would make the tree a loop."""
    def parent_of(code: str) -> str | None:
        if code in by_code:
            return by_code[code]["parent_code"] or None
        unit = existing.get(code)
        return unit.parent.code if unit and unit.parent else None

    problems = []
    for code, row in by_code.items():
        seen, node = {code}, parent_of(code)
        while node is not None:
            if node in seen:
                problems.append(at_row(row.number, "parent_code", msg("%(code)s makes a loop in the unit tree", code=row["parent_code"])))
                break
            seen.add(node)
            node = parent_of(node)
    return problems


def save_unit(unit: Unit | None, *, code: str, name: str, kind: UnitKind, parent: Unit | None) -> Unit:
    """Create (``unit`` None) or change a unit from the web form."""
    if parent is not None and unit is not None:
        node = parent
        while node is not None:
            if node.id == unit.id:
                raise EventsError(msg("a unit cannot be placed under itself or its own descendants"))
            node = node.parent
    clash = unit_by_code(code)
    if clash is not None and clash is not unit:
        raise EventsError(msg("unit code %(code)s is taken", code=code))
    before = _unit_state(unit) if unit else None
    if unit is None:
        unit = Unit(code=code, name=name, kind=kind, parent=parent)
        db.session.add(unit)
    else:
        unit.code, unit.name, unit.kind, unit.parent = code, name, kind, parent
    db.session.flush()
    audit.record("unit.create" if before is None else "unit.update", "unit", unit.code,
                 before=before, after=_unit_state(unit))
    return unit


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

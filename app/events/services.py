"""Events: imports (shared by the command line and web uploads), create and update.

Services validate, write and audit but never commit: the caller (a view, or a CLI command) commits
once, so a refused operation leaves nothing behind.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app import audit, clock
from app.errors import DomainError
from app.events.event_file import EventSpec, SkillSpec, parse_event
from app.events.models import Event, EventOrganizer, Registration, Skill
from app.extensions import db
from app.json_reader import JsonReader, join, load_json
from app.messages import msg
from app.rulesets import PROMOTION, RuleSetUnknown, rule_set
from app.signals import event_settings_changed
from app.units.models import Unit
from scoring.promotion import coverage_problem

EVENT_AUDIT_FIELDS = ["code", "name", "tier", "event_class", "effective_tier", "year", "starts_on", "ends_on",
                      "registration_opens", "registration_closes", "delegation_kind", "awards", "tie_breakers"]


class EventsError(DomainError):
    pass


def event_by_code(code: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.code == code))


# --- events -------------------------------------------------------------------------------------

def import_event(data: bytes, *, update: bool = False) -> Event:
    """The event file of formats.md; ``update`` changes an existing event before it starts."""
    return save_event_document(load_json(data), update=update)


def save_event_document(doc: Any, *, update: bool = False, expected_code: str | None = None) -> Event:
    """Validate an event document (file or web form) and create or update the event with its skills."""
    reader = JsonReader()
    spec = parse_event(doc, reader)
    if spec is None:
        reader.raise_if_any()
    refs = _resolve_references(spec, reader)
    code = spec.values["code"]
    existing = event_by_code(code) if code else None
    if expected_code is not None and code != expected_code:
        reader.fail("code", msg("cannot be changed"))
    if existing is not None and not update:
        reader.fail("code", msg("event %(code)s exists already (use --update to change it before it starts)", code=code))
    if existing is None and update:
        reader.fail("code", msg("no event %(code)s to update", code=code))
    if existing is not None and update and clock.today() >= existing.starts_on:
        reader.fail("code", msg("event %(code)s started on %(day)s; it can no longer be changed", code=code, day=existing.starts_on.isoformat()))
    if existing is not None and update:
        _check_removed_skills(existing, spec, reader)
    reader.raise_if_any()
    return _write_event(existing, spec, refs)


@dataclass
class _References:
    organizers: list[Unit]
    feeder: Event | None
    issuer: Unit | None
    hosts: dict[str, Unit | None]


def _resolve_references(spec: EventSpec, r: JsonReader) -> _References:
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    organizers = []
    for i, code in enumerate(spec.organizers):
        if code not in units:
            r.fail(join("organizers", i), msg("unknown unit %(code)s", code=code))
        else:
            organizers.append(units[code])
    feeder = None
    if spec.feeder_event:
        feeder = event_by_code(spec.feeder_event)
        tier = spec.values.get("tier")
        if feeder is None:
            r.fail("feeder_event", msg("unknown event %(code)s", code=spec.feeder_event))
        elif tier and feeder.tier_info.rank <= _rank(spec.values):
            r.fail("feeder_event", msg("%(code)s is not at a lower tier than this event", code=feeder.code))
    issuer = None
    if spec.level_certificate_issuer:
        issuer = units.get(spec.level_certificate_issuer)
        if issuer is None:
            r.fail("level_certificate_issuer", msg("unknown unit %(code)s", code=spec.level_certificate_issuer))
    if spec.values.get("promotion_rules"):
        _check_promotion_rules(spec.values, r)
    hosts: dict[str, Unit | None] = {}
    for skill in spec.skills:
        hosts[skill.values["code"]] = None
        if skill.host_unit:
            if skill.host_unit not in units:
                r.fail(join(skill.path, "host_unit"), msg("unknown unit %(code)s", code=skill.host_unit))
            hosts[skill.values["code"]] = units.get(skill.host_unit)
    return _References(organizers, feeder, issuer, hosts)


def _check_promotion_rules(values: dict[str, Any], r: JsonReader) -> None:
    """The event's promotion rule set (以赛代评) must exist — shipped or imported — and have a rule
    for the event's tier and class, or its winners could never be proposed for a level."""
    try:
        rules = rule_set(PROMOTION, values["promotion_rules"])
    except RuleSetUnknown as unknown:
        r.fail("promotion_rules", unknown.args[0])
        return
    if values.get("tier"):
        finding = coverage_problem(rules, values["tier"], values.get("event_class"), values.get("effective_tier"))
        if finding is not None:
            r.fail(finding.where, msg(finding.template, **finding.params))


def _rank(values: dict[str, Any]) -> int:
    from scoring.tiers import TIERS
    return TIERS[values.get("effective_tier") or values["tier"]].rank


def _check_removed_skills(event: Event, spec: EventSpec, r: JsonReader) -> None:
    kept = {s.values["code"] for s in spec.skills}
    for skill in event.skills:
        if skill.code not in kept:
            registered = db.session.scalar(select(func.count()).select_from(Registration)
                                           .where(Registration.skill_id == skill.id))
            if registered:
                r.fail("skills", msg("skill %(code)s has %(n)s registrations and cannot be removed", code=skill.code, n=registered))


def _write_event(event: Event | None, spec: EventSpec, refs: _References) -> Event:
    before = audit.snapshot(event, EVENT_AUDIT_FIELDS) if event else None
    if event is None:
        event = Event()
        db.session.add(event)
    for name, value in spec.values.items():
        setattr(event, name, value)
    event.feeder_event = refs.feeder
    event.level_certificate_issuer = refs.issuer
    event.organizer_links.clear()
    db.session.flush()
    for position, unit in enumerate(refs.organizers):
        event.organizer_links.append(EventOrganizer(unit=unit, position=position))
    current = {s.code: s for s in event.skills}
    wanted: list[Skill] = []
    for skill_spec in spec.skills:
        skill = current.get(skill_spec.values["code"]) or Skill()
        _fill_skill(skill, skill_spec, refs.hosts[skill_spec.values["code"]])
        wanted.append(skill)
    event.skills[:] = wanted
    db.session.flush()
    audit.record("event.create" if before is None else "event.update", "event", event.code, before=before,
                 after=audit.snapshot(event, EVENT_AUDIT_FIELDS)
                 | {"skills": [s.code for s in event.skills]}, event_id=event.id)
    if before is not None:
        event_settings_changed.send(event.id)
    return event


def _fill_skill(skill: Skill, spec: SkillSpec, host: Unit | None) -> None:
    for name, value in spec.values.items():
        setattr(skill, name, value)
    skill.host_unit = host


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

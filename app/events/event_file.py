"""The event file of formats.md (JSON): shape, values and references, every problem with its path.

Choices where formats.md is silent: a provincial event must state its class (grants and promotion
depend on it) while municipal and county events may leave it out; ``registration`` may be null
(no window: only the organizer's command line registers); ``promotion_rules`` is checked for form
only, because rule sets can be imported later.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from app.events.models import Component, SkillGroup
from app.json_reader import JsonReader, join
from app.messages import msg
from app.units.models import UNIT_CODE_PATTERN, UnitKind
from scoring.levels import LADDER
from scoring.medals import AWARD_CODES, AWARD_SCHEMES
from scoring.ranking import TIE_BREAKERS
from scoring.tiers import NEEDS_EFFECTIVE_TIER, TIERS

CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}"

EVENT_REQUIRED = {"code", "name", "tier", "year", "organizers", "starts_on", "ends_on", "skills"}
EVENT_OPTIONAL = {
    "class", "effective_tier", "registration", "feeder_event", "delegation_kind", "awards", "promotion_rules",
    "tie_breakers", "flagship", "blind_marking", "marking_team_size", "spread_limit", "section_tolerance",
    "tie_window", "appeals_hours", "min_standardized", "level_certificate_issuer", "self_registration",
    "bar_previous_medallists", "employees_of_organizers_only",
}
SKILL_REQUIRED = {"code", "name"}
SKILL_OPTIONAL = {"group", "occupation", "team_size", "quota_per_unit", "host_unit", "min_age", "max_age",
                  "age_reference", "min_level", "components"}


@dataclass
class SkillSpec:
    path: str
    values: dict[str, Any]
    host_unit: str | None


@dataclass
class EventSpec:
    values: dict[str, Any]
    organizers: list[str]
    feeder_event: str | None
    level_certificate_issuer: str | None
    skills: list[SkillSpec] = field(default_factory=list)


def parse_event(doc: Any, r: JsonReader) -> EventSpec | None:
    """Validate the document's shape and values; references to units and events are left to the caller."""
    obj = r.obj(doc, "", EVENT_REQUIRED, EVENT_OPTIONAL)
    if obj is None:
        return None
    v: dict[str, Any] = {
        "code": r.text(obj, "code", "", required=True, pattern=CODE_PATTERN, max_length=40),
        "name": r.text(obj, "name", "", required=True),
        "tier": r.choice(obj, "tier", "", set(TIERS), required=True),
        "year": r.integer(obj, "year", "", required=True, minimum=1950, maximum=2100),
        "starts_on": r.day(obj, "starts_on", "", required=True),
        "ends_on": r.day(obj, "ends_on", "", required=True),
        "delegation_kind": r.choice(obj, "delegation_kind", "", {k.value for k in UnitKind}),
        "promotion_rules": r.text(obj, "promotion_rules", "", pattern=r"[a-z0-9][a-z0-9-]{0,63}"),
        "flagship": bool(r.boolean(obj, "flagship", "")),
        "blind_marking": bool(r.boolean(obj, "blind_marking", "")),
        "marking_team_size": r.integer(obj, "marking_team_size", "", minimum=3) or 3,
        "spread_limit": _or(r.integer(obj, "spread_limit", "", minimum=0, maximum=3), 1),
        "section_tolerance": _or(r.decimal2(obj, "section_tolerance", "", minimum=Decimal(0)), Decimal("5.00")),
        "tie_window": _or(r.decimal2(obj, "tie_window", "", minimum=Decimal(0)), Decimal("0.00")),
        "appeals_hours": r.integer(obj, "appeals_hours", "", minimum=1),
        "min_standardized": _or(r.integer(obj, "min_standardized", "", minimum=1), 3),
        "self_registration": bool(r.boolean(obj, "self_registration", "")),
        "bar_previous_medallists": bool(r.boolean(obj, "bar_previous_medallists", "")),
        "employees_of_organizers_only": bool(r.boolean(obj, "employees_of_organizers_only", "")),
    }
    if v["marking_team_size"] % 2 == 0:
        r.fail("marking_team_size", msg("must be an odd number (3, 5, …)"))
    v["event_class"], v["effective_tier"] = _tier_class(obj, v["tier"], r)
    v["registration_opens"], v["registration_closes"] = _registration(obj, r)
    v["awards"] = _awards(obj.get("awards", "cn_standard"), r)
    v["tie_breakers"] = _tie_breakers(obj, r)
    if v["starts_on"] and v["ends_on"] and v["ends_on"] < v["starts_on"]:
        r.fail("ends_on", msg("is before starts_on"))
    if v["registration_closes"] and v["starts_on"] and v["registration_closes"] > v["starts_on"]:
        r.fail("registration.closes", msg("is after starts_on"))
    organizers = _unit_codes(obj, "organizers", r)
    spec = EventSpec(
        values=v, organizers=organizers,
        feeder_event=r.text(obj, "feeder_event", "", pattern=CODE_PATTERN, max_length=40),
        level_certificate_issuer=r.text(obj, "level_certificate_issuer", "", pattern=UNIT_CODE_PATTERN))
    skills = r.array(obj, "skills", "", required=True) or []
    seen: set[str] = set()
    for i, item in enumerate(skills):
        skill = _skill(item, join("skills", i), r)
        if skill is None:
            continue
        code = skill.values["code"]
        if code in seen:
            r.fail(join(skill.path, "code"), msg("%(code)s appears twice", code=repr(code)))
        seen.add(code)
        spec.skills.append(skill)
    return spec


def _or(value, default):
    return default if value is None else value


def _tier_class(obj: dict, tier: str | None, r: JsonReader) -> tuple[str | None, str | None]:
    raw_class = obj.get("class")
    event_class = None if raw_class is None else str(raw_class)
    effective = r.choice(obj, "effective_tier", "", set(TIERS) - NEEDS_EFFECTIVE_TIER)
    if tier is None:
        return event_class, effective
    classes = TIERS[tier].classes
    if event_class is not None and (isinstance(raw_class, bool) or event_class not in classes):
        allowed = ", ".join(classes) if classes else "none (leave class out)"
        r.fail("class", f"{raw_class!r} is not a class of tier {tier}: {allowed}")
    if event_class is None and tier == "national":
        event_class = "1"
    if event_class is None and tier == "provincial":
        r.fail("class", msg("is required for a provincial event: 1, 2, 3 or comprehensive"))
    if tier in NEEDS_EFFECTIVE_TIER and effective is None and "effective_tier" not in obj:
        r.fail("effective_tier", msg("is required when tier is %(tier)s", tier=tier))
    if tier not in NEEDS_EFFECTIVE_TIER and effective is not None:
        r.fail("effective_tier", msg("is only for special contests"))
    return event_class, effective


def _registration(obj: dict, r: JsonReader) -> tuple[date | None, date | None]:
    reg = obj.get("registration")
    if reg is None:
        return None, None
    reg = r.obj(reg, "registration", {"opens", "closes"}, set())
    if reg is None:
        return None, None
    opens = r.day(reg, "opens", "registration", required=True)
    closes = r.day(reg, "closes", "registration", required=True)
    if opens and closes and closes < opens:
        r.fail("registration.closes", msg("is before registration.opens"))
    return opens, closes


def _awards(value: Any, r: JsonReader) -> Any:
    if isinstance(value, str):
        if value not in AWARD_SCHEMES:
            r.fail("awards", msg("%(value)s is not worldskills, cn_standard or an award table", value=repr(value)))
        return value
    table = r.obj(value, "awards", {"bands"}, {"min_raw"})
    if table is None:
        return None
    bands = r.array(table, "bands", "awards", required=True) or []
    if not bands:
        r.fail("awards.bands", msg("must list at least one band"))
    total, stored = Decimal(0), []
    for i, band in enumerate(bands):
        path = join("awards.bands", i)
        band = r.obj(band, path, {"award", "top_percent"}, set())
        if band is None:
            continue
        award = r.choice(band, "award", path, AWARD_CODES, required=True)
        percent = r.decimal2(band, "top_percent", path, required=True, minimum=Decimal("0.01"))
        total += percent or 0
        stored.append({"award": award, "top_percent": None if percent is None else str(percent)})
    if total > 100:
        r.fail("awards.bands", msg("top_percent values add up to %(total)s, more than 100", total=total))
    min_raw = r.decimal2(table, "min_raw", "awards", minimum=Decimal(0))
    # Stored as 2-decimal strings (JSON has no decimal); read back through Event.award_rules.
    return {"bands": stored, "min_raw": None if min_raw is None else str(min_raw)}


def _tie_breakers(obj: dict, r: JsonReader) -> list[str]:
    names = r.array(obj, "tie_breakers", "") or []
    for i, name in enumerate(names):
        if name not in TIE_BREAKERS:
            r.fail(join("tie_breakers", i), msg("%(value)s is not one of %(choices)s", value=repr(name), choices=", ".join(sorted(TIE_BREAKERS))))
    if len(set(map(str, names))) != len(names):
        r.fail("tie_breakers", msg("names a tie-breaker twice"))
    return [str(n) for n in names]


def _unit_codes(obj: dict, key: str, r: JsonReader) -> list[str]:
    codes = r.array(obj, key, "", required=True) or []
    if key in obj and not codes:
        r.fail(key, msg("must name at least one unit"))
    out = []
    for i, code in enumerate(codes):
        if not isinstance(code, str) or not code.strip():
            r.fail(join(key, i), msg("must be a unit code"))
        elif code in out:
            r.fail(join(key, i), msg("%(code)s appears twice", code=repr(code)))
        else:
            out.append(code.strip())
    return out


def _skill(item: Any, path: str, r: JsonReader) -> SkillSpec | None:
    obj = r.obj(item, path, SKILL_REQUIRED, SKILL_OPTIONAL)
    if obj is None:
        return None
    v: dict[str, Any] = {
        "code": r.text(obj, "code", path, required=True, pattern=CODE_PATTERN, max_length=40),
        "name": r.text(obj, "name", path, required=True),
        "group": r.choice(obj, "group", path, {g.value for g in SkillGroup}),
        "team_size": _or(r.integer(obj, "team_size", path, minimum=1, maximum=10), 1),
        "quota_per_unit": _or(r.integer(obj, "quota_per_unit", path, minimum=1), 1),
        "min_age": r.integer(obj, "min_age", path, minimum=0, maximum=100),
        "max_age": r.integer(obj, "max_age", path, minimum=0, maximum=100),
        "age_reference": r.day(obj, "age_reference", path),
        "min_level": r.choice(obj, "min_level", path, set(LADDER)),
        "occupation_code": None, "occupation_name": None, "components": None,
    }
    if v["min_age"] is not None and v["max_age"] is not None and v["max_age"] < v["min_age"]:
        r.fail(join(path, "max_age"), msg("is below min_age"))
    occupation = obj.get("occupation")
    if occupation is not None:
        occ_path = join(path, "occupation")
        occ = r.obj(occupation, occ_path, {"code", "name"}, set())
        if occ is not None:
            v["occupation_code"] = r.text(occ, "code", occ_path, required=True, max_length=32)
            v["occupation_name"] = r.text(occ, "name", occ_path, required=True, max_length=100)
    v["components"] = _components(obj, path, r)
    host = r.text(obj, "host_unit", path, pattern=UNIT_CODE_PATTERN)
    return SkillSpec(path=path, values=v, host_unit=host)


def _components(obj: dict, path: str, r: JsonReader) -> list[Component] | None:
    items = r.array(obj, "components", path)
    if items is None:
        return None
    out, total = [], Decimal(0)
    for i, item in enumerate(items):
        cpath = join(join(path, "components"), i)
        comp = r.obj(item, cpath, {"code", "weight"}, set())
        if comp is None:
            continue
        code = r.text(comp, "code", cpath, required=True, pattern=r"[a-z][a-z0-9_]{0,31}")
        weight = r.decimal2(comp, "weight", cpath, required=True, minimum=Decimal("0.01"))
        if code in {c.code for c in out}:
            r.fail(join(cpath, "code"), msg("%(code)s appears twice", code=repr(code)))
        total += weight or 0
        if code is not None and weight is not None:
            out.append(Component(code, weight))
    if items and total != 100:
        r.fail(join(path, "components"), msg("weights add up to %(total)s, not 100", total=total))
    return out

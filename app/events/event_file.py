"""The event file of formats.md (JSON) as models: shape, values and references, every problem with its path.

:class:`EventFile` is read through the input layer (:mod:`scoring.inputs`) with an
:class:`EventReferences` as the validation context, so the references to units, events and rule sets
and the rules of saving (an existing code, removed skills) are checked in the same pass as the values
and one refusal lists everything.

Choices where formats.md is silent: a provincial event must state its class (grants and promotion
depend on it) while municipal and county events may leave it out; ``registration`` may be null
(no window: only the organizer's command line registers); an optional key given as null is the key
left out (its default applies).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Protocol

from pydantic import Field, ValidationInfo, field_validator, model_validator

from app.events.models import Component, SkillGroup
from app.inputs import Hundredths
from app.units.models import UNIT_CODE_PATTERN, UnitKind
from scoring.inputs import Day, Flag, StrictModel, Text, WholeNumber, matching, one_of, refuse, refuse_all
from scoring.levels import LADDER
from scoring.marks import Finding, problem
from scoring.medals import AWARD_CODES, AWARD_SCHEMES
from scoring.ranking import TIE_BREAKERS
from scoring.tiers import NEEDS_EFFECTIVE_TIER, TIERS

CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}"

Name = Annotated[Text, Field(max_length=200)]
EventCode = Annotated[Text, Field(max_length=40), matching(CODE_PATTERN)]
UnitCode = Annotated[Text, Field(max_length=200), matching(UNIT_CODE_PATTERN)]
_EFFECTIVE_TIERS = one_of(set(TIERS) - NEEDS_EFFECTIVE_TIER)
_NO_CLASS = object()


class EventReferences(Protocol):
    """What an event file refers to, looked up while it is read (the database, for the importer).
    Each answer is the problems found, located relative to the value checked."""

    def code_problems(self, code: str) -> list[Finding]:
        """Why an event with this code cannot be saved now (exists already, has started…)."""

    def unit_exists(self, code: str) -> bool:
        """Whether a unit has this code."""

    def feeder_problems(self, code: str, rank: int) -> list[Finding]:
        """Why this event cannot feed an event of tier rank ``rank``."""

    def promotion_problems(self, rule_set: str, tier: str | None, event_class: str | None,
                           effective_tier: str | None) -> list[Finding]:
        """Why this promotion rule set cannot serve the event (its coverage only when ``tier`` is given)."""

    def removed_skill_problems(self, code: str, kept: set[str]) -> list[Finding]:
        """Why the skills of event ``code`` not in ``kept`` cannot be removed."""


def _references(info: ValidationInfo) -> EventReferences | None:
    return info.context


class Registration(StrictModel):
    """The self-registration window."""

    opens: Day
    closes: Day

    @field_validator("closes")
    @classmethod
    def _not_before_opening(cls, closes: date, info: ValidationInfo) -> date:
        if "opens" in info.data and closes < info.data["opens"]:
            refuse("is before registration.opens")
        return closes


class AwardBand(StrictModel):
    """The share of the field (top percent) that receives an award."""

    award: Annotated[str, one_of(AWARD_CODES)]
    top_percent: Hundredths = Field(ge=Decimal("0.01"))


class AwardTable(StrictModel):
    """An inline award table (results.md) instead of a named scheme."""

    bands: list[AwardBand]
    min_raw: Annotated[Hundredths, Field(ge=0)] | None = None

    @field_validator("bands")
    @classmethod
    def _some_within_100(cls, bands: list[AwardBand]) -> list[AwardBand]:
        if not bands:
            refuse("must list at least one band")
        total = sum((b.top_percent for b in bands), Decimal(0))
        if total > 100:
            refuse("top_percent values add up to %(total)s, more than 100", total=total)
        return bands

    def stored(self) -> dict[str, Any]:
        """As the event keeps it: 2-decimal strings (JSON has no decimal), read back by Event.award_rules."""
        return {"bands": [{"award": b.award, "top_percent": str(b.top_percent)} for b in self.bands],
                "min_raw": None if self.min_raw is None else str(self.min_raw)}


class Occupation(StrictModel):
    """The national occupation a skill examines (职业编码)."""

    code: Annotated[Text, Field(max_length=32)]
    name: Annotated[Text, Field(max_length=100)]


class ComponentFile(StrictModel):
    """A part of a skill's result and its weight out of 100."""

    code: Annotated[Text, Field(max_length=200), matching(r"[a-z][a-z0-9_]{0,31}")]
    weight: Hundredths = Field(ge=Decimal("0.01"))


class SkillFile(StrictModel):
    """A skill of the event file."""

    code: EventCode
    name: Name
    group: Annotated[str, one_of(g.value for g in SkillGroup)] | None = None
    occupation: Occupation | None = None
    team_size: WholeNumber = Field(1, ge=1, le=10)
    quota_per_unit: WholeNumber = Field(1, ge=1)
    host_unit: UnitCode | None = None
    min_age: Annotated[WholeNumber, Field(ge=0, le=100)] | None = None
    max_age: Annotated[WholeNumber, Field(ge=0, le=100)] | None = None
    age_reference: Day | None = None
    min_level: Annotated[str, one_of(LADDER)] | None = None
    components: list[ComponentFile] | None = None

    @field_validator("host_unit")
    @classmethod
    def _known_host(cls, code: str | None, info: ValidationInfo) -> str | None:
        references = _references(info)
        if code is not None and references is not None and not references.unit_exists(code):
            refuse("unknown unit %(code)s", code=code)
        return code

    @field_validator("max_age")
    @classmethod
    def _not_below_min_age(cls, max_age: int | None, info: ValidationInfo) -> int | None:
        if max_age is not None and info.data.get("min_age") is not None and max_age < info.data["min_age"]:
            refuse("is below min_age")
        return max_age

    @field_validator("components")
    @classmethod
    def _weights_make_100(cls, components: list[ComponentFile] | None) -> list[ComponentFile] | None:
        if not components:
            return components
        found = _repeated([c.code for c in components], "code")
        total = sum((c.weight for c in components), Decimal(0))
        if total != 100:
            found.append(problem("", "weights add up to %(total)s, not 100", total=total))
        refuse_all(found)
        return components

    def columns(self) -> dict[str, Any]:
        """The values of a :class:`~app.events.models.Skill` (its host unit is resolved by the caller)."""
        return {
            "code": self.code, "name": self.name, "group": self.group, "team_size": self.team_size,
            "quota_per_unit": self.quota_per_unit, "min_age": self.min_age, "max_age": self.max_age,
            "age_reference": self.age_reference, "min_level": self.min_level,
            "occupation_code": self.occupation.code if self.occupation else None,
            "occupation_name": self.occupation.name if self.occupation else None,
            "components": None if self.components is None else [Component(c.code, c.weight) for c in self.components],
        }


def _repeated(codes: list[str], key: str) -> list[Finding]:
    """``[i].code: 'X' appears twice`` for each code already seen earlier in the list."""
    seen: set[str] = set()
    found = []
    for i, code in enumerate(codes):
        if code in seen:
            found.append(problem(f"[{i}].{key}", "%(code)s appears twice", code=repr(code)))
        seen.add(code)
    return found


class EventFile(StrictModel):
    """The event file of formats.md ("event"): an event with its skills."""

    code: EventCode
    name: Name
    tier: Annotated[str, one_of(TIERS)]
    event_class: Any = Field(None, alias="class")
    effective_tier: Any = Field(None, validate_default=True)
    year: WholeNumber = Field(ge=1950, le=2100)
    organizers: list[str]
    starts_on: Day
    ends_on: Day
    registration: Registration | None = None
    delegation_kind: Annotated[str, one_of(k.value for k in UnitKind)] | None = None
    awards: Any = "cn_standard"
    promotion_rules: Annotated[Text, Field(max_length=200), matching(r"[a-z0-9][a-z0-9-]{0,63}")] | None = None
    tie_breakers: Any = Field(default_factory=list)
    feeder_event: EventCode | None = None
    level_certificate_issuer: UnitCode | None = None
    flagship: Flag = False
    blind_marking: Flag = False
    marking_team_size: WholeNumber = Field(3, ge=3)
    spread_limit: WholeNumber = Field(1, ge=0, le=3)
    section_tolerance: Hundredths = Field(Decimal("5.00"), ge=0)
    tie_window: Hundredths = Field(Decimal("0.00"), ge=0)
    appeals_hours: Annotated[WholeNumber, Field(ge=1)] | None = None
    min_standardized: WholeNumber = Field(3, ge=1)
    self_registration: Flag = False
    bar_previous_medallists: Flag = False
    employees_of_organizers_only: Flag = False
    skills: list[SkillFile]

    @model_validator(mode="before")
    @classmethod
    def _class_always_checked(cls, data: Any) -> Any:
        """A missing class is checked too (required for a provincial event, 1 for a national one), where
        the file would write it: ``class``, not the field's own name."""
        if isinstance(data, dict) and data.get("class") is None:
            return data | {"class": _NO_CLASS}
        return data

    @field_validator("code")
    @classmethod
    def _may_be_saved(cls, code: str, info: ValidationInfo) -> str:
        references = _references(info)
        if references is not None:
            refuse_all(references.code_problems(code))
        return code

    @field_validator("event_class", mode="plain")
    @classmethod
    def _class_of_tier(cls, raw: Any, info: ValidationInfo) -> str | None:
        event_class = None if raw is _NO_CLASS else str(raw)
        tier = info.data.get("tier")
        if tier is None:
            return event_class
        classes = TIERS[tier].classes
        if event_class is not None and (isinstance(raw, bool) or event_class not in classes):
            refuse("%(value)s is not a class of tier %(tier)s: %(allowed)s", value=repr(raw), tier=tier,
                   allowed=", ".join(classes) if classes else "none (leave class out)")
        if event_class is None and tier == "national":
            return "1"
        if event_class is None and tier == "provincial":
            refuse("is required for a provincial event: 1, 2, 3 or comprehensive")
        return event_class

    @field_validator("effective_tier", mode="plain")
    @classmethod
    def _effective_tier_of_special(cls, raw: Any, info: ValidationInfo) -> str | None:
        effective = None if raw is None else _EFFECTIVE_TIERS.func(raw)
        tier = info.data.get("tier")
        if tier in NEEDS_EFFECTIVE_TIER and effective is None:
            refuse("is required when tier is %(tier)s", tier=tier)
        if tier is not None and tier not in NEEDS_EFFECTIVE_TIER and effective is not None:
            refuse("is only for special contests")
        return effective

    @field_validator("organizers", mode="plain")
    @classmethod
    def _known_units(cls, raw: Any, info: ValidationInfo) -> list[str]:
        if raw is None:
            refuse("must not be null")
        if not isinstance(raw, list):
            refuse("must be a list")
        if not raw:
            refuse("must name at least one unit")
        references = _references(info)
        found, codes = [], []
        for i, code in enumerate(raw):
            if not isinstance(code, str) or not code.strip():
                found.append(problem(f"[{i}]", "must be a unit code"))
            elif code.strip() in codes:
                found.append(problem(f"[{i}]", "%(code)s appears twice", code=repr(code)))
            else:
                codes.append(code.strip())
                if references is not None and not references.unit_exists(code.strip()):
                    found.append(problem(f"[{i}]", "unknown unit %(code)s", code=code.strip()))
        refuse_all(found)
        return codes

    @field_validator("ends_on")
    @classmethod
    def _not_before_start(cls, ends_on: date, info: ValidationInfo) -> date:
        if "starts_on" in info.data and ends_on < info.data["starts_on"]:
            refuse("is before starts_on")
        return ends_on

    @field_validator("registration")
    @classmethod
    def _closes_by_start(cls, registration: Registration | None, info: ValidationInfo) -> Registration | None:
        if registration is not None and "starts_on" in info.data and registration.closes > info.data["starts_on"]:
            refuse("is after starts_on", below="closes")
        return registration

    @field_validator("awards", mode="plain")
    @classmethod
    def _scheme_or_table(cls, raw: Any, info: ValidationInfo) -> str | AwardTable:
        if isinstance(raw, str):
            if raw not in AWARD_SCHEMES:
                refuse("%(value)s is not worldskills, cn_standard or an award table", value=repr(raw))
            return raw
        return AwardTable.model_validate(raw, context=info.context)

    @field_validator("promotion_rules")
    @classmethod
    def _rule_set_covers_event(cls, code: str | None, info: ValidationInfo) -> str | None:
        references = _references(info)
        if code is not None and references is not None:
            # the tier's coverage only when the tier, class and effective tier were read: else each is refused already
            tiered = all(key in info.data for key in ("tier", "event_class", "effective_tier"))
            refuse_all(references.promotion_problems(code, info.data["tier"] if tiered else None,
                                                     info.data.get("event_class"), info.data.get("effective_tier")))
        return code

    @field_validator("tie_breakers", mode="plain")
    @classmethod
    def _known_tie_breakers(cls, raw: Any) -> list[str]:
        if not isinstance(raw, list):
            refuse("must be a list")
        listed = ", ".join(sorted(TIE_BREAKERS))
        found = [problem(f"[{i}]", "%(value)s is not one of %(choices)s", value=repr(name), choices=listed)
                 for i, name in enumerate(raw) if name not in TIE_BREAKERS]
        if len(set(map(str, raw))) != len(raw):
            found.append(problem("", "names a tie-breaker twice"))
        refuse_all(found)
        return [str(n) for n in raw]

    @field_validator("feeder_event")
    @classmethod
    def _lower_tier_event(cls, code: str | None, info: ValidationInfo) -> str | None:
        references = _references(info)
        if code is not None and references is not None:
            tier = info.data.get("tier")
            rank = TIERS[info.data.get("effective_tier") or tier].rank if tier else None
            refuse_all(references.feeder_problems(code, rank))
        return code

    @field_validator("level_certificate_issuer")
    @classmethod
    def _known_issuer(cls, code: str | None, info: ValidationInfo) -> str | None:
        references = _references(info)
        if code is not None and references is not None and not references.unit_exists(code):
            refuse("unknown unit %(code)s", code=code)
        return code

    @field_validator("marking_team_size")
    @classmethod
    def _odd(cls, size: int) -> int:
        if size % 2 == 0:
            refuse("must be an odd number (3, 5, …)")
        return size

    @field_validator("skills")
    @classmethod
    def _unique_and_kept(cls, skills: list[SkillFile], info: ValidationInfo) -> list[SkillFile]:
        found = _repeated([s.code for s in skills], "code")
        references = _references(info)
        if references is not None and "code" in info.data:
            found += references.removed_skill_problems(info.data["code"], {s.code for s in skills})
        refuse_all(found)
        return skills

    def columns(self) -> dict[str, Any]:
        """The values of an :class:`~app.events.models.Event` (units and the feeder are resolved by the caller)."""
        return {
            "code": self.code, "name": self.name, "tier": self.tier, "event_class": self.event_class,
            "effective_tier": self.effective_tier, "year": self.year, "starts_on": self.starts_on,
            "ends_on": self.ends_on, "delegation_kind": self.delegation_kind,
            "registration_opens": self.registration.opens if self.registration else None,
            "registration_closes": self.registration.closes if self.registration else None,
            "awards": self.awards.stored() if isinstance(self.awards, AwardTable) else self.awards,
            "promotion_rules": self.promotion_rules, "tie_breakers": self.tie_breakers,
            "flagship": self.flagship, "blind_marking": self.blind_marking,
            "marking_team_size": self.marking_team_size, "spread_limit": self.spread_limit,
            "section_tolerance": self.section_tolerance, "tie_window": self.tie_window,
            "appeals_hours": self.appeals_hours, "min_standardized": self.min_standardized,
            "self_registration": self.self_registration, "bar_previous_medallists": self.bar_previous_medallists,
            "employees_of_organizers_only": self.employees_of_organizers_only,
        }

"""How a rule file's ``[[rules]]`` tables are read: one model of the input layer per rule kind (grants.md).

Each model (:data:`RULE_MODELS`, kind name → model) checks a rule's keys in the order the file's
author reads them: ``id``, ``kind``, ``source``, then the kind's own keys; unknown keys last. Every
problem is a :class:`~scoring.marks.Finding` at its path (``rules[2].amount``), in the words the
grant reader has always used (``is required`` for a blank text, ``must be text`` for a number).
:meth:`GrantRule.spec` turns a sound table into the kind's dataclass in :mod:`scoring.grants.kinds`.

The validation context carries what a rule needs from its rule set: ``national_tiers`` (the alias a
rule's ``tiers`` may be) and ``rule_ids`` (the ids of the rules before it, each used once).
Amounts are yuan to the fen (:func:`~scoring.grants.core.money`), never binary floats.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from ..inputs import Flag, Refusal, StrictModel, exact, exact_number, one_of, refuse, refusing, whole_number_from
from ..medals import AWARD_CODES
from ..tiers import CLASS_CODES, TIERS
from .core import TITLE_LABELS, money, yuan
from .kinds import Contest, LevelRiseKind, PerBase, PersonByAward, PersonByTitle, UnitPerSkill
from .training_kinds import NewHire, Part, TrainingDays, TrainingEmployment

NATIONAL_TIERS = "national_tiers"
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")


def _named(value: Any) -> str:
    if not isinstance(value, str):
        refuse("must be text")
    if not value.strip():
        refuse("is required")
    return value.strip()


def _amount_or_manual(value: Any) -> Decimal | None:
    if value == "manual":
        return None
    amount = money(value)
    if amount is None:
        refuse('must be 0 or more yuan to the fen, or "manual"')
    return amount


def _amount(value: Any) -> Decimal:
    amount = money(value)
    if amount is None:
        refuse("must be 0 or more yuan to the fen")
    return amount


def _tier_code(value: Any) -> str:
    if not isinstance(value, str) or value not in TIERS:
        refuse("%(value)s is not a tier code", value=repr(value))
    return value


def _class_code(value: Any) -> str:
    if isinstance(value, bool) or str(value) not in CLASS_CODES:
        refuse("%(value)s is not a class (1, 2, 3 or \"comprehensive\")", value=repr(value))
    return str(value)


def _table(value: Any) -> Any:
    if not isinstance(value, Mapping):
        refuse("must be a table")
    return value


def _award_code(code: str) -> str:
    if code not in AWARD_CODES:
        refuse("%(value)s is not an award code", value=repr(code))
    return code


def _place(place: str) -> str:
    if not (place.isascii() and place.isdigit() and len(place) <= 6) or int(place) < 1:
        refuse("a place is a whole number of at least 1")
    return str(int(place))


Named = Annotated[str, BeforeValidator(_named)]
"""Text that is there: ``must be text`` for a number, ``is required`` for a blank."""
AmountOrManual = Annotated[Decimal | None, BeforeValidator(_amount_or_manual)]
"""Yuan to the fen, or ``"manual"`` (``None``) where the source gives no amount."""
Amount = Annotated[Decimal, BeforeValidator(_amount)]
TierCode = Annotated[str, BeforeValidator(_tier_code)]
ClassCode = Annotated[str, BeforeValidator(_class_code)]
Share = exact_number("must be a number above 0 and at most 1", above=0, at_most=1)
Ratio = exact_number("must be a number above 0", above=0, at_most=1000)
Count = whole_number_from(1)


def _rule_tiers(value: Any, info: ValidationInfo) -> Any:
    if value == NATIONAL_TIERS:
        return info.context["national_tiers"]
    if not isinstance(value, list) or not value:
        refuse('must list tier codes, or be "national_tiers"')
    return value


def _classes(value: Any) -> Any:
    if not isinstance(value, list) or not value:
        refuse('must list classes (1, 2, 3 or "comprehensive")')
    return value


def tier_list(value: Any) -> Any:
    """A rule set's ``national_tiers``: a non-empty list, each a tier code."""
    if not isinstance(value, list) or not value:
        refuse("must list tier codes")
    return value


RuleTiers = Annotated[tuple[TierCode, ...], BeforeValidator(_rule_tiers)]
Classes = Annotated[tuple[ClassCode, ...] | None, BeforeValidator(_classes)]


class Identified(StrictModel):
    """A rule's ``id``: used once in its rule set (the ids before it are the context's ``rule_ids``)."""

    id: Named

    @field_validator("id")
    @classmethod
    def _id_used_once(cls, rule_id: str, info: ValidationInfo) -> str:
        seen: set[str] = info.context["rule_ids"]
        known = rule_id in seen
        seen.add(rule_id)
        if not ID_PATTERN.match(rule_id):
            refuse("%(value)s must be lower-case letters, digits and underscores", value=repr(rule_id))
        if known:
            refuse("%(value)s is used by an earlier rule", value=repr(rule_id))
        return rule_id


class RuleHead(Identified, extra="ignore"):
    """What a rule of any kind starts with; a rule of an unknown kind is read this far only, since its
    other keys mean nothing without a kind."""

    kind: Any

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: Any) -> str:
        if not isinstance(kind, str) or kind not in RULE_MODELS:
            refuse("%(value)s is not a rule kind (one of %(choices)s)", value=repr(kind),
                   choices=", ".join(sorted(RULE_MODELS)))
        return kind


class KindlessRule(RuleHead):
    """A rule without ``kind``: its head and source are read, the rest waits for a kind."""

    source: Named


class GrantRule(Identified):
    """The keys every rule has, then its kind's own (a subclass per kind); unknown keys are refused."""

    KIND: ClassVar[str]
    kind: str
    source: Named

    def spec(self) -> Any:
        """The kind's dataclass, which computes the rule's lines."""
        raise NotImplementedError


class UnitPerSkillRule(GrantRule):
    KIND: ClassVar[str] = UnitPerSkill.KIND
    act: Annotated[str, one_of(UnitPerSkill.ACTS)]
    tiers: RuleTiers
    classes: Classes = None
    flagship: Flag | None = None
    amount: AmountOrManual

    def spec(self) -> UnitPerSkill:
        """Per unit and skill of an event it takes part in, hosts or organizes."""
        return UnitPerSkill(self.act, _contest(self), self.amount)


class PersonByTitleRule(GrantRule):
    KIND: ClassVar[str] = PersonByTitle.KIND
    title: Annotated[str, one_of(TITLE_LABELS)]
    amount: AmountOrManual
    top_up: Flag = False
    limit_per_year: Count | None = None

    def spec(self) -> PersonByTitle:
        """Per person holding the title."""
        return PersonByTitle(self.title, self.amount, self.top_up, self.limit_per_year)


class PersonByAwardRule(GrantRule):
    KIND: ClassVar[str] = PersonByAward.KIND
    tiers: RuleTiers
    classes: Classes = None
    flagship: Flag | None = None
    payee: Annotated[str, one_of(("person", "expert_team"))] = "person"
    awards: Annotated[dict[Annotated[str, BeforeValidator(_award_code)], AmountOrManual] | None,
                      BeforeValidator(_table)] = None
    places: Annotated[dict[Annotated[str, BeforeValidator(_place)], AmountOrManual] | None,
                      BeforeValidator(_table)] = None
    match: tuple[str, str] | None = None
    ratio: Ratio = Decimal(1)
    cap: Amount | None = None

    @field_validator("match", mode="before")
    @classmethod
    def _rule_set_and_rule(cls, target: Any) -> tuple[str, str]:
        code, _, rule = str(target).partition("/")
        if not isinstance(target, str) or not code or not rule or "/" in rule:
            refuse("%(value)s must be <rule set code>/<rule id>", value=repr(target))
        return code, rule

    @model_validator(mode="wrap")
    @classmethod
    def _one_table_within_the_cap(cls, data: Any, handler: Any) -> Any:
        if not isinstance(data, Mapping):
            return handler(data)
        given = [key for key in ("awards", "places", "match") if key in data]
        one = [] if len(given) == 1 else [(Refusal("give one of awards, places or match"), None, "awards")]
        rule = refusing(data, handler, one, list(cls.model_fields))
        by, table = rule.by_table()
        over = [(Refusal("%(amount)s is more than the cap of %(cap)s", amount=yuan(amount), cap=yuan(rule.cap)),
                 (f"{by}s", key), None)
                for key, amount in table.items() if rule.cap is not None and amount is not None and amount > rule.cap]
        return refusing(rule, lambda same: same, over)

    def by_table(self) -> tuple[str, dict[str, Decimal | None]]:
        """Whether the rule pays by award or by place, and its amounts."""
        if self.awards is None and self.places is not None:
            return "place", dict(self.places)
        return "award", dict(self.awards or {})

    def spec(self) -> PersonByAward:
        """Per competitor by award or place, or matching another rule's amounts."""
        by, table = self.by_table()
        return PersonByAward(_contest(self), by, table, self.payee, self.cap, self.match, self.ratio)


class PartRule(StrictModel):
    """One part of a training's subsidy: paid on the certificate, or on employment within months."""

    on: Annotated[str, one_of(("certificate", "employment"))]
    share: Share
    within_months: Count | None = Field(default=None, validate_default=True)

    @field_validator("on")
    @classmethod
    def _paid_once(cls, on: str, info: ValidationInfo) -> str:
        seen: set[str] = info.context["parts_on"]
        if on in seen:
            refuse("%(on)s is paid by an earlier part", on=on)
        seen.add(on)
        return on

    @field_validator("within_months")
    @classmethod
    def _employment_window(cls, months: int | None, info: ValidationInfo) -> int | None:
        on = info.data.get("on")
        if on == "employment" and months is None:
            refuse("is required")
        if on == "certificate" and months is not None:
            refuse("only an employment part has a window")
        return months


def _share(value: Any) -> Decimal | None:
    number = exact(value)
    return number if number is not None and 0 < number <= 1 else None


class TrainingDaysRule(GrantRule):
    KIND: ClassVar[str] = TrainingDays.KIND
    first_days: Count
    first_rate: Amount
    later_rate: Amount
    max_days: Count
    parts: tuple[PartRule, ...]

    @field_validator("max_days")
    @classmethod
    def _not_below_first_days(cls, max_days: int, info: ValidationInfo) -> int:
        if max_days < info.data.get("first_days", 1):
            refuse("must be at least first_days")
        return max_days

    @field_validator("parts", mode="wrap")
    @classmethod
    def _shares_add_up(cls, parts: Any, handler: Any, info: ValidationInfo) -> Any:
        if not isinstance(parts, list) or not parts or not all(isinstance(p, Mapping) for p in parts):
            refuse("must list the parts, each with on and share")
        info.context["parts_on"] = set()
        total = sum((share for p in parts if (share := _share(p.get("share"))) is not None), Decimal(0))
        return refusing(parts, handler, [] if total == 1 else [
            (Refusal("shares add up to %(total)s, not 1", total=total), None, None)])

    def spec(self) -> TrainingDays:
        """By days at two rates, split into parts that add up to the whole."""
        return TrainingDays(self.first_days, self.first_rate, self.later_rate, self.max_days,
                            tuple(Part(p.on, p.share, p.within_months) for p in self.parts))


class TrainingEmploymentRule(GrantRule):
    KIND: ClassVar[str] = TrainingEmployment.KIND
    after: Annotated[str, one_of(("end", "certificate"))]
    within_months: Count
    amount: AmountOrManual
    in_province: Flag = False
    placed_by_body: Flag = False

    def spec(self) -> TrainingEmployment:
        """Per trained person employed within months."""
        return TrainingEmployment(self.after, self.within_months, self.amount, self.in_province,
                                  self.placed_by_body)


class NewHireRule(GrantRule):
    KIND: ClassVar[str] = NewHire.KIND
    on: Annotated[str, one_of(("hire", "skill_rise"))]
    min_contract_months: Count
    within_months: Count | None = Field(default=None, validate_default=True)
    amount: AmountOrManual
    small_or_micro_only: Flag = True

    @field_validator("within_months")
    @classmethod
    def _rise_window(cls, months: int | None, info: ValidationInfo) -> int | None:
        on = info.data.get("on")
        if on == "skill_rise" and months is None:
            refuse("is required")
        if on == "hire" and months is not None:
            refuse("only a skill_rise payment has a window")
        return months

    def spec(self) -> NewHire:
        """Per new hire, and again for a skill rise within months."""
        return NewHire(self.on, self.min_contract_months, self.amount, self.within_months,
                       self.small_or_micro_only)


class LevelRiseRule(GrantRule):
    KIND: ClassVar[str] = LevelRiseKind.KIND
    amount: AmountOrManual

    def spec(self) -> LevelRiseKind:
        """Per level risen."""
        return LevelRiseKind(self.amount)


class PerBaseRule(GrantRule):
    KIND: ClassVar[str] = PerBase.KIND
    base_kind: Named
    amount: AmountOrManual

    def spec(self) -> PerBase:
        """Once per base of the kind."""
        return PerBase(self.base_kind, self.amount)


def _contest(rule: UnitPerSkillRule | PersonByAwardRule) -> Contest:
    return Contest(rule.tiers, None if rule.classes is None else frozenset(rule.classes), rule.flagship)


RULE_MODELS: dict[str, type[GrantRule]] = {model.KIND: model for model in (
    UnitPerSkillRule, PersonByTitleRule, PersonByAwardRule, TrainingDaysRule, TrainingEmploymentRule,
    NewHireRule, LevelRiseRule, PerBaseRule)}


def rule_model(table: Mapping[str, Any]) -> type[RuleHead] | type[GrantRule]:
    """The model a rule table is read with: its kind's, or a head only when the kind is missing or unknown."""
    kind = table.get("kind")
    if isinstance(kind, str) and kind in RULE_MODELS:
        return RULE_MODELS[kind]
    return KindlessRule if "kind" not in table else RuleHead

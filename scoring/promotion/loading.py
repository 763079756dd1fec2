"""Promotion rule sets from TOML (formats.md "rule sets", promotion.md): read, checked, turned into rules.

The shared part (header, rule ids and sources) is :func:`scoring.rulesets.parse_rule_set`'s; here the
kind's own key ``one_per_year`` and each rule's keys are models of the input layer
(:mod:`scoring.inputs`): :class:`PromotionRule` checks one ``[[rules]]`` table and builds the engine's
:class:`~scoring.promotion.engine.Rule`. Every problem is listed, each where it is (``rules[1].target``);
a rule's unknown keys come first, as the reader has always listed them. The checks that look at which
keys a rule gives (one placing, ``then`` with ``if_holds``, a level or a title) are refusals of the table
as a whole (:func:`scoring.inputs.refusing`), so they are reported whatever else is wrong.
"""
from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from scoring.inputs import Flag, Refusal, StrictModel, exact_number, read, refuse, refuse_every, refusing
from scoring.levels import parse_level
from scoring.marks import Finding, problem
from scoring.medals import AWARD_CODES
from scoring.rulesets import RuleSetError, parse_rule_set, shipped_text, unknown_keys_first
from scoring.tiers import CLASS_CODES, NEEDS_EFFECTIVE_TIER, TIERS

from .engine import (
    GROUPS,
    HIGHEST_GRANTED,
    LOWEST_GRANTED,
    TITLE_CODES,
    Awards,
    OneLevelUp,
    Placing,
    PromotionRuleSet,
    Ranks,
    Rule,
    Target,
    TopPercent,
    level_index,
    whole,
)

KIND = "promotion"
SHIPPED = ("national-2023", "national-industry-printing", "zhenxing-2006", "tianjin-2024", "hunan-2022",
           "hainan-2023", "jiangxi-2022")
PLACINGS = ("awards", "ranks", "top_percent")
STUDENT_KEYS = ("student_target", "student_if_holds", "student_then")


def _tiers(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        refuse("must be a list")
    if not value:
        refuse("must list at least one tier")
    refuse_every([Refusal("a special contest is matched by its effective tier; name that tier")
                  if isinstance(tier, str) and tier in NEEDS_EFFECTIVE_TIER
                  else Refusal("%(value)s is not a tier", value=repr(tier))
                  for tier in value if not isinstance(tier, str) or tier not in TIERS or tier in NEEDS_EFFECTIVE_TIER])
    return tuple(dict.fromkeys(value))


def _groups(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        refuse("must be a list")
    if not value:
        refuse("must list at least one group")
    refuse_every([Refusal("%(value)s is not a group: %(choices)s", value=repr(group), choices=", ".join(GROUPS))
                  for group in value if not isinstance(group, str) or group not in GROUPS])
    return tuple(g for g in GROUPS if g in value)


def _groups_or_none(value: Any) -> tuple[str, ...] | None:
    try:
        return _groups(value)
    except (Refusal, ValidationError):
        return None


def _awards(value: Any) -> Awards:
    if not isinstance(value, list):
        refuse("must be a list")
    if not value:
        refuse("must list at least one award")
    choices = ", ".join(sorted(AWARD_CODES))
    refuse_every([Refusal("%(value)s is not an award: %(choices)s", value=repr(award), choices=choices)
                  for award in value if not isinstance(award, str) or award not in AWARD_CODES])
    return Awards(tuple(dict.fromkeys(value)))


def _ranks(value: Any) -> Ranks:
    if not (isinstance(value, list) and len(value) == 2 and all(whole(v) for v in value)
            and 1 <= value[0] <= value[1]):
        refuse("must be [first, last] with whole numbers 1 ≤ first ≤ last")
    return Ranks(value[0], value[1])


def _level(value: Any, granted: bool) -> str:
    """A level code (or Chinese name); a granted one is 初级工 … 高级技师."""
    level = parse_level(value) if isinstance(value, str) else None
    if level is None:
        refuse("%(value)s is not a skill level", value=repr(value))
    if granted and level_index(level) > level_index(HIGHEST_GRANTED):
        refuse("no contest grants %(level)s; the highest is level1 (高级技师)", level=level)
    if granted and level_index(level) < level_index(LOWEST_GRANTED):
        refuse("no contest grants %(level)s; the lowest is level5 (初级工)", level=level)
    return level


def _title(value: Any) -> str:
    if not isinstance(value, str) or value not in TITLE_CODES:
        refuse("%(value)s is not a title: %(choices)s", value=repr(value), choices=", ".join(sorted(TITLE_CODES)))
    return str(value)


def _team_sizes(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not value or not all(whole(v) and v >= 1 for v in value):
        refuse("must list whole numbers from 1")
    return tuple(dict.fromkeys(value))


class PromotionRule(StrictModel):
    """One ``[[rules]]`` table of a promotion rule set (promotion.md: contests, groups, one placing,
    one outcome). ``id`` and ``source`` were checked by the shared reader."""

    id: Any = None
    source: Any = None
    tiers: tuple[str, ...]
    classes: tuple[str, ...] = ()
    groups: tuple[str, ...]
    awards: Awards | None = None
    ranks: Ranks | None = None
    top_percent: exact_number("must be a number above 0 and at most 100 with at most 2 decimals",
                              above=0, at_most=100, places=2) | None = None
    one_level_up: Flag = False
    target: str | None = None
    if_holds: str | None = None
    then: str | None = None
    cap: str | None = None
    student_target: str | None = None
    student_if_holds: str | None = None
    student_then: str | None = None
    title: str | None = None
    team_sizes: tuple[int, ...] = Field(default=())

    @field_validator("tiers", mode="before")
    @classmethod
    def _read_tiers(cls, value: Any) -> tuple[str, ...]:
        return _tiers(value)

    @field_validator("classes", mode="before")
    @classmethod
    def _classes_of_the_tiers(cls, value: Any, info: ValidationInfo) -> tuple[str, ...]:
        if not isinstance(value, list):
            refuse("must be a list")
        if any(isinstance(v, bool) or not isinstance(v, (int, str)) for v in value):
            refuse("must list classes: %(choices)s", choices=", ".join(CLASS_CODES))
        classes = tuple(dict.fromkeys(str(v).strip() for v in value))
        refuse_every([Refusal("%(value)s is not a class of tier %(tier)s", value=repr(klass), tier=tier)
                      for klass in classes for tier in info.data.get("tiers", ()) if klass not in TIERS[tier].classes])
        return classes

    @field_validator("groups", mode="before")
    @classmethod
    def _read_groups(cls, value: Any) -> tuple[str, ...]:
        return _groups(value)

    @field_validator("awards", mode="before")
    @classmethod
    def _read_awards(cls, value: Any) -> Placing:
        return _awards(value)

    @field_validator("ranks", mode="before")
    @classmethod
    def _read_ranks(cls, value: Any) -> Placing:
        return _ranks(value)

    @field_validator("target", "then", "cap", "student_target", "student_then", mode="before")
    @classmethod
    def _granted_level(cls, value: Any, info: ValidationInfo) -> str:
        level = _level(value, granted=True)
        holds_key = info.field_name.replace("then", "if_holds")
        holds = info.data.get(holds_key)
        if info.field_name.endswith("then") and holds is not None and level_index(level) <= level_index(holds):
            refuse("must be above %(key)s (%(level)s)", key=holds_key, level=holds)
        return level

    @field_validator("if_holds", "student_if_holds", mode="before")
    @classmethod
    def _held_level(cls, value: Any, info: ValidationInfo) -> str:
        level = _level(value, granted=False)
        target_key = info.field_name.replace("if_holds", "target")
        target = info.data.get(target_key)
        if target is not None and level_index(level) < level_index(target):
            refuse("must be at least %(target)s (%(level)s); a lower level already gets %(target)s",
                   target=target_key, level=target)
        return level

    @field_validator("title", mode="before")
    @classmethod
    def _read_title(cls, value: Any) -> str:
        return _title(value)

    @field_validator("team_sizes", mode="before")
    @classmethod
    def _read_team_sizes(cls, value: Any) -> tuple[int, ...]:
        return _team_sizes(value)

    @model_validator(mode="wrap")
    @classmethod
    def _keys_given_together(cls, data: Any, handler: Any) -> Any:
        if not isinstance(data, dict):
            return handler(data)
        refusals = _key_refusals(data)
        if sum(key in data for key in PLACINGS) > 1:     # which one was meant is not known: none is read
            data = {key: value for key, value in data.items() if key not in PLACINGS}
        return refusing(data, handler, refusals, list(cls.model_fields))

    def rule(self) -> Rule:
        """The engine's rule."""
        placing: Placing = self.awards or self.ranks or TopPercent(self.top_percent)  # type: ignore[arg-type]
        outcome: Target | OneLevelUp | None = None
        if self.one_level_up:
            outcome = OneLevelUp(self.cap or HIGHEST_GRANTED)
        elif self.target is not None:
            outcome = Target(self.target, self.if_holds, self.then)
        student = None if self.student_target is None else Target(self.student_target, self.student_if_holds,
                                                                   self.student_then)
        return Rule(id=str(self.id or ""), source=str(self.source or "").strip(), tiers=self.tiers,
                    groups=self.groups, placing=placing, classes=self.classes, outcome=outcome,
                    student_outcome=student, title=self.title, team_sizes=self.team_sizes)


def _key_refusals(table: dict[str, Any]) -> list[tuple[Refusal, str | None, str | None]]:
    """The rules on which keys a rule gives together: (refusal, the key it is at, listed before)."""
    found: list[tuple[Refusal, str | None, str | None]] = []
    given = [key for key in PLACINGS if key in table]
    if not given:
        found.append((Refusal("needs one placing condition: awards, ranks or top_percent"), None, "awards"))
    elif len(given) > 1:
        found.append((Refusal("has more than one placing condition (%(keys)s); give one", keys=", ".join(given)),
                      None, "awards"))
    up = table.get("one_level_up") is True
    for prefix in ("", "student_"):
        found += _holds_and_then(table, prefix)
    if up and "target" in table:
        found.append((Refusal("has both target and one_level_up; give one"), None, "cap"))
    if "target" not in table:
        for key in ("if_holds", "then"):
            if key in table:
                found.append((Refusal("only with %(key)s", key="target") if up
                              else Refusal("needs %(key)s", key="target"), key, "cap"))
    if "cap" in table and not up:
        found.append((Refusal("only with %(key)s", key="one_level_up"), "cap", "student_target"))
    students = [key for key in STUDENT_KEYS if key in table]
    if students:
        groups = _groups_or_none(table.get("groups"))
        if "student_target" not in table:
            found.append((Refusal("needs %(key)s", key="student_target"), students[0], "title"))
        if groups is not None and "student" not in groups:
            found.append((Refusal("the rule does not cover students"), students[0], "title"))
        elif groups == ("student",):
            found.append((Refusal("the rule covers students only; write their outcome in target"), students[0],
                          "title"))
    has_level = any(key in table for key in ("target", "one_level_up", *STUDENT_KEYS))
    if "title" in table and has_level:
        found.append((Refusal("proposes both a level and a title; write two rules"), None, None))
    elif "title" not in table and "target" not in table and "one_level_up" not in table:
        found.append((Refusal("needs an outcome: target, one_level_up or title"), None, None))
    return found


def _holds_and_then(table: dict[str, Any], prefix: str) -> list[tuple[Refusal, str | None, str | None]]:
    holds, then = f"{prefix}if_holds", f"{prefix}then"
    after_levels = "title" if prefix else "cap"
    if holds in table and then not in table:
        return [(Refusal("needs %(then)s (the level a holder of %(if_holds)s gets)", then=then, if_holds=holds),
                 holds, after_levels)]
    if then in table and holds not in table:
        return [(Refusal("needs %(key)s", key=holds), then, after_levels)]
    return []


class PromotionSettings(StrictModel):
    """The promotion kind's own top-level key."""

    one_per_year: Flag


def load_rule_set(text: str) -> tuple[PromotionRuleSet | None, list[Finding]]:
    """A promotion rule set from TOML, or ``None`` with every problem found."""
    doc, found = parse_rule_set(text, KIND)
    if doc is None:
        return None, found
    settings, problems = read(PromotionSettings, doc.settings)
    found += problems
    rules: list[Rule] = []
    for table, where in zip(doc.rules, doc.rule_paths, strict=True):
        rule, problems = read(PromotionRule, table, where)
        found += unknown_keys_first(problems)
        if rule is not None:
            rules.append(rule.rule())
    if rules and len(rules) == len(doc.rules) and all(r.outcome is None for r in rules):
        found.append(problem("rules", "a promotion rule set needs at least one rule with a level outcome"))
    if found or doc.valid_from is None or settings is None:
        return None, found
    return PromotionRuleSet(code=doc.code, name=doc.name, source=doc.source, valid_from=doc.valid_from,
                            one_per_year=settings.one_per_year, rules=tuple(rules)), found


def read_rule_set(text: str) -> PromotionRuleSet:
    """As :func:`load_rule_set`, raising :class:`~scoring.rulesets.RuleSetError` with every problem."""
    rule_set, found = load_rule_set(text)
    if rule_set is None:
        raise RuleSetError(found)
    return rule_set


@cache
def shipped_rule_set(code: str) -> PromotionRuleSet:
    """One of the shipped rule sets (``SHIPPED``); ``KeyError`` for an unknown code."""
    return read_rule_set(shipped_text(KIND, code))

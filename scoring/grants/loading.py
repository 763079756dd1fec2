"""Grant rule sets from TOML (formats.md, "rule sets"): read, validated, matches resolved.

Top-level keys are exactly formats.md's: ``kind = "grants"``, ``code``, ``name``, ``source``,
``valid_from``, ``national_tiers`` (default ``["national"]``), ``exclusive`` (default false) and
``[[rules]]``, each rule with ``id``, ``kind``, ``source`` and its kind's fields, read by the kind's
model (:mod:`.rule_models`; the header is :class:`GrantRuleSetHeader`, both of the input layer). A file
with problems is refused whole with every problem and its place (``rules[2].amount``), so an
organizer who uploads a new version fixes it in one go. TOML is read with ``parse_float=Decimal``:
``0.8`` in a file is exactly 0.8, never a binary float.

``match`` (Xiamen's 1:1 matching of the national WorldSkills amounts) names a rule of another rule
set; it is resolved when the set is read, against a *catalogue* of loaded sets, so a rule set is
self-contained once read. :func:`load_rule_sets` reads several files in any order.

The shipped files live in ``scoring/policies/grants/<code>.toml``; :func:`shipped_texts` is the only
file reading in ``scoring``: package data next to the code, never anything the app writes.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator

from ..inputs import Flag, StrictModel, read, refuse
from .core import Finding, GrantsError, fen, problem
from .kinds import PersonByAward
from .rule_models import Named, TierCode, rule_model, tier_list

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "policies" / "grants"
CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
DEFAULT_NATIONAL_TIERS = ("national",)


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    source: str
    spec: Any      # one of kinds.KINDS' classes

    def line_rules(self) -> tuple[str, ...]:
        """The ``rule`` values its lines carry (a split pays ``training.certificate`` …)."""
        return self.spec.line_rules(self.id)


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    source: str
    valid_from: date
    national_tiers: tuple[str, ...]
    exclusive: bool
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule | None:
        """The rule by its id or by the id one of its lines carries."""
        return next((r for r in self.rules if rule_id == r.id or rule_id in r.line_rules()), None)

    def kinds(self) -> set[str]:
        return {r.kind for r in self.rules}

    def matches(self) -> set[str]:
        """Codes of the rule sets this one matches amounts of."""
        return {r.spec.match[0] for r in self.rules if getattr(r.spec, "match", None)}


def _day(value: Any) -> date:
    """TOML's date or ``"YYYY-MM-DD"``; a date-time is no date (a rule set starts on a day)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    refuse("must be a date (YYYY-MM-DD)")


class GrantRuleSetHeader(StrictModel):
    """A grant rule file's top-level keys (formats.md); its ``rules`` are read one by one after it."""

    kind: str
    code: Named
    name: Named
    source: Named
    valid_from: Annotated[date, BeforeValidator(_day)]
    national_tiers: Annotated[tuple[TierCode, ...], BeforeValidator(tier_list)] = DEFAULT_NATIONAL_TIERS
    exclusive: Flag = False
    rules: Any = Field(default=None, exclude=True)

    @field_validator("code")
    @classmethod
    def _code_shape(cls, code: str) -> str:
        if not CODE_PATTERN.match(code):
            refuse("%(value)s must be lower-case letters, digits and hyphens", value=repr(code))
        return code


def _rule(table: Any, where: str, context: dict[str, Any], found: list[Finding]) -> Rule | None:
    if not isinstance(table, Mapping):
        found.append(problem(where, "must be a table"))
        return None
    read_rule, problems = read(rule_model(table), table, where, context)
    found += problems
    if read_rule is None or not hasattr(read_rule, "spec"):
        return None
    return Rule(read_rule.id, read_rule.kind, read_rule.source, read_rule.spec())


def _parse(text: str) -> tuple[RuleSet | None, list[Finding]]:
    """The rule set with its matches not yet resolved, and every problem of the file."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        return None, [problem("file", "not valid TOML: %(error)s", error=str(error))]
    if "kind" in data and data["kind"] != "grants":
        return None, [problem("kind", "%(value)s is not a grant rule set (kind = \"grants\")",
                              value=repr(data["kind"]))]
    header, found = read(GrantRuleSetHeader, data)
    raw_rules = data.get("rules")
    if raw_rules is None or raw_rules == []:
        found.append(problem("rules", "a rule set needs at least one rule"))
        raw_rules = []
    elif not isinstance(raw_rules, list):
        found.append(problem("rules", "must be an array of tables ([[rules]])"))
        raw_rules = []
    context = {"national_tiers": header.national_tiers if header else DEFAULT_NATIONAL_TIERS, "rule_ids": set()}
    rules = [_rule(table, f"rules[{i}]", context, found) for i, table in enumerate(raw_rules)]
    if found or header is None:
        return None, found
    return RuleSet(header.code, header.name, header.source, header.valid_from, header.national_tiers,
                   header.exclusive, tuple(rule for rule in rules if rule is not None)), found


def _resolve(rule_set: RuleSet, catalogue: Mapping[str, RuleSet]) -> tuple[RuleSet, list[Finding]]:
    """Each ``match`` replaced by the matched rule's table × ratio (rounded to the fen once)."""
    found: list[Finding] = []
    rules = []
    for i, rule in enumerate(rule_set.rules):
        spec = rule.spec
        if not isinstance(spec, PersonByAward) or spec.match is None:
            rules.append(rule)
            continue
        code, rule_id = spec.match
        where = f"rules[{i}].match"
        source = rule_set if code == rule_set.code else catalogue.get(code)
        target = None if source is None else next((r for r in source.rules if r.id == rule_id), None)
        if source is None:
            found.append(problem(where, "%(code)s is not a loaded grant rule set", code=code))
        elif target is None:
            found.append(problem(where, "%(code)s has no rule %(rule)s", code=code, rule=rule_id))
        elif not isinstance(target.spec, PersonByAward):
            found.append(problem(where, "%(code)s %(rule)s is not a person_by_award rule", code=code,
                                 rule=rule_id))
        elif target.spec.match is not None and source is rule_set:
            found.append(problem(where, "%(code)s %(rule)s matches another rule itself", code=code,
                                 rule=rule_id))
        else:
            table = {key: None if amount is None else fen(amount * spec.ratio)
                     for key, amount in target.spec.table.items()}
            rules.append(replace(rule, spec=replace(spec, by=target.spec.by, table=table)))
    return replace(rule_set, rules=tuple(rules)), found


def rule_set_problems(text: str, catalogue: Mapping[str, RuleSet] | None = None) -> list[Finding]:
    """Every problem that keeps a rule file from being used; empty when it is sound."""
    rule_set, found = _parse(text)
    if rule_set is None:
        return found
    return _resolve(rule_set, catalogue or {})[1]


def read_rule_set(text: str, catalogue: Mapping[str, RuleSet] | None = None) -> RuleSet:
    """The rule set of a TOML text, matches resolved against ``catalogue``; refused with every
    problem (:class:`GrantsError`) when it has any."""
    rule_set, found = _parse(text)
    if rule_set is not None:
        rule_set, found = _resolve(rule_set, catalogue or {})
    if found or rule_set is None:
        raise GrantsError(found)
    return rule_set


def _named(name: str, findings: list[Finding]) -> list[Finding]:
    return [Finding(f"{name}: {f.where}" if f.where else name, f.template, f.params) for f in findings]


def load_rule_sets(texts: Mapping[str, str], catalogue: Mapping[str, RuleSet] | None = None
                   ) -> dict[str, RuleSet]:
    """Several files (name → text) at once, in any order: a set is resolved once the sets it matches
    are; a cycle or a missing set is refused. Problems are named by file."""
    found: list[Finding] = []
    parsed: dict[str, RuleSet] = {}
    owner: dict[str, str] = {}
    for name, text in texts.items():
        rule_set, problems = _parse(text)
        found += _named(name, problems)
        if rule_set is None:
            continue
        if rule_set.code in owner:
            found += _named(name, [problem("code", "%(code)s is also the code of %(other)s",
                                           code=rule_set.code, other=owner[rule_set.code])])
            continue
        owner[rule_set.code] = name
        parsed[name] = rule_set
    known = dict(catalogue or {})
    loaded: dict[str, RuleSet] = {}
    pending = dict(parsed)
    while pending:
        ready = [name for name, rs in pending.items() if rs.matches() - {rs.code} <= set(known)]
        if not ready:
            break
        for name in ready:
            rule_set, problems = _resolve(pending.pop(name), known)
            found += _named(name, problems)
            if not problems:
                known[rule_set.code] = loaded[rule_set.code] = rule_set
    for name, rule_set in pending.items():      # what is left matches a set that never loaded
        found += _named(name, _resolve(rule_set, known)[1])
    if found:
        raise GrantsError(found)
    return loaded


def shipped_texts() -> dict[str, str]:
    """The shipped rule files by code (the file name is the code)."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(SHIPPED_DIR.glob("*.toml"))}


@cache
def _shipped() -> tuple[tuple[str, RuleSet], ...]:
    loaded = load_rule_sets({f"{code}.toml": text for code, text in shipped_texts().items()})
    return tuple(sorted(loaded.items()))


def load_shipped() -> dict[str, RuleSet]:
    """The rule sets that ship with the system, by code (read once; a fresh dict each call)."""
    return dict(_shipped())

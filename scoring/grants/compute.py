"""Computing grant lines: a rule set over facts → lines, unique, ordered, totalled, exported.

Each rule asks its kind for lines; a rule whose facts are not held is *not computed* (reported,
never a number). Lines are then made unique per (rule set, rule, payee, trigger) — the ledger's
key, so nothing is paid twice for one trigger — and, when the rule set says ``exclusive = true``,
only the highest per-skill unit line per unit, occupation and year is kept (the others are listed
as ``excluded``). Lines are sorted by payee, rule, trigger in code-point order, as formats.md's
export wants, so the order the app lists its facts in never shows.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .context import Context
from .core import Explanation, Finding, GrantLine, GrantsError, NotComputed, money, problem, yuan
from .facts import Facts, facts_problems
from .kinds import NEEDS, UnitPerSkill
from .loading import RuleSet

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Computation:
    policy: str
    lines: tuple[GrantLine, ...]
    not_computed: tuple[NotComputed, ...] = ()
    excluded: tuple[GrantLine, ...] = ()
    warnings: tuple[Explanation, ...] = ()

    def totals(self) -> dict[str, Decimal]:
        """Per payee, sorted by payee; a manual line counts 0 until a person fills it in."""
        return _sum_by(self.lines, lambda line: line.payee)

    def totals_by_rule(self) -> dict[str, Decimal]:
        return _sum_by(self.lines, lambda line: line.rule)

    @property
    def total(self) -> Decimal:
        return sum((line.amount or ZERO for line in self.lines), ZERO)


def _sum_by(lines: Iterable[GrantLine], key: Any) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        sums[key(line)] += line.amount or ZERO
    return dict(sorted(sums.items()))


def _order(line: GrantLine) -> tuple[str, str, str]:
    return (line.payee, line.rule, line.trigger)


def _highest_first(line: GrantLine) -> tuple[bool, Decimal]:
    return (line.amount is None, -(line.amount or ZERO))


def _unique(lines: Iterable[GrantLine]) -> list[GrantLine]:
    """One line per key. Candidates for one key come from the same trigger and nearly always agree;
    where they do not (a base recognized twice), the highest amount, then the earliest year, then
    the explanation decide, so the answer does not depend on the order of the facts."""
    best: dict[tuple[str, str, str, str], GrantLine] = {}
    for line in lines:
        held = best.get(line.key)
        rank = (*_highest_first(line), line.year or 0, line.explanation.text, line.unit, line.occupation)
        if held is None or rank < (*_highest_first(held), held.year or 0, held.explanation.text, held.unit,
                                   held.occupation):
            best[line.key] = line
    return list(best.values())


def _exclusive(lines: list[GrantLine], rule_order: dict[str, int]) -> tuple[list[GrantLine], list[GrantLine]]:
    """The highest unit-per-skill line per (unit, occupation, year); on equal amounts the rule listed
    first in the rule set wins, then the trigger. Other kinds are not touched."""
    groups: dict[tuple[str, str, int | None], list[GrantLine]] = defaultdict(list)
    kept: list[GrantLine] = []
    for line in lines:
        if line.kind == UnitPerSkill.KIND:
            groups[(line.payee, line.occupation, line.year)].append(line)
        else:
            kept.append(line)
    excluded: list[GrantLine] = []
    for group in groups.values():
        ordered = sorted(group, key=lambda ln: (*_highest_first(ln), rule_order.get(ln.rule, 0), ln.trigger))
        kept.append(ordered[0])
        excluded += ordered[1:]
    return kept, excluded


def compute(rule_set: RuleSet, facts: Facts, *, today: date) -> Computation:
    """The grant lines of ``rule_set`` over ``facts``. ``today`` (the app's clock, never the system's)
    bounds the dates facts may carry; facts with problems are refused whole (:class:`GrantsError`)."""
    found = facts_problems(facts, today)
    if found:
        raise GrantsError(found, "invalid grant facts")
    ctx = Context(rule_set.code, rule_set.valid_from, {r.id: i for i, r in enumerate(rule_set.rules)}, facts)
    candidates: list[GrantLine] = []
    not_computed: list[NotComputed] = []
    for rule in rule_set.rules:
        missing = [need for need in rule.spec.needs() if getattr(facts, need) is None]
        if missing:
            not_computed.append(NotComputed(rule_set.code, rule.id, rule.kind, NEEDS[missing[0]]))
            continue
        candidates += rule.spec.lines(rule.id, ctx)
    lines, excluded = _unique(candidates), []
    if rule_set.exclusive:
        lines, excluded = _exclusive(lines, ctx.rule_order)
    warnings = {w.text: w for w in ctx.warnings}
    return Computation(rule_set.code, tuple(sorted(lines, key=_order)), tuple(not_computed),
                       tuple(sorted(excluded, key=_order)), tuple(warnings[t] for t in sorted(warnings)))


def _amount_text(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def export(result: Computation) -> dict[str, Any]:
    """formats.md's grant lines JSON: amounts as 2-decimal strings (``null`` for manual lines, which
    count 0 in the totals), explanations in English (the command line's language)."""
    return {
        "policy": result.policy,
        "lines": [{"payee": ln.payee, "rule": ln.rule, "trigger": ln.trigger,
                   "amount": _amount_text(ln.amount), "explanation": ln.explanation.text}
                  for ln in result.lines],
        "totals": {payee: f"{amount:.2f}" for payee, amount in result.totals().items()},
        "total": f"{result.total:.2f}",
    }


def manual_amount_problems(rule_set: RuleSet, rule_id: str, amount: Any) -> list[Finding]:
    """Why ``amount`` cannot fill in a manual line of ``rule_id`` (empty when it can): yuan to the fen,
    not negative, within the rule's cap (Hunan: WorldSkills rewards up to 500,000)."""
    rule = rule_set.rule(rule_id)
    if rule is None:
        return [problem("rule", "%(code)s has no rule %(rule)s", code=rule_set.code, rule=rule_id)]
    manual, cap = rule.spec.manual_cap()
    if not manual:
        return [problem("rule", "rule %(rule)s has an amount; only manual lines are filled in", rule=rule_id)]
    value = money(amount)
    if value is None:
        return [problem("amount", "an amount must be 0 or more, in yuan to the fen")]
    if cap is not None and value > cap:
        return [problem("amount", "%(amount)s is more than the rule's cap of %(cap)s", amount=yuan(value),
                        cap=yuan(cap))]
    return []

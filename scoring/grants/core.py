"""What every part of the grants package shares: money, calendar months, explanations and lines.

Money is ``Decimal`` yuan and there is **one** rounding helper, :func:`fen` (to the fen, half up):
an amount read from a rule file, a share of a split, a matched amount times its ratio all pass
through it, so two pages can never disagree on a fen. Explanations are an English template plus
its values (:func:`msg`, which Babel extracts like the app's own ``msg``), so the command line
prints English and the web shows the reader's language.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..inputs import exact, within_places
from ..marks import Finding, problem
from ..tiers import TIERS

__all__ = ["FEN", "MAX_AMOUNT", "Explanation", "Finding", "GrantLine", "GrantsError", "NotComputed",
           "add_months", "fen", "mask_id", "money", "msg", "problem", "yuan"]

FEN = Decimal("0.01")
# One amount in a rule file is at most 100,000,000 yuan (1亿): far above every source (the largest
# is 2,000,000), and it keeps a mistyped exponent (1e30) a refusal rather than a Decimal error.
MAX_AMOUNT = Decimal("100000000.00")

AWARD_LABELS = {
    "gold": "金牌 gold medal", "silver": "银牌 silver medal", "bronze": "铜牌 bronze medal",
    "excellence": "优胜奖 Medallion for Excellence", "first_prize": "一等奖 first prize",
    "second_prize": "二等奖 second prize", "third_prize": "三等奖 third prize",
}
TITLE_LABELS = {
    "china_skills_award": "中华技能大奖 China Skills Grand Award",
    "national_technical_expert": "全国技术能手 National Technical Expert",
    "provincial_skills_award": "省技能大奖 Provincial Skills Award",
    "provincial_technical_expert": "省级技术能手 Provincial Technical Expert",
}


def fen(value: Decimal | int) -> Decimal:
    """The one rounding helper: yuan to the fen, half up (¥0.005 → ¥0.01)."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def money(value: Any) -> Decimal | None:
    """An amount of yuan from a rule file or a form: 0 ≤ x ≤ MAX_AMOUNT with at most 2 decimals,
    given as an integer, a ``Decimal`` or a string; ``None`` for anything else (a binary float never
    passes: :func:`scoring.inputs.exact`)."""
    number = exact(value)
    if number is None or number < 0 or number > MAX_AMOUNT or not within_places(number, 2):
        return None
    return fen(number)


def yuan(amount: Decimal | None) -> str:
    """``¥300,000.00``; a manual line's missing amount is ``manual`` (formats.md's word)."""
    return "manual" if amount is None else f"¥{fen(amount):,.2f}"


def percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"


def add_months(day: date, months: int) -> date:
    """Calendar months: the same day of the month, or the month's last day when it has none
    (30 November + 3 months = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def mask_id(id_number: str) -> str:
    """``110***********1234``: explanations are shown on pages, ID numbers never whole there."""
    if len(id_number) < 8:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]


def contest_label(tier: str, event_class: str | None) -> str:
    """Both languages, so the value reads in a translated template too; the class only where a
    tier's events differ by class (provincial, municipal, county)."""
    known = TIERS.get(tier)
    label = f"{known.name_zh} {known.name_en}" if known else tier
    if known and event_class and len(known.classes) > 2:
        label += f", class {event_class}"
    return label


@dataclass(frozen=True)
class Explanation:
    """An English template and its values; a value may be an explanation itself (translated too)."""

    template: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        values = {k: v.text if isinstance(v, Explanation) else v for k, v in self.params.items()}
        return self.template % values if values else self.template

    def __str__(self) -> str:
        return self.text


def msg(template: str, **params: Any) -> Explanation:
    """Babel extracts ``msg`` (Makefile ``-k msg``), so these templates reach the catalogue."""
    return Explanation(template, params)


# No note: not built with ``msg`` so that no empty message id reaches the catalogue.
NOTHING = Explanation("")


@dataclass(frozen=True)
class GrantLine:
    """One payment: ``payee`` is a unit code or ``person:<id_number>``; ``amount`` is ``None`` for a
    manual line (the source gives no amount; a person fills it in). ``unit`` is where the line sits
    in the unit tree (the payee unit, or the person's unit), for the jurisdiction filter; ``year``
    is the year the trigger falls in (the event's year, or the day a payment fell due)."""

    policy: str
    rule: str
    payee: str
    trigger: str
    amount: Decimal | None
    explanation: Explanation
    unit: str = ""
    year: int | None = None
    kind: str = ""
    occupation: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        """A line is unique per (rule set, rule, payee, trigger): the ledger's key."""
        return (self.policy, self.rule, self.payee, self.trigger)

    @property
    def manual(self) -> bool:
        return self.amount is None


@dataclass(frozen=True)
class NotComputed:
    """A rule whose inputs the system does not hold (yet): reported, never guessed as a number."""

    policy: str
    rule: str
    kind: str
    reason: Explanation


class GrantsError(ValueError):
    """A rule set or facts that cannot be used, with every problem found."""

    def __init__(self, findings: list[Finding], what: str = "invalid grant rule set") -> None:
        self.findings = list(findings)
        super().__init__(f"{what}: " + "; ".join(str(f) for f in self.findings))

"""The rule kinds paid on training, employment and hire records (grants.md: Shanxi, Heilongjiang):
a training's subsidy by days split into parts, the placement subsidy, the new-hire subsidy.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from .context import Context, Single, who
from .core import NOTHING, Explanation, GrantLine, add_months, fen, msg, percent, yuan
from .facts import Training


@dataclass(frozen=True)
class Part:
    on: str                      # "certificate" or "employment"
    share: Decimal
    within_months: int | None = None


@dataclass(frozen=True)
class TrainingDays:
    """Shanxi: per training by days (one rate up to ``first_days``, another after, paid up to
    ``max_days``), split into parts paid on the certificate and on employment within months of it.
    The last part is the remainder, so the parts always add up to the whole to the fen."""

    KIND: ClassVar[str] = "training_days"
    ON: ClassVar[tuple[str, ...]] = ("certificate", "employment")
    first_days: int
    first_rate: Decimal
    later_rate: Decimal
    max_days: int
    parts: tuple[Part, ...]

    def needs(self) -> tuple[str, ...]:
        return ("trainings",)

    def line_rules(self, rule_id: str) -> tuple[str, ...]:
        return tuple(f"{rule_id}.{part.on}" for part in self.parts)

    def manual_cap(self) -> tuple[bool, Decimal | None]:
        return False, self.cap

    @property
    def cap(self) -> Decimal:
        return self.whole(self.max_days)[0]

    def whole(self, days: int) -> tuple[Decimal, int, int]:
        """(the whole subsidy, days at the first rate, days at the later rate)."""
        paid = min(days, self.max_days)
        first = min(paid, self.first_days)
        later = paid - first
        return fen(first * self.first_rate + later * self.later_rate), first, later

    def split(self, whole: Decimal) -> list[Decimal]:
        """Each part its share to the fen; the last one what is left (never below 0)."""
        amounts: list[Decimal] = []
        for i, part in enumerate(self.parts):
            left = whole - sum(amounts, Decimal("0.00"))
            amounts.append(left if i == len(self.parts) - 1 else min(fen(whole * part.share), left))
        return amounts

    def lines(self, rule_id: str, ctx: Context) -> Iterator[GrantLine]:
        for record in ctx.facts.trainings or ():
            if record.certificate_date is None or not ctx.in_force(record.start_date):
                continue
            whole, first, later = self.whole(record.days)
            formula = f"{first} × {yuan(self.first_rate)}" + (f" + {later} × {yuan(self.later_rate)}" if later
                                                              else "")
            params = {"person": who(record.name, record.id_number), "days": record.days,
                          "start": record.start_date.isoformat(), "paid": first + later, "formula": formula,
                          "whole": yuan(whole)}
            for part, amount in zip(self.parts, self.split(whole), strict=True):
                on = self.due(part, record)
                if on is None:
                    continue
                values = dict(params, on=on.isoformat(), share=percent(part.share), amount=yuan(amount))
                if part.on == "certificate":
                    explanation = msg("%(person)s, %(days)s days of training from %(start)s "
                                      "(%(paid)s paid: %(formula)s = %(whole)s), certificate on %(on)s: "
                                      "%(share)s → %(amount)s", **values)
                else:
                    explanation = msg("%(person)s, %(days)s days of training from %(start)s "
                                      "(%(paid)s paid: %(formula)s = %(whole)s), employed on %(on)s, "
                                      "within %(months)s months of the certificate: %(share)s → %(amount)s",
                                      months=part.within_months,
                                      **values)
                yield ctx.line(f"{rule_id}.{part.on}", self.KIND, record.training_body,
                               training_trigger(record), amount, explanation, record.training_body, on.year,
                               record.occupation)

    @staticmethod
    def due(part: Part, record: Training) -> date | None:
        """The day a part falls due, or ``None`` while it does not."""
        if part.on == "certificate":
            return record.certificate_date
        assert record.certificate_date is not None and part.within_months is not None
        return employed_within(record, record.certificate_date, part.within_months)


def training_trigger(record: Training) -> str:
    """The trigger every part of one training shares (formats.md's grammar, extended)."""
    return f"TRAINING/{record.id_number}/{record.start_date.isoformat()}"


def employed_within(record: Training, anchor: date, months: int) -> date | None:
    """The employment day when it lies between the training's start and ``months`` calendar months
    after ``anchor`` (both days included), else ``None``."""
    employed = record.employed_date
    if employed is None or employed < record.start_date or employed > add_months(anchor, months):
        return None
    return employed


@dataclass(frozen=True)
class TrainingEmployment(Single):
    """Heilongjiang's placement subsidy (and Shanxi's placement reward): per trained person employed
    within some months after the training's end or the certificate, optionally only when placed by
    the training body and in the province; paid to the training body."""

    KIND: ClassVar[str] = "training_employment"
    after: str                   # "end" or "certificate"
    within_months: int
    amount: Decimal | None
    in_province: bool = False
    placed_by_body: bool = False

    def needs(self) -> tuple[str, ...]:
        return ("trainings",)

    def note(self) -> Explanation:
        if self.placed_by_body and self.in_province:
            return msg(", placed by the training body, in the province")
        if self.placed_by_body:
            return msg(", placed by the training body")
        if self.in_province:
            return msg(", in the province")
        return NOTHING

    def lines(self, rule_id: str, ctx: Context) -> Iterator[GrantLine]:
        for record in ctx.facts.trainings or ():
            anchor = record.end_date if self.after == "end" else record.certificate_date
            if anchor is None or not ctx.in_force(record.start_date):
                continue
            if (self.in_province and not record.employed_in_province) or \
                    (self.placed_by_body and not record.placed_by_body):
                continue
            on = employed_within(record, anchor, self.within_months)
            if on is None:
                continue
            params = {"person": who(record.name, record.id_number), "body": record.training_body,
                          "start": record.start_date.isoformat(), "end": record.end_date.isoformat(),
                          "on": on.isoformat(), "months": self.within_months, "anchor": anchor.isoformat(),
                          "note": self.note(), "amount": yuan(self.amount)}
            if self.after == "end":
                explanation = msg("%(person)s, trained at %(body)s from %(start)s to %(end)s, "
                                  "employed on %(on)s, within %(months)s months of the training's end"
                                  "%(note)s → %(amount)s", **params)
            else:
                explanation = msg("%(person)s, trained at %(body)s from %(start)s, employed on %(on)s, "
                                  "within %(months)s months of the certificate (%(anchor)s)%(note)s "
                                  "→ %(amount)s",
                                  **params)
            yield ctx.line(rule_id, self.KIND, record.training_body, training_trigger(record), self.amount,
                           explanation, record.training_body, on.year, record.occupation)


@dataclass(frozen=True)
class NewHire(Single):
    """Shanxi §(十四): per new hire of a small or micro enterprise with a contract of at least
    ``min_contract_months``; ``on = "skill_rise"`` pays again for a certificate or a one-level rise
    within ``within_months`` of the hire."""

    KIND: ClassVar[str] = "new_hire"
    on: str
    min_contract_months: int
    amount: Decimal | None
    within_months: int | None = None
    small_or_micro_only: bool = True

    def needs(self) -> tuple[str, ...]:
        return ("hires",)

    def lines(self, rule_id: str, ctx: Context) -> Iterator[GrantLine]:
        for hire in ctx.facts.hires or ():
            if hire.contract_months < self.min_contract_months or not ctx.in_force(hire.hired_on):
                continue
            if self.small_or_micro_only and not hire.small_or_micro:
                continue
            params = {"person": who(hire.name, hire.id_number), "unit": hire.unit,
                      "hired": hire.hired_on.isoformat(), "months": hire.contract_months,
                      "amount": yuan(self.amount)}
            on = hire.hired_on
            if self.on == "hire":
                explanation = msg("%(person)s hired by %(unit)s on %(hired)s with a contract of "
                                  "%(months)s months → %(amount)s", **params)
            else:
                assert self.within_months is not None
                rise = hire.skill_rise_on
                if rise is None or rise > add_months(hire.hired_on, self.within_months):
                    continue
                on = rise
                explanation = msg("%(person)s, hired by %(unit)s on %(hired)s, obtained a certificate "
                                  "or rose a level on %(on)s, within %(within)s months → %(amount)s",
                                  on=rise.isoformat(), within=self.within_months, **params)
            trigger = f"HIRE/{hire.id_number}/{hire.hired_on.isoformat()}"
            yield ctx.line(rule_id, self.KIND, hire.unit, trigger, self.amount, explanation, hire.unit,
                           on.year)

"""Rule kinds paid on events, titles, level rises and bases, and the registry of every kind (grants.md).

A registry (:data:`KINDS`, kind name → class) rather than an if-chain: each kind is a frozen dataclass
that names the facts it ``needs`` and yields its lines from a :class:`~scoring.grants.context.Context`;
its keys in a rule file are read by its model in :mod:`scoring.grants.rule_models`. Adding a kind is
adding a class here and a model there; the loader and the computation do not change. The kinds paid on
training and hire records are in :mod:`scoring.grants.training_kinds`.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from ..levels import NAMES_ZH
from .context import Context, Single, person, who
from .core import (
    AWARD_LABELS,
    NOTHING,
    TITLE_LABELS,
    Explanation,
    GrantLine,
    contest_label,
    msg,
    yuan,
)
from .facts import Competitor, Event, EventSkill
from .training_kinds import NewHire, TrainingDays, TrainingEmployment

NOT_PROVINCIAL_PAYEE = "hr_authority"   # the HR department pays the subsidy; it does not pay itself

# What a rule reports when the facts it needs are not held (``Facts`` field → reason).
NEEDS = {
    "events": msg("not computed: needs events"),
    "competitors": msg("not computed: needs the competed contestants"),
    "titles": msg("not computed: needs title records"),
    "trainings": msg("not computed: needs training records"),
    "hires": msg("not computed: needs hire records"),
    "level_rises": msg("not computed: needs skill-level records"),
    "bases": msg("not computed: needs base records"),
}


# --- which events a rule pays for -------------------------------------------------------------------

@dataclass(frozen=True)
class Contest:
    """The event condition of a rule: the tier (at the event's effective tier), optionally the
    class (``comprehensive`` counts as class 1) and whether the event is the flagship."""

    tiers: tuple[str, ...]
    classes: frozenset[str] | None = None
    flagship: bool | None = None

    def admits(self, event: Event) -> bool:
        if event.grant_tier not in self.tiers:
            return False
        if self.flagship is not None and event.flagship != self.flagship:
            return False
        if self.classes is None:
            return True
        event_class = event.grant_class
        if event_class == "comprehensive" and "1" in self.classes:
            return True
        return event_class in self.classes


ACT_TEXT = {
    "participation": lambda **p: msg(
        "%(unit)s takes part in skill %(skill)s of %(event)s, %(contest)s → %(amount)s", **p),
    "hosting": lambda **p: msg("%(unit)s hosts skill %(skill)s of %(event)s, %(contest)s → %(amount)s", **p),
    "organizing": lambda **p: msg(
        "%(unit)s organizes %(event)s, %(contest)s: skill %(skill)s → %(amount)s", **p),
}


@dataclass(frozen=True)
class UnitPerSkill(Single):
    """Jiangxi: per unit and skill of an event, for taking part, hosting or organizing."""

    KIND: ClassVar[str] = "unit_per_skill"
    ACTS: ClassVar[tuple[str, ...]] = ("participation", "hosting", "organizing")
    act: str
    contest: Contest
    amount: Decimal | None

    def needs(self) -> tuple[str, ...]:
        return ("events", "competitors") if self.act == "participation" else ("events",)

    def payees(self, event: Event, skill: EventSkill, ctx: Context) -> set[str]:
        if self.act == "participation":
            return {e.unit for e in ctx.entries.get((event.code, skill.code), ())}
        if self.act == "hosting":
            return {skill.host_unit} if skill.host_unit else set()
        return {o.unit for o in event.organizers if o.kind != NOT_PROVINCIAL_PAYEE}

    def lines(self, rule_id: str, ctx: Context) -> Iterator[GrantLine]:
        for event in ctx.events_in_force():
            if not self.contest.admits(event):
                continue
            contest = contest_label(event.grant_tier, event.grant_class)
            for skill in event.skills:
                for unit in self.payees(event, skill, ctx):
                    explanation = ACT_TEXT[self.act](unit=unit, skill=skill.label, event=event.code,
                                                     contest=contest, amount=yuan(self.amount))
                    yield ctx.line(rule_id, self.KIND, unit, f"{event.code}/{skill.code}", self.amount,
                                   explanation, unit, event.year, skill.trade)


@dataclass(frozen=True)
class PersonByTitle(Single):
    """Hunan: per person holding a title, the "追加" top-ups being titles with ``top_up = true``."""

    KIND: ClassVar[str] = "person_by_title"
    title: str
    amount: Decimal | None
    top_up: bool = False
    limit_per_year: int | None = None

    def needs(self) -> tuple[str, ...]:
        return ("titles",)

    def lines(self, rule_id: str, ctx: Context) -> Iterator[GrantLine]:
        held: dict[int, set[str]] = defaultdict(set)
        for title in ctx.facts.titles or ():
            if title.title != self.title or title.year < ctx.valid_from.year:
                continue
            held[title.year].add(title.id_number)
            params = {"person": who(title.name, title.id_number), "title": TITLE_LABELS[title.title],
                          "year": title.year, "amount": yuan(self.amount)}
            if self.top_up:
                explanation = msg("%(person)s holds the title %(title)s (%(year)s) → %(amount)s "
                                  "on top of the national award", **params)
            else:
                explanation = msg("%(person)s holds the title %(title)s (%(year)s) → %(amount)s", **params)
            yield ctx.line(rule_id, self.KIND, person(title.id_number),
                           f"TITLE/{title.id_number}/{title.title}/{title.year}", self.amount, explanation,
                           title.unit, title.year)
        for year, people in sorted(held.items()):
            if self.limit_per_year is not None and len(people) > self.limit_per_year:
                ctx.warnings.append(msg("%(count)s people hold %(title)s in %(year)s; the rule names "
                                        "%(limit)s per selection", count=len(people),
                                        title=TITLE_LABELS[self.title], year=year, limit=self.limit_per_year))


@dataclass(frozen=True)
class PersonByAward:
    """Ministry 2015, Xiamen, Hunan's WorldSkills prize: per competitor by award or by place, or
    matching another rule's amounts (× ``ratio``); ``payee = "expert_team"`` pays the same table
    again to the competitor's unit for its expert team (once per team)."""

    KIND: ClassVar[str] = "person_by_award"
    contest: Contest
    by: str                                  # "award" or "place"
    table: dict[str, Decimal | None]         # award code or place ("1", "2", …) → amount
    payee: str = "person"
    cap: Decimal | None = None
    match: tuple[str, str] | None = None     # (rule set code, rule id), resolved on load
    ratio: Decimal = Decimal(1)

    def needs(self) -> tuple[str, ...]:
        return ("events", "competitors")

    def line_rules(self, rule_id: str) -> tuple[str, ...]:
        return (rule_id,)

    def manual_cap(self) -> tuple[bool, Decimal | None]:
        return any(v is None for v in self.table.values()), self.cap

    def lines(self, rule_id: str, ctx: Context) -> Iterator[GrantLine]:
        for entry in ctx.facts.competitors or ():
            event = ctx.events.get(entry.event)
            if event is None or not ctx.event_in_force(event) or not self.contest.admits(event):
                continue
            key = entry.award if self.by == "award" else (None if entry.rank is None else str(entry.rank))
            if key is None or key not in self.table:
                continue
            yield self.line(rule_id, ctx, event, entry, self.table[key])

    def line(self, rule_id: str, ctx: Context, event: Event, entry: Competitor,
             amount: Decimal | None) -> GrantLine:
        cap_note: Explanation = NOTHING
        if amount is None and self.cap is not None:
            cap_note = msg(", at most %(cap)s", cap=yuan(self.cap))
        elif amount is not None and self.cap is not None and amount > self.cap:
            amount, cap_note = self.cap, msg(", capped at %(cap)s", cap=yuan(self.cap))
        note: Explanation = NOTHING
        if self.match is not None:
            note = msg(", matching %(matched)s at %(ratio)s : 1", matched=" ".join(self.match),
                       ratio=f"{self.ratio.normalize():f}")
        result: str | Explanation = (AWARD_LABELS[entry.award] if self.by == "award" and entry.award
                                     else msg("place %(rank)s", rank=entry.rank))
        skill = event.skill(entry.skill) or EventSkill(entry.skill)
        params = {"result": result, "skill": skill.label, "event": event.code, "amount": yuan(amount),
                  "note": note, "cap_note": cap_note,
                  "contest": contest_label(event.grant_tier, event.grant_class)}
        if self.payee == "expert_team":
            explanation = msg("expert team of %(unit)s: %(result)s in skill %(skill)s of %(event)s, "
                              "%(contest)s → %(amount)s%(note)s%(cap_note)s", unit=entry.unit, **params)
            payee, trigger = entry.unit, f"AWARD/{event.code}/{entry.skill}/{entry.entry_no}"
        else:
            explanation = msg("%(person)s: %(result)s in skill %(skill)s of %(event)s, %(contest)s → "
                              "%(amount)s%(note)s%(cap_note)s", person=who(entry.name, entry.id_number),
                              **params)
            payee = person(entry.id_number)
            trigger = f"AWARD/{event.code}/{entry.skill}/{entry.contestant_no}"
        return ctx.line(rule_id, self.KIND, payee, trigger, amount, explanation, entry.unit, event.year,
                        skill.trade)


@dataclass(frozen=True)
class LevelRiseKind(Single):
    """Heilongjiang §(三): each rise of one skill level may receive one training subsidy (to the
    person; the source gives no amount, so the shipped rule is manual)."""

    KIND: ClassVar[str] = "level_rise"
    amount: Decimal | None

    def needs(self) -> tuple[str, ...]:
        return ("level_rises",)

    def lines(self, rule_id: str, ctx: Context) -> Iterator[GrantLine]:
        for rise in ctx.facts.level_rises or ():
            if not ctx.in_force(rise.on):
                continue
            explanation = msg("%(person)s rose to %(level)s in occupation %(occupation)s on %(on)s "
                              "→ %(amount)s", person=who(rise.name, rise.id_number),
                              level=f"{NAMES_ZH[rise.level]} {rise.level}", occupation=rise.occupation,
                              on=rise.on.isoformat(), amount=yuan(self.amount))
            yield ctx.line(rule_id, self.KIND, person(rise.id_number),
                           f"LEVEL/{rise.id_number}/{rise.occupation}/{rise.level}", self.amount, explanation,
                           rise.unit, rise.on.year, rise.occupation)


@dataclass(frozen=True)
class PerBase(Single):
    """A one-off subsidy per base of a kind (Shanxi's provincial public training base, Jiangxi's
    contest training bases): the trigger names no year, so a base is paid once under a rule."""

    KIND: ClassVar[str] = "per_base"
    base_kind: str
    amount: Decimal | None

    def needs(self) -> tuple[str, ...]:
        return ("bases",)

    def lines(self, rule_id: str, ctx: Context) -> Iterator[GrantLine]:
        for base in ctx.facts.bases or ():
            if base.base_kind != self.base_kind or not ctx.in_force(base.recognized_on):
                continue
            explanation = msg("%(unit)s recognized as a %(base)s base on %(on)s, one-off → %(amount)s",
                              unit=base.unit, base=base.base_kind.replace("_", " "),
                              on=base.recognized_on.isoformat(), amount=yuan(self.amount))
            yield ctx.line(rule_id, self.KIND, base.unit, f"BASE/{base.unit}/{base.base_kind}", self.amount,
                           explanation, base.unit, base.recognized_on.year)


KINDS: dict[str, Any] = {k.KIND: k for k in (
    UnitPerSkill, PersonByTitle, PersonByAward, TrainingDays, TrainingEmployment, NewHire, LevelRiseKind,
    PerBase)}

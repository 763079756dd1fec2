"""Rule kinds: how each kind reads its fields from a rule file and which lines it pays.

A registry (:data:`KINDS`, kind name → class) rather than an if-chain: each kind is a frozen
dataclass that ``read``\\s itself from a rule table through a :class:`Reader` (which collects every
problem with its place), names the facts it ``needs`` (a rule whose facts are missing is *not
computed*), and yields its :class:`~scoring.grants.core.GrantLine` values from a :class:`Context`.
Adding a kind is adding a class to the registry; the loader and the computation do not change.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Protocol

from ..levels import NAMES_ZH
from ..medals import AWARD_CODES
from ..tiers import CLASS_CODES, TIERS
from .core import (
    AWARD_LABELS,
    NOTHING,
    TITLE_LABELS,
    Explanation,
    Finding,
    GrantLine,
    add_months,
    contest_label,
    fen,
    mask_id,
    money,
    msg,
    percent,
    problem,
    yuan,
)
from .facts import Competitor, Event, EventSkill, Facts, Training

MISSING: Any = object()
NATIONAL_TIERS = "national_tiers"
NOT_PROVINCIAL_PAYEE = "hr_authority"   # the HR department pays the subsidy; it does not pay itself
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")

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


# --- reading a rule table --------------------------------------------------------------------------

class Reader:
    """Reads one table of a rule file, adding a :class:`Finding` for each problem (``where`` is the
    key's path), and knows which keys were read so that :meth:`finish` names the unknown ones."""

    def __init__(self, table: Mapping[str, Any], where: str, found: list[Finding]) -> None:
        self.table, self.where, self.found = table, where, found
        self.used: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where and key else (key or self.where)

    def add(self, key: str, template: str, **params: Any) -> None:
        self.found.append(Finding(self.at(key), template, params))

    def raw(self, key: str, required: bool = True) -> Any:
        self.used.add(key)
        if key not in self.table:
            if required:
                self.found.append(problem(self.at(key), "is required"))
            return MISSING
        return self.table[key]

    def text(self, key: str, required: bool = True) -> str:
        value = self.raw(key, required)
        if value is MISSING:
            return ""
        if not isinstance(value, str):
            self.found.append(problem(self.at(key), "must be text"))
            return ""
        if not value.strip():
            self.found.append(problem(self.at(key), "is required"))
        return value.strip()

    def flag(self, key: str, default: bool | None) -> bool | None:
        value = self.raw(key, required=False)
        if value is MISSING:
            return default
        if not isinstance(value, bool):
            self.found.append(problem(self.at(key), "must be true or false"))
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.raw(key, required=default is None)
        if value is MISSING:
            return default or ""
        if value not in choices:
            self.found.append(problem(self.at(key), "%(value)s is not one of %(choices)s", value=repr(value),
                                      choices=", ".join(sorted(choices))))
            return default or ""
        return str(value)

    def whole(self, key: str, required: bool = True, minimum: int = 1) -> int | None:
        value = self.raw(key, required)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.found.append(problem(self.at(key), "must be a whole number of at least %(minimum)s",
                                      minimum=minimum))
            return None
        return value

    def amount(self, key: str, manual: bool = True, required: bool = True) -> Decimal | None:
        """Yuan to the fen, or ``"manual"`` (→ ``None``) where the source gives no amount."""
        value = self.raw(key, required)
        if value is MISSING:
            return None
        if manual and value == "manual":
            return None
        found = money(value)
        if found is None:
            if manual:
                self.found.append(problem(self.at(key), 'must be 0 or more yuan to the fen, or "manual"'))
            else:
                self.found.append(problem(self.at(key), "must be 0 or more yuan to the fen"))
            return Decimal("0.00")
        return found

    def fraction(self, key: str, at_most_one: bool, required: bool = True) -> Decimal | None:
        """A share (0 < s ≤ 1) or a ratio (r > 0), as an exact decimal."""
        value = self.raw(key, required)
        if value is MISSING:
            return None
        number: Decimal | None = None
        if not isinstance(value, bool) and isinstance(value, (int, str, Decimal)):
            try:
                number = Decimal(value.strip() if isinstance(value, str) else value)
            except InvalidOperation:
                number = None
        ceiling = Decimal(1) if at_most_one else Decimal(1000)
        if number is None or not number.is_finite() or not 0 < number <= ceiling:
            if at_most_one:
                self.found.append(problem(self.at(key), "must be a number above 0 and at most 1"))
            else:
                self.found.append(problem(self.at(key), "must be a number above 0"))
            return None
        return number

    def table_of(self, key: str) -> Mapping[str, Any] | None:
        value = self.raw(key, required=False)
        if value is MISSING:
            return None
        if not isinstance(value, Mapping):
            self.found.append(problem(self.at(key), "must be a table"))
            return {}
        return value

    def finish(self) -> None:
        for key in self.table:
            if key not in self.used:
                self.found.append(problem(self.at(key), "unknown key"))


@dataclass(frozen=True)
class ReadContext:
    """What a rule needs from its rule set while it is read: ``national_tiers`` for the alias."""

    national_tiers: tuple[str, ...]


# --- which events a rule pays for -------------------------------------------------------------------

@dataclass(frozen=True)
class Contest:
    """The event condition of a rule: the tier (at the event's effective tier), optionally the
    class (``comprehensive`` counts as class 1) and whether the event is the flagship."""

    tiers: tuple[str, ...]
    classes: frozenset[str] | None = None
    flagship: bool | None = None

    @classmethod
    def read(cls, r: Reader, ctx: ReadContext) -> Contest:
        value = r.raw("tiers")
        tiers: tuple[str, ...] = ()
        if value == NATIONAL_TIERS:
            tiers = ctx.national_tiers
        elif isinstance(value, list) and value:
            for i, tier in enumerate(value):
                if tier not in TIERS:
                    r.add(f"tiers[{i}]", "%(value)s is not a tier code", value=repr(tier))
            tiers = tuple(t for t in value if t in TIERS)
        elif value is not MISSING:
            r.add("tiers", 'must list tier codes, or be "national_tiers"')
        classes = None
        raw = r.raw("classes", required=False)
        if raw is not MISSING:
            if not isinstance(raw, list) or not raw:
                r.add("classes", 'must list classes (1, 2, 3 or "comprehensive")')
                raw = []
            for i, value in enumerate(raw):
                if isinstance(value, bool) or str(value) not in CLASS_CODES:
                    r.add(f"classes[{i}]", "%(value)s is not a class (1, 2, 3 or \"comprehensive\")",
                          value=repr(value))
            classes = frozenset(str(v) for v in raw)
        return cls(tiers, classes, r.flag("flagship", None))

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


# --- computing -------------------------------------------------------------------------------------

@dataclass
class Context:
    """One computation: the rule set's header, the facts, indexes over them, and the warnings."""

    policy: str
    valid_from: date
    rule_order: dict[str, int]
    facts: Facts
    events: dict[str, Event] = field(default_factory=dict)
    entries: dict[tuple[str, str], list[Competitor]] = field(default_factory=dict)
    warnings: list[Explanation] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.events = {e.code: e for e in self.facts.events or ()}
        entries: dict[tuple[str, str], list[Competitor]] = defaultdict(list)
        for entry in self.facts.competitors or ():
            entries[(entry.event, entry.skill)].append(entry)
        self.entries = dict(entries)

    def event_in_force(self, event: Event) -> bool:
        """A rule set pays for events from its ``valid_from``: by the start day when known, else by
        the year (an event of the year ``valid_from`` falls in counts)."""
        if event.starts_on is not None:
            return event.starts_on >= self.valid_from
        return event.year >= self.valid_from.year

    def in_force(self, day: date) -> bool:
        return day >= self.valid_from

    def events_in_force(self) -> Iterator[Event]:
        return (e for e in self.events.values() if self.event_in_force(e))

    def line(self, rule: str, kind: str, payee: str, trigger: str, amount: Decimal | None,
             explanation: Explanation, unit: str, year: int, occupation: str = "") -> GrantLine:
        return GrantLine(self.policy, rule, payee, trigger, amount, explanation, unit=unit, year=year,
                         kind=kind, occupation=occupation)


# Literal templates (Babel extracts ``msg`` calls), one per act of a unit.
ACT_TEXT = {
    "participation": lambda **p: msg(
        "%(unit)s takes part in skill %(skill)s of %(event)s, %(contest)s → %(amount)s", **p),
    "hosting": lambda **p: msg("%(unit)s hosts skill %(skill)s of %(event)s, %(contest)s → %(amount)s", **p),
    "organizing": lambda **p: msg(
        "%(unit)s organizes %(event)s, %(contest)s: skill %(skill)s → %(amount)s", **p),
}


class Kind(Protocol):
    KIND: ClassVar[str]

    def needs(self) -> tuple[str, ...]: ...

    def lines(self, rule_id: str, ctx: Context) -> Iterator[GrantLine]: ...

    def line_rules(self, rule_id: str) -> tuple[str, ...]: ...

    def manual_cap(self) -> tuple[bool, Decimal | None]: ...


def person(id_number: str) -> str:
    return f"person:{id_number}"


def who(name: str, id_number: str) -> str:
    return name or mask_id(id_number)


class Single:
    """Kinds whose lines carry the rule's own id and one amount (or manual)."""

    amount: Decimal | None

    def line_rules(self, rule_id: str) -> tuple[str, ...]:
        return (rule_id,)

    def manual_cap(self) -> tuple[bool, Decimal | None]:
        return self.amount is None, None


@dataclass(frozen=True)
class UnitPerSkill(Single):
    """Jiangxi: per unit and skill of an event, for taking part, hosting or organizing."""

    KIND: ClassVar[str] = "unit_per_skill"
    ACTS: ClassVar[tuple[str, ...]] = ("participation", "hosting", "organizing")
    act: str
    contest: Contest
    amount: Decimal | None

    @classmethod
    def read(cls, r: Reader, ctx: ReadContext) -> UnitPerSkill:
        act = r.choice("act", cls.ACTS)
        return cls(act, Contest.read(r, ctx), r.amount("amount"))

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

    @classmethod
    def read(cls, r: Reader, ctx: ReadContext) -> PersonByTitle:
        title = r.choice("title", tuple(TITLE_LABELS))
        return cls(title, r.amount("amount"), bool(r.flag("top_up", False)),
                   r.whole("limit_per_year", required=False))

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

    @classmethod
    def read(cls, r: Reader, ctx: ReadContext) -> PersonByAward:
        contest = Contest.read(r, ctx)
        payee = r.choice("payee", ("person", "expert_team"), default="person")
        given = [key for key in ("awards", "places", "match") if key in r.table]
        if len(given) != 1:
            r.add("", "give one of awards, places or match")
        awards, places = r.table_of("awards"), r.table_of("places")
        by_award: dict[str, Decimal | None] = {}
        for code, value in (awards or {}).items():
            if code not in AWARD_CODES:
                r.add(f"awards.{code}", "%(value)s is not an award code", value=repr(code))
            by_award[code] = r_amount(r, f"awards.{code}", value)
        by_place: dict[str, Decimal | None] = {}
        for place, value in (places or {}).items():
            whole = place.isascii() and place.isdigit() and len(place) <= 6
            if not whole or int(place) < 1:
                r.add(f"places.{place}", "a place is a whole number of at least 1")
            amount = r_amount(r, f"places.{place}", value)
            if whole:
                by_place[str(int(place))] = amount
        by, table = ("place", by_place) if awards is None and places is not None else ("award", by_award)
        match = None
        target = r.raw("match", required=False)
        if target is not MISSING:
            code, _, rule = str(target).partition("/")
            if not isinstance(target, str) or not code or not rule or "/" in rule:
                r.add("match", "%(value)s must be <rule set code>/<rule id>", value=repr(target))
            else:
                match = (code, rule)
        ratio = r.fraction("ratio", at_most_one=False, required=False) or Decimal(1)
        before = len(r.found)
        cap = r.amount("cap", manual=False, required=False) if "cap" in r.table else None
        if cap is not None and len(r.found) == before:       # a refused cap is not compared with
            for key, amount in table.items():
                if amount is not None and amount > cap:
                    r.add(f"{by}s.{key}", "%(amount)s is more than the cap of %(cap)s", amount=yuan(amount),
                          cap=yuan(cap))
        return cls(contest, by, table, payee, cap, match, ratio)

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


def r_amount(r: Reader, key: str, value: Any) -> Decimal | None:
    """An amount that is a value inside a table (``awards.gold``) rather than a key of ``r``."""
    if value == "manual":
        return None
    found = money(value)
    if found is None:
        r.add(key, 'must be 0 or more yuan to the fen, or "manual"')
        return Decimal("0.00")
    return found


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

    @classmethod
    def read(cls, r: Reader, ctx: ReadContext) -> TrainingDays:
        first_days = r.whole("first_days") or 1
        first_rate = r.amount("first_rate", manual=False) or Decimal(0)
        later_rate = r.amount("later_rate", manual=False) or Decimal(0)
        max_days = r.whole("max_days")
        if max_days is not None and max_days < first_days:
            r.add("max_days", "must be at least first_days")
        raw = r.raw("parts")
        parts: list[Part] = []
        if raw is not MISSING and (not isinstance(raw, list) or not raw
                                   or not all(isinstance(p, Mapping) for p in raw)):
            r.add("parts", "must list the parts, each with on and share")
            raw = []
        seen: set[str] = set()
        total = Decimal(0)
        for i, table in enumerate(raw if raw is not MISSING else []):
            pr = Reader(table, r.at(f"parts[{i}]"), r.found)
            on = pr.choice("on", cls.ON)
            if on in seen:
                pr.add("on", "%(on)s is paid by an earlier part", on=on)
            seen.add(on)
            share = pr.fraction("share", at_most_one=True)
            months = pr.whole("within_months", required=on == "employment")
            if on == "certificate" and months is not None:
                pr.add("within_months", "only an employment part has a window")
            pr.finish()
            if share is not None:
                total += share
                parts.append(Part(on, share, months))
        if raw is not MISSING and raw and total != 1:
            r.add("parts", "shares add up to %(total)s, not 1", total=total)
        return cls(first_days, first_rate, later_rate, max_days or first_days, tuple(parts))

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
            for part, amount in zip(self.parts, self.split(whole)):
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

    @classmethod
    def read(cls, r: Reader, ctx: ReadContext) -> TrainingEmployment:
        after = r.choice("after", ("end", "certificate"))
        months = r.whole("within_months") or 1
        return cls(after, months, r.amount("amount"), bool(r.flag("in_province", False)),
                   bool(r.flag("placed_by_body", False)))

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

    @classmethod
    def read(cls, r: Reader, ctx: ReadContext) -> NewHire:
        on = r.choice("on", ("hire", "skill_rise"))
        months = r.whole("min_contract_months") or 1
        within = r.whole("within_months", required=on == "skill_rise")
        if on == "hire" and within is not None:
            r.add("within_months", "only a skill_rise payment has a window")
        return cls(on, months, r.amount("amount"), within, bool(r.flag("small_or_micro_only", True)))

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


@dataclass(frozen=True)
class LevelRiseKind(Single):
    """Heilongjiang §(三): each rise of one skill level may receive one training subsidy (to the
    person; the source gives no amount, so the shipped rule is manual)."""

    KIND: ClassVar[str] = "level_rise"
    amount: Decimal | None

    @classmethod
    def read(cls, r: Reader, ctx: ReadContext) -> LevelRiseKind:
        return cls(r.amount("amount"))

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

    @classmethod
    def read(cls, r: Reader, ctx: ReadContext) -> PerBase:
        return cls(r.text("base_kind"), r.amount("amount"))

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

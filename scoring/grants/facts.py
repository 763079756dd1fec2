"""The triggers grants are paid on, as plain values the app derives (formats.md, "grant lines").

One dataclass per kind of trigger, shaped after the trigger grammar:

- ``EVENT/SKILL`` — an :class:`Event` with its :class:`EventSkill` list (host units) and
  :class:`Organizer` list (with the unit's kind, because ``hr_authority`` organizers are not paid),
  and its competed contestants as :class:`Competitor` (taking part);
- ``AWARD/EVENT/SKILL/<contestant_no>`` — the same :class:`Competitor` with its award and rank;
- ``TITLE/<id_number>/<title>/<year>`` — a :class:`Title` (``import titles``);
- ``TRAINING/<id_number>/<start_date>`` — a :class:`Training` record (``import training``);
- and, for data the system does not hold yet, ``HIRE/<id_number>/<hired_on>`` (:class:`Hire`),
  ``LEVEL/<id_number>/<occupation>/<level>`` (:class:`LevelRise`) and ``BASE/<unit>/<base_kind>``
  (:class:`Base`), extending the grammar in its own style.

:class:`Facts` bundles them; a field left ``None`` means "the system does not hold these", and every
rule that needs it reports *not computed* instead of a number. An empty tuple means "held, none".
:func:`facts_problems` refuses nonsense (a trigger naming an event that does not exist, negative
training days, dates after ``today``) with every problem and its place, ``trainings[2].days``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..levels import LADDER
from ..medals import AWARD_CODES
from ..tiers import CLASS_CODES, TIERS
from .core import TITLE_LABELS, Finding, problem

TITLE_CODES = tuple(sorted(TITLE_LABELS))


@dataclass(frozen=True)
class Organizer:
    unit: str
    kind: str = "other"


@dataclass(frozen=True)
class EventSkill:
    code: str
    name: str = ""
    occupation: str = ""
    host_unit: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} {self.code}" if self.name and self.name != self.code else self.code

    @property
    def trade(self) -> str:
        """The occupation ``exclusive`` groups by; a skill without one stands for itself."""
        return self.occupation or self.code


@dataclass(frozen=True)
class Event:
    code: str
    tier: str
    year: int
    event_class: str | None = None
    effective_tier: str | None = None
    flagship: bool = False
    starts_on: date | None = None
    name: str = ""
    organizers: tuple[Organizer, ...] = ()
    skills: tuple[EventSkill, ...] = ()

    @property
    def grant_tier(self) -> str:
        """A special contest counts at its ``effective_tier`` (tiers.md: grants use it)."""
        if self.tier == "special" and self.effective_tier:
            return self.effective_tier
        return self.tier

    @property
    def grant_class(self) -> str | None:
        """``national`` is class 1 when the event states none (formats.md)."""
        if self.event_class is not None:
            return str(self.event_class)
        return "1" if self.grant_tier == "national" else None

    def skill(self, code: str) -> EventSkill | None:
        return next((s for s in self.skills if s.code == code), None)


@dataclass(frozen=True)
class Competitor:
    """A *competed* contestant (a team skill: one per member; ``entry`` is the team's row, the lowest
    member bib, and defaults to the contestant's own bib)."""

    event: str
    skill: str
    contestant_no: str
    id_number: str
    unit: str
    name: str = ""
    rank: int | None = None
    award: str | None = None
    entry: str = ""

    @property
    def entry_no(self) -> str:
        return self.entry or self.contestant_no


@dataclass(frozen=True)
class Title:
    id_number: str
    title: str
    year: int
    unit: str = ""
    name: str = ""


@dataclass(frozen=True)
class Training:
    """A row of ``import training``: Y/N columns already read as booleans."""

    id_number: str
    training_body: str
    start_date: date
    end_date: date
    days: int
    name: str = ""
    occupation: str = ""
    certificate_date: date | None = None
    employed_date: date | None = None
    employed_in_province: bool = False
    placed_by_body: bool = False


@dataclass(frozen=True)
class Hire:
    """A new hire of a unit (Shanxi §(十四)); ``skill_rise_on`` is the day the person first obtained a
    skill certificate or rose one level after the hire."""

    unit: str
    id_number: str
    hired_on: date
    contract_months: int
    small_or_micro: bool = True
    name: str = ""
    skill_rise_on: date | None = None


@dataclass(frozen=True)
class LevelRise:
    """A person's rise to ``level`` in an occupation (a new skill-level record above the last)."""

    id_number: str
    occupation: str
    level: str
    on: date
    unit: str = ""
    name: str = ""


@dataclass(frozen=True)
class Base:
    """A unit recognized as a base of some kind (a provincial public training base, a contest
    training base), on a day."""

    unit: str
    base_kind: str
    recognized_on: date


@dataclass(frozen=True)
class Facts:
    events: tuple[Event, ...] | None = None
    competitors: tuple[Competitor, ...] | None = None
    titles: tuple[Title, ...] | None = None
    trainings: tuple[Training, ...] | None = None
    hires: tuple[Hire, ...] | None = None
    level_rises: tuple[LevelRise, ...] | None = None
    bases: tuple[Base, ...] | None = None


# --- refusals --------------------------------------------------------------------------------------

def _future(found: list[Finding], column: str, value: date | None, today: date) -> None:
    if value is not None and value > today:
        found.append(problem(column, "%(date)s is in the future", date=value.isoformat()))


def _required(found: list[Finding], column: str, value: str) -> None:
    if not value or not value.strip():
        found.append(problem(column, "is required"))


def _before(found: list[Finding], column: str, value: date | None, other: str, start: date) -> None:
    if value is not None and value < start:
        found.append(problem(column, "%(date)s is before %(other)s %(start)s", date=value.isoformat(),
                             other=other, start=start.isoformat()))


def training_problems(record: Training, today: date) -> list[Finding]:
    """Every problem of one training record, ``where`` being its column (the import adds the row):
    1 ≤ days ≤ end − start + 1, no date after ``today``, nothing before the training began."""
    found: list[Finding] = []
    _required(found, "id_number", record.id_number)
    _required(found, "training_body", record.training_body)
    _future(found, "start_date", record.start_date, today)
    _future(found, "end_date", record.end_date, today)
    _before(found, "end_date", record.end_date, "start_date", record.start_date)
    span = (record.end_date - record.start_date).days + 1
    if isinstance(record.days, bool) or not isinstance(record.days, int) or record.days < 1:
        found.append(problem("days", "must be at least 1"))
    elif record.days > span:
        found.append(problem("days", "%(days)s days do not fit between %(start)s and %(end)s (%(span)s days)",
                             days=record.days, start=record.start_date.isoformat(),
                             end=record.end_date.isoformat(), span=max(span, 0)))
    _future(found, "certificate_date", record.certificate_date, today)
    _before(found, "certificate_date", record.certificate_date, "start_date", record.start_date)
    _future(found, "employed_date", record.employed_date, today)
    return found


def hire_problems(record: Hire, today: date) -> list[Finding]:
    """Every problem of one new-hire record (Shanxi §(十四)), ``where`` being its column: unit and ID present,
    a contract of at least one month, no date after ``today`` and no skill rise before the hire."""
    found: list[Finding] = []
    _required(found, "unit", record.unit)
    _required(found, "id_number", record.id_number)
    _future(found, "hired_on", record.hired_on, today)
    if isinstance(record.contract_months, bool) or not isinstance(record.contract_months, int) \
            or record.contract_months < 1:
        found.append(problem("contract_months", "must be at least 1"))
    _future(found, "skill_rise_on", record.skill_rise_on, today)
    _before(found, "skill_rise_on", record.skill_rise_on, "hired_on", record.hired_on)
    return found


def _event_problems(events: Sequence[Event]) -> list[Finding]:
    found: list[Finding] = []
    seen: set[str] = set()
    for i, event in enumerate(events):
        where = f"events[{i}]"
        if event.code in seen:
            found.append(problem(f"{where}.code", "%(code)s appears twice", code=event.code))
        seen.add(event.code)
        for column, tier in (("tier", event.tier), ("effective_tier", event.effective_tier)):
            if tier is not None and tier not in TIERS:
                found.append(problem(f"{where}.{column}", "%(value)s is not a tier code", value=repr(tier)))
        if event.event_class is not None and str(event.event_class) not in CLASS_CODES:
            found.append(problem(f"{where}.class", "%(value)s is not a class (1, 2, 3 or \"comprehensive\")",
                                 value=repr(event.event_class)))
        codes = [s.code for s in event.skills]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            found.append(problem(f"{where}.skills", "skill %(code)s appears twice", code=code))
    return found


def _competitor_problems(competitors: Sequence[Competitor], events: dict[str, Event]) -> list[Finding]:
    found: list[Finding] = []
    for i, entry in enumerate(competitors):
        where = f"competitors[{i}]"
        event = events.get(entry.event)
        if event is None:
            found.append(problem(f"{where}.event", "no event %(event)s", event=entry.event))
        elif event.skill(entry.skill) is None:
            found.append(problem(f"{where}.skill", "%(event)s has no skill %(skill)s", event=entry.event,
                                 skill=entry.skill))
        for column in ("contestant_no", "id_number", "unit"):
            if not getattr(entry, column).strip():
                found.append(problem(f"{where}.{column}", "is required"))
        if entry.award is not None and entry.award not in AWARD_CODES:
            found.append(problem(f"{where}.award", "%(value)s is not an award code", value=repr(entry.award)))
        if entry.rank is not None and (isinstance(entry.rank, bool) or not isinstance(entry.rank, int)
                                       or entry.rank < 1):
            found.append(problem(f"{where}.rank", "must be a whole number of at least 1"))
    return found


def _title_problems(titles: Sequence[Title], today: date) -> list[Finding]:
    found: list[Finding] = []
    for i, title in enumerate(titles):
        where = f"titles[{i}]"
        if not title.id_number.strip():
            found.append(problem(f"{where}.id_number", "is required"))
        if title.title not in TITLE_LABELS:
            found.append(problem(f"{where}.title", "%(value)s is not one of %(choices)s",
                                 value=repr(title.title), choices=", ".join(TITLE_CODES)))
        if title.year > today.year:
            found.append(problem(f"{where}.year", "%(year)s is in the future", year=title.year))
    return found


def _prefixed(where: str, findings: list[Finding]) -> list[Finding]:
    return [Finding(f"{where}.{f.where}" if f.where else where, f.template, f.params) for f in findings]


def facts_problems(facts: Facts, today: date) -> list[Finding]:
    """Every problem in the facts, in the order of :class:`Facts`' fields; empty when sound."""
    found: list[Finding] = []
    events = {e.code: e for e in facts.events or ()}
    found += _event_problems(facts.events or ())
    found += _competitor_problems(facts.competitors or (), events)
    found += _title_problems(facts.titles or (), today)
    started: set[tuple[str, date]] = set()
    for i, record in enumerate(facts.trainings or ()):
        found += _prefixed(f"trainings[{i}]", training_problems(record, today))
        if (record.id_number, record.start_date) in started:
            found.append(problem(f"trainings[{i}]", "%(id)s already has a training starting on %(start)s",
                                 id=record.id_number, start=record.start_date.isoformat()))
        started.add((record.id_number, record.start_date))
    for i, hire in enumerate(facts.hires or ()):
        found += _prefixed(f"hires[{i}]", hire_problems(hire, today))
    for i, rise in enumerate(facts.level_rises or ()):
        where = f"level_rises[{i}]"
        if rise.level not in LADDER:
            found.append(problem(f"{where}.level", "%(value)s is not a skill level", value=repr(rise.level)))
        if rise.on > today:
            found.append(problem(f"{where}.on", "%(date)s is in the future", date=rise.on.isoformat()))
    for i, base in enumerate(facts.bases or ()):
        where = f"bases[{i}]"
        for column in ("unit", "base_kind"):
            if not getattr(base, column).strip():
                found.append(problem(f"{where}.{column}", "is required"))
        if base.recognized_on > today:
            found.append(problem(f"{where}.recognized_on", "%(date)s is in the future",
                                 date=base.recognized_on.isoformat()))
    return found

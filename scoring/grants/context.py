"""What computing a grant rule shares across kinds: the :class:`Context` of one computation and the
:class:`Kind` protocol every rule kind follows (grants.md).

A kind names the facts it ``needs`` (a rule whose facts are missing is *not computed*) and yields its
:class:`~scoring.grants.core.GrantLine` values from a :class:`Context`; the registry of kinds is
:data:`scoring.grants.kinds.KINDS`, their reading from a rule file :mod:`scoring.grants.rule_models`.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import ClassVar, Protocol

from .core import Explanation, GrantLine, mask_id
from .facts import Competitor, Event, Facts


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


class Kind(Protocol):
    KIND: ClassVar[str]

    def needs(self) -> tuple[str, ...]: ...

    def lines(self, rule_id: str, ctx: Context) -> Iterator[GrantLine]: ...

    def line_rules(self, rule_id: str) -> tuple[str, ...]: ...

    def manual_cap(self) -> tuple[bool, Decimal | None]: ...


def person(id_number: str) -> str:
    """A person as a payee (formats.md's export): ``person:<id_number>``."""
    return f"person:{id_number}"


def who(name: str, id_number: str) -> str:
    """A person as an explanation names them: by name, else by the masked ID number (never whole)."""
    return name or mask_id(id_number)


class Single:
    """Kinds whose lines carry the rule's own id and one amount (or manual)."""

    amount: Decimal | None

    def line_rules(self, rule_id: str) -> tuple[str, ...]:
        return (rule_id,)

    def manual_cap(self) -> tuple[bool, Decimal | None]:
        return self.amount is None, None

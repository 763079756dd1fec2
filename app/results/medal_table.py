"""The medal table of an event: awards counted per unit over the lines of its skills.

A pure function over :class:`~app.results.tables.Line` so the organizer's view (every skill) and
the public one (published skills only) count the same way; the caller decides which lines go in and
which unit a line counts for (its own unit, or its delegation when the event sets one, as unit
points do). A team is one line, so a team medal counts once.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.results.tables import Line
from app.units.models import Unit
from scoring.medals import AwardTable

MEDAL_COLUMNS = ("gold", "silver", "bronze", "excellence")


@dataclass
class UnitMedals:
    unit: Unit
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, award: str) -> int:
        return self.counts.get(award, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def award_columns(awards: str | AwardTable) -> tuple[str, ...]:
    """``worldskills`` and ``cn_standard`` count medals and excellence; an inline award table
    counts its own prizes, in band order."""
    if isinstance(awards, str):
        return MEDAL_COLUMNS
    return tuple(band.award for band in awards.bands)


def medal_table(lines: Iterable[Line], unit_of: Callable[[Line], Unit],
                columns: tuple[str, ...] = MEDAL_COLUMNS) -> list[UnitMedals]:
    """Units with at least one counted award, best first: more of the first column, then of the
    next …, then by unit code."""
    found: dict[str, UnitMedals] = {}
    for line in lines:
        award = line.standing.award
        if award not in columns:
            continue
        unit = unit_of(line)
        row = found.setdefault(unit.code, UnitMedals(unit))
        row.counts[award] = row.count(award) + 1
    return sorted(found.values(), key=lambda r: (*(-r.count(c) for c in columns), r.unit.code))

"""Ranking a skill's competed contestants (results.md, "Ranking").

The raw total decides, exactly and descending; ties share a competition rank (1, 2, 2, 4) unless
the event names tie-breakers, which apply in order to each tie. Choices where results.md is silent:

- ``tie_window`` groups are formed before any tie-breaker: walking the totals downwards, each group
  starts at its highest total and takes everyone within the window of it. Inside a group the raw
  total no longer counts (the totals are "treated as equal"); only the tie-breakers separate them.
- Tie-breakers split a tie into ordered parts; each part still tied gets the next tie-breaker. A
  tie-breaker is skipped for a tie when any contestant of *that* tie lacks its data, and the skip
  is recorded on each of them (the standings page says so) even if a later one decides.
- ``criterion_weight`` needs the criteria's mark totals (``criterion_max``); naming it without them
  is a programmer error. A contestant missing a subtotal of one of those criteria lacks its data.
- Output order: by rank, then raw total descending, then input order, so a shared place lists the
  higher total first and the result is deterministic.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

CRITERION_WEIGHT = "criterion_weight"
COMPLETION_TIME = "completion_time"


@dataclass(frozen=True)
class Contestant:
    """What ranking needs of one competed contestant (or team): ``criteria`` are subtotals by
    criterion code, ``completion_seconds`` comes from the imported timings."""

    key: Hashable
    raw: Decimal
    criteria: Mapping[str, Decimal] = field(default_factory=dict)
    completion_seconds: int | None = None


@dataclass(frozen=True)
class Ranked:
    key: Hashable
    rank: int
    skipped_tie_breakers: tuple[str, ...] = ()


# A tie-breaker maps a contestant to a sort key where larger is better, or ``None`` when the
# contestant lacks the data; ``criterion_max`` is the criteria's mark totals (or ``None``).
TieBreaker = Callable[[Contestant, Mapping[str, Decimal] | None], tuple[Any, ...] | None]


def criterion_order(criterion_max: Mapping[str, Decimal]) -> list[str]:
    """Criteria by mark total, largest first; equal mark totals in criterion-code order."""
    return sorted(criterion_max, key=lambda code: (-criterion_max[code], code))


def _criterion_weight(contestant: Contestant, criterion_max: Mapping[str, Decimal] | None
                      ) -> tuple[Decimal, ...] | None:
    """Higher subtotal in the heaviest criterion first, then the next heaviest, …"""
    assert criterion_max is not None   # rank() refuses criterion_weight without it
    codes = criterion_order(criterion_max)
    if any(contestant.criteria.get(code) is None for code in codes):
        return None
    return tuple(contestant.criteria[code] for code in codes)


def _completion_time(contestant: Contestant, criterion_max: Mapping[str, Decimal] | None
                     ) -> tuple[int] | None:
    """Shorter completion first."""
    seconds = contestant.completion_seconds
    return None if seconds is None else (-seconds,)


TIE_BREAKERS: dict[str, TieBreaker] = {
    CRITERION_WEIGHT: _criterion_weight,
    COMPLETION_TIME: _completion_time,
}


def check_tie_breakers(names: Sequence[str]) -> None:
    """Refuse names the registry does not know (the event file parser may call this too)."""
    if isinstance(names, str):
        raise TypeError(f"tie_breakers must be a sequence of names, not the string {names!r}")
    unknown = [name for name in names if name not in TIE_BREAKERS]
    if unknown:
        raise ValueError(f"unknown tie-breakers: {', '.join(unknown)}; known: {', '.join(TIE_BREAKERS)}")


def window_groups(contestants: Sequence[Contestant], tie_window: Decimal) -> list[list[Contestant]]:
    """Walking the totals downwards, a contestant joins the current group when within ``tie_window``
    of the group's highest total; else starts the next group. ``contestants`` are sorted already."""
    groups: list[list[Contestant]] = []
    for contestant in contestants:
        if groups and groups[-1][0].raw - contestant.raw <= tie_window:
            groups[-1].append(contestant)
        else:
            groups.append([contestant])
    return groups


def _break_tie(tied: list[Contestant], tie_breakers: Sequence[str],
               criterion_max: Mapping[str, Decimal] | None,
               skipped: dict[Hashable, list[str]]) -> list[list[Contestant]]:
    """Split one tie into places, best first, by the tie-breakers in order."""
    if len(tied) < 2 or not tie_breakers:
        return [tied]
    name, rest = tie_breakers[0], tie_breakers[1:]
    keys = [TIE_BREAKERS[name](c, criterion_max) for c in tied]
    if any(k is None for k in keys):
        for contestant in tied:
            skipped[contestant.key].append(name)
        return _break_tie(tied, rest, criterion_max, skipped)
    parts: dict[Any, list[Contestant]] = {}
    for contestant, key in zip(tied, keys, strict=False):
        parts.setdefault(key, []).append(contestant)
    places: list[list[Contestant]] = []
    for key in sorted(parts, reverse=True):
        places += _break_tie(parts[key], rest, criterion_max, skipped)
    return places


def rank(contestants: Sequence[Contestant], *, tie_breakers: Sequence[str] = (),
         tie_window: Decimal = Decimal(0), criterion_max: Mapping[str, Decimal] | None = None
         ) -> list[Ranked]:
    """Competition ranks of one skill's competed contestants, best first (results.md, "Ranking")."""
    check_tie_breakers(tie_breakers)
    if len(set(tie_breakers)) != len(tie_breakers):
        raise ValueError(f"a tie-breaker is named twice: {list(tie_breakers)}")
    if CRITERION_WEIGHT in tie_breakers and criterion_max is None:
        raise ValueError("the criterion_weight tie-breaker needs the criteria's mark totals (criterion_max)")
    if tie_window < 0:
        raise ValueError(f"tie_window cannot be negative: {tie_window}")
    keys = [c.key for c in contestants]
    if len(set(keys)) != len(keys):
        raise ValueError("contestant keys must be unique")
    ordered = sorted(contestants, key=lambda c: -c.raw)   # stable: input order among equal totals
    skipped: dict[Hashable, list[str]] = {c.key: [] for c in ordered}
    ranked: list[Ranked] = []
    for group in window_groups(ordered, tie_window):
        for place in _break_tie(group, tuple(tie_breakers), criterion_max, skipped):
            position = len(ranked) + 1
            ranked += [Ranked(c.key, position, tuple(skipped[c.key])) for c in place]
    return ranked

"""Medals and awards of one skill from its ranking (results.md, "Medals and awards").

Pure Python on ``Decimal``: the standings page, the exports, the certificates and the promotion
proposals all ask this module who won what, so an award is decided in one place only. The input
is the ranking itself (rank, raw total, scale) of the skill's *competed* contestants or teams, so
N is simply how many are given; places, not totals, decide (a shared place shares its award).

Where results.md is silent, these are the choices:

- **Best of unit** (``worldskills``, per skill): in each unit (or delegation) the contestant(s)
  with the best *rank*, shared when that rank is shared. Rank rather than raw because the rank
  already carries the tie-breakers and the ``tie_window``: with equal raw totals split by a
  tie-breaker the better-placed one is best, and within a tie window a shared place is shared.
  results.md sets no threshold, so a unit's best is named even without a medal. WorldSkills' own
  Best of Nation compares contestants across *all* skills by their scale; that event-wide view is
  :func:`best_of_unit_by_scale` (highest unrounded scale, shared on an exact tie, no scale → none).
- **全国技术能手 proposals** (``cn_standard``): "top N" means rank ≤ N, so a place shared at the
  cutoff is proposed whole (a shared 5th proposes both; the proposals need approval anyway), and
  a tie just above it can leave fewer than N (1, 2, 3, 4, 4 → rank 6 is not proposed). Teams of
  more than 3 are not covered by the national rules; they get top 1, which keeps the number of
  people proposed near the national 5–6. Proposals need no award: N may be too small for a
  top-5 contestant to have one. Other award schemes propose nobody.
- **Inline award tables**: ``top_percent`` is a number with at most 2 decimals, 0 < p ≤ 100 (what
  the event file accepts; ⌈p × N / 100⌉ is exact in ``Decimal``). ``min_raw`` applies to each
  contestant's own raw total, so a shared place (tie window) can be split by it. Medal points and
  best of unit are WorldSkills notions: a table gives neither.
- **Unit points**: every unit seen is listed, with 0 when it won nothing; prizes of an inline
  table and ``None`` count 0. A team is one contestant, so a team medal counts once.
- Lists of keys are in input order (the caller's order, e.g. by contestant number).
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

# Kept equal to ``app.events.event_file`` (a test checks it): ``scoring`` may not import the app.
AWARD_SCHEMES = frozenset({"worldskills", "cn_standard"})
AWARD_CODES = frozenset({"gold", "silver", "bronze", "excellence", "first_prize", "second_prize",
                         "third_prize"})
MEDALS = {1: "gold", 2: "silver", 3: "bronze"}
MEDALLION_SCALE = 700
UNIT_POINTS = {"gold": 4, "silver": 3, "bronze": 2, "excellence": 1}
# 全国技术能手: top 5 individuals, 2-person teams top 3, 3-person teams top 2; larger teams top 1.
TECHNICAL_EXPERT_TOP = {1: 5, 2: 3, 3: 2}
TECHNICAL_EXPERT_TOP_LARGER_TEAMS = 1
TABLE_KEYS = frozenset({"bands", "min_raw"})
BAND_KEYS = frozenset({"award", "top_percent"})


@dataclass(frozen=True)
class Placed:
    """One competed contestant (or team) of a skill as ranked: ``unit`` is the unit or delegation
    code that best of unit and medal points count for; ``scale`` is the unrounded scale."""

    key: Hashable
    rank: int
    raw: Decimal
    scale_shown: int | None = None
    scale: Decimal | None = None
    unit: str = ""


@dataclass(frozen=True)
class Band:
    award: str
    top_percent: Decimal


@dataclass(frozen=True)
class AwardTable:
    bands: tuple[Band, ...]
    min_raw: Decimal | None = None

    def cutoffs(self, n: int) -> list[int]:
        """Band k reaches down to rank Σ_{i≤k} ⌈pᵢ × N / 100⌉ (bands are successive)."""
        reach, found = 0, []
        for band in self.bands:
            reach += math.ceil(band.top_percent * n / 100)
            found.append(reach)
        return found


@dataclass(frozen=True)
class SkillAwards:
    """``award`` has every key given (``None``: no award); the extras are empty where the scheme
    has none."""

    award: dict[Hashable, str | None] = field(default_factory=dict)
    best_of_unit: dict[str, list[Hashable]] = field(default_factory=dict)
    technical_expert_proposals: list[Hashable] = field(default_factory=list)


# --- award tables ------------------------------------------------------------------------------

def _two_decimals(value: Any) -> Decimal | None:
    """A ``Decimal`` with at most 2 decimals from a string, int or Decimal; floats are refused
    (binary), and so are booleans (``True`` is an int)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        return None
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    _, digits, exponent = number.as_tuple()
    if isinstance(exponent, int) and exponent < -2 and any(digits[exponent + 2:]):
        return None
    return number


def validate_award_table(table: Any) -> list[str]:
    """Every problem that keeps an inline award table from being used; empty when it is sound."""
    if not isinstance(table, Mapping):
        return ["an award table must be an object with bands"]
    found = [f"unknown key {key!r}" for key in sorted(map(str, set(table) - TABLE_KEYS))]
    bands = table.get("bands")
    if not isinstance(bands, (list, tuple)) or not bands:
        found.append("bands: must list at least one band")
        bands = []
    total = Decimal(0)
    for i, band in enumerate(bands):
        where = f"bands[{i}]"
        if not isinstance(band, Mapping):
            found.append(f"{where}: must be an object with award and top_percent")
            continue
        found += [f"{where}: unknown key {key!r}" for key in sorted(map(str, set(band) - BAND_KEYS))]
        if band.get("award") not in AWARD_CODES:
            found.append(f"{where}.award: {band.get('award')!r} is not one of "
                         f"{', '.join(sorted(AWARD_CODES))}")
        percent = _two_decimals(band.get("top_percent"))
        if percent is None or not 0 < percent <= 100:
            found.append(f"{where}.top_percent: {band.get('top_percent')!r} is not a number "
                         "above 0 and at most 100 with at most 2 decimals")
        else:
            total += percent
    if total > 100:
        found.append(f"bands: top_percent values add up to {total}, more than 100")
    min_raw = table.get("min_raw")
    if min_raw is not None:
        number = _two_decimals(min_raw)
        if number is None or number < 0:
            found.append(f"min_raw: {min_raw!r} is not a number of marks with at most 2 decimals")
    return found


def parse_award_table(table: Mapping[str, Any]) -> AwardTable:
    """The table as values; a table with problems is refused with all of them."""
    problems = validate_award_table(table)
    if problems:
        raise ValueError("invalid award table: " + "; ".join(problems))
    min_raw = table.get("min_raw")
    return AwardTable(
        bands=tuple(Band(b["award"], _two_decimals(b["top_percent"]) or Decimal(0))
                    for b in table["bands"]),
        min_raw=None if min_raw is None else _two_decimals(min_raw))


# --- one skill ---------------------------------------------------------------------------------

def _check(placed: Sequence[Placed], team_size: int) -> None:
    keys = [p.key for p in placed]
    if len(set(keys)) != len(keys):
        raise ValueError("a contestant is placed twice")
    if any(isinstance(p.rank, bool) or not isinstance(p.rank, int) or p.rank < 1 for p in placed):
        raise ValueError("ranks are whole numbers from 1")
    if isinstance(team_size, bool) or not isinstance(team_size, int) or team_size < 1:
        raise ValueError("team_size is a whole number from 1")


def medal(rank: int) -> str | None:
    """Places decide: 1, 1, 3 is gold, gold, bronze; 1, 2, 2, 4 is gold, silver, silver, none."""
    return MEDALS.get(rank)


def best_of_unit(placed: Iterable[Placed]) -> dict[str, list[Hashable]]:
    """Per unit the contestant(s) with its best rank, shared on an equal rank."""
    best: dict[str, tuple[int, list[Hashable]]] = {}
    for p in placed:
        rank, keys = best.get(p.unit, (p.rank, []))
        if p.rank < rank:
            best[p.unit] = (p.rank, [p.key])
        elif p.rank == rank:
            best[p.unit] = (rank, [*keys, p.key])
    return {unit: keys for unit, (_, keys) in best.items()}


def technical_expert_top(team_size: int) -> int:
    """How many of a skill's best places may be proposed as 全国技术能手; fewer the larger the team."""
    return TECHNICAL_EXPERT_TOP.get(team_size, TECHNICAL_EXPERT_TOP_LARGER_TEAMS)


def _worldskills(placed: Sequence[Placed]) -> SkillAwards:
    award: dict[Hashable, str | None] = {}
    for p in placed:
        won = medal(p.rank)
        if won is None and p.scale_shown is not None and p.scale_shown >= MEDALLION_SCALE:
            won = "excellence"
        award[p.key] = won
    return SkillAwards(award=award, best_of_unit=best_of_unit(placed))


def _cn_standard(placed: Sequence[Placed], team_size: int) -> SkillAwards:
    half = math.ceil(len(placed) / 2)
    award = {p.key: medal(p.rank) or ("excellence" if p.rank <= half else None) for p in placed}
    top = technical_expert_top(team_size)
    return SkillAwards(award=award,
                       technical_expert_proposals=[p.key for p in placed if p.rank <= top])


def _table(placed: Sequence[Placed], table: AwardTable) -> SkillAwards:
    cutoffs = table.cutoffs(len(placed))
    award: dict[Hashable, str | None] = {}
    for p in placed:
        won = next((band.award for band, cutoff in zip(table.bands, cutoffs, strict=False) if p.rank <= cutoff), None)
        if table.min_raw is not None and p.raw < table.min_raw:
            won = None
        award[p.key] = won
    return SkillAwards(award=award)


def award_skill(placed: Sequence[Placed], awards: str | AwardTable | Mapping[str, Any],
                team_size: int = 1) -> SkillAwards:
    """The awards of one skill: ``awards`` is the event's ``awards`` value (``"worldskills"``,
    ``"cn_standard"`` or an inline table, parsed or not); ``placed`` its competed contestants (teams)
    as ranked."""
    _check(placed, team_size)
    if isinstance(awards, AwardTable):
        return _table(placed, awards)
    if isinstance(awards, str):
        if awards == "worldskills":
            return _worldskills(placed)
        if awards == "cn_standard":
            return _cn_standard(placed, team_size)
        raise ValueError(f"{awards!r} is not worldskills, cn_standard or an award table")
    return _table(placed, parse_award_table(awards))


# --- the whole event ---------------------------------------------------------------------------

def unit_points(awards_of_event: Iterable[tuple[str, str | None]]) -> dict[str, int]:
    """WorldSkills medal points per unit: gold 4, silver 3, bronze 2, Medallion 1."""
    points: dict[str, int] = {}
    for unit, award in awards_of_event:
        if award is not None and award not in AWARD_CODES:
            raise ValueError(f"{award!r} is not an award code")
        points[unit] = points.get(unit, 0) + UNIT_POINTS.get(award or "", 0)
    return points


def _highest(scales: Iterable[tuple[Hashable, Decimal | None]]) -> list[Hashable]:
    best: Decimal | None = None
    keys: list[Hashable] = []
    for key, scale in scales:
        if scale is None:
            continue
        if best is None or scale > best:
            best, keys = scale, [key]
        elif scale == best:
            keys.append(key)
    return keys


def albert_vidal(scales: Mapping[Hashable, Decimal | None]) -> list[Hashable]:
    """The highest *unrounded* scale of the whole event, shared only on an exact tie; nobody when
    no skill was standardized."""
    return _highest(scales.items())


def best_of_unit_by_scale(entries: Iterable[tuple[Hashable, str, Decimal | None]]
                          ) -> dict[str, list[Hashable]]:
    """WorldSkills' event-wide Best of Nation: per unit the contestant(s) with the highest
    unrounded scale across all skills, shared on an exact tie; a unit with no scale has none."""
    by_unit: dict[str, list[tuple[Hashable, Decimal | None]]] = {}
    for key, unit, scale in entries:
        by_unit.setdefault(unit, []).append((key, scale))
    found = {unit: _highest(scales) for unit, scales in by_unit.items()}
    return {unit: keys for unit, keys in found.items() if keys}

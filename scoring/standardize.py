"""A contestant's total and the WorldSkills scale of a skill's totals (results.md).

Pure Python on ``Decimal``. Choices where results.md is silent:

- A negative penalty would be a bonus, so it is refused (``ValueError``), not added.
- :func:`weighted_total` refuses a missing or unknown component, a score outside 0..100 and
  weights that do not sum to 100: the caller decides what an unentered component means.
- The scale is computed in an explicit 28-digit context (results.md: Python's default), so a
  caller that changed the thread's context cannot change a contestant's scale. Sums run over the
  sorted values, so the result does not depend on the order the contestants come in.
- The population standard deviation (the fallback when MAD is 0) is taken around the mean, as
  the name says, not around the median.
- The shown scale is rounded half up (away from zero) to a whole number; a scale below 0 is kept
  as computed (only a wildly spread skill could reach it).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from fractions import Fraction

from scoring.marks import round_mark

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

# The scale's parameters: results.md's choices, passed as keyword arguments to :func:`scale` when an
# event configures other ones (e.g. the old WorldSkills centre of 500).
CENTRE = Decimal(700)              # where the skill's median raw total sits
STEP = Decimal(30)                 # scale points per robust standard deviation
MAD_FACTOR = Decimal("1.4826")     # MAD × this estimates the standard deviation of a normal spread
MIN_CONTESTANTS = 3                # fewer competed contestants: not standardized

# Python's default context, spelled out so a changed thread context cannot leak in.
SCALE_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN, Emin=-999999, Emax=999999,
                        traps=[InvalidOperation, DivisionByZero, Overflow])


# --- the total --------------------------------------------------------------------------------------

def total_with_penalties(raw_marks_total: Decimal, penalties: Iterable[Decimal]) -> Decimal:
    """The raw total: marks minus penalties, never below 0 (a penalty cannot make a debt)."""
    penalties = list(penalties)
    negative = [p for p in penalties if p < 0]
    if negative:
        raise ValueError(f"penalties are deductions and cannot be negative: {negative}")
    return max(ZERO, raw_marks_total - sum(penalties, ZERO))


def weighted_total(components: Mapping[str, Decimal], weights: Mapping[str, int | Decimal]) -> Decimal:
    """Σ weight × score / 100 over components scored out of 100, half up to 2 decimals on the exact
    value (results.md, "The total").

    A missing component raises ``ValueError`` naming it rather than counting 0: whether an unentered
    theory score is a 0 or a reason to wait is the caller's decision, not arithmetic's.
    """
    missing = sorted(set(weights) - set(components))
    if missing:
        raise ValueError(f"component scores missing: {', '.join(missing)}")
    unknown = sorted(set(components) - set(weights))
    if unknown:
        raise ValueError(f"components without a weight: {', '.join(unknown)}")
    if any(w < 0 for w in weights.values()) or sum(weights.values(), Decimal(0)) != HUNDRED:
        raise ValueError(f"component weights must be ≥ 0 and sum to 100: {dict(weights)}")
    outside = sorted(name for name, score in components.items() if not 0 <= score <= HUNDRED)
    if outside:
        raise ValueError(f"component scores must be between 0 and 100: {', '.join(outside)}")
    exact = sum((Fraction(weights[name]) * Fraction(components[name]) for name in weights), Fraction(0))
    return round_mark(exact / 100)


# --- the WorldSkills scale --------------------------------------------------------------------------

def median(values: Iterable[Decimal]) -> Decimal:
    """The middle value; with an even count the mean of the two middle values (results.md)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("the median of no values is undefined")
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    with localcontext(SCALE_CONTEXT):
        return (ordered[middle - 1] + ordered[middle]) / 2


def population_stdev(values: Iterable[Decimal]) -> Decimal:
    """√(Σ(x − mean)² / n), in the 28-digit context; summed in sorted order."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("the standard deviation of no values is undefined")
    with localcontext(SCALE_CONTEXT):
        mean = sum(ordered, Decimal(0)) / len(ordered)
        squares = sorted((x - mean) ** 2 for x in ordered)
        return (sum(squares, Decimal(0)) / len(ordered)).sqrt()


@dataclass(frozen=True)
class Spread:
    """How a skill's totals are spread: ``s`` is the divisor of the scale, ``None`` when every
    total is equal (everyone gets the centre). ``basis`` says where ``s`` came from: ``"mad"``,
    ``"stdev"`` (MAD was 0) or ``"none"``."""

    median: Decimal
    mad: Decimal
    s: Decimal | None
    basis: str


def spread(raws: Sequence[Decimal], mad_factor: Decimal = MAD_FACTOR) -> Spread:
    """Median, MAD and the scale's ``s`` = 1.4826 × MAD, or the population standard deviation when
    MAD is 0 (more than half the skill on one total), or nothing when that is 0 too."""
    centre = median(raws)
    mad = median([abs(raw - centre) for raw in raws])
    with localcontext(SCALE_CONTEXT):
        if mad:
            return Spread(centre, mad, mad_factor * mad, "mad")
        stdev = population_stdev(raws)
        if stdev:
            return Spread(centre, mad, stdev, "stdev")
    return Spread(centre, mad, None, "none")


@dataclass(frozen=True)
class Scaled:
    """One contestant's scale: ``unrounded`` is kept (the Albert Vidal Award compares it), ``shown``
    is the whole number people see."""

    unrounded: Decimal
    shown: int


def scale(raws: Sequence[Decimal], min_count: int = MIN_CONTESTANTS, *, centre: Decimal = CENTRE,
          step: Decimal = STEP, mad_factor: Decimal = MAD_FACTOR) -> list[Scaled | None]:
    """The scale of each raw total, in the order given: centre + step × (raw − median) / s.

    ``raws`` are the competed contestants' totals of one skill (results.md, "Who counts"). With
    fewer than ``min_count`` of them every entry is ``None``: the skill is not standardized.
    """
    if len(raws) < max(min_count, 1):
        return [None] * len(raws)
    shape = spread(raws, mad_factor)
    scaled: list[Scaled | None] = []
    with localcontext(SCALE_CONTEXT):
        for raw in raws:
            value = centre if shape.s is None else centre + step * (raw - shape.median) / shape.s
            scaled.append(Scaled(value, int(value.quantize(Decimal(1), ROUND_HALF_UP))))
    return scaled

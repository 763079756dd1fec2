"""WorldSkills-style marking schemes and the arithmetic of marks (marking.md).

Pure Python on ``Decimal``: the web app, the paper path and the tablets all call these functions,
so a mark is computed the same way whichever door it came in by.

Problems are returned, not raised, as :class:`Finding` values (``where`` + an English template and
its parameters), so a scheme that fails lists *every* problem and the web can translate each one.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise
from typing import Any

CENT = Decimal("0.01")
FULL_MARKS = Decimal("100.00")
JUDGEMENT_SCORES = (0, 1, 2, 3)
MEASUREMENT, JUDGEMENT = "M", "J"
CALCULATIONS = ("full_or_zero", "bands", "deduction")


@dataclass(frozen=True)
class Finding:
    """One problem: where it is (``criteria[0].sub_criteria[1].aspects[2].max``) and what it is."""

    where: str
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.template % self.params if self.params else self.template

    def __str__(self) -> str:
        return f"{self.where}: {self.text}" if self.where else self.text


def problem(where: str, template: str, **params: Any) -> Finding:
    """Babel extracts the second argument, so these templates are translated on the web."""
    return Finding(where, template, params)


@dataclass(frozen=True)
class Standard:
    """A section of the Standards Specification (WSSS/WSOS) with its weight in percent."""

    section: str
    name: str
    weight: Decimal


@dataclass(frozen=True)
class Band:
    """A measurement tolerance band: a deviation up to ``limit`` earns ``mark``."""

    limit: Decimal
    mark: Decimal


@dataclass(frozen=True)
class Aspect:
    id: str
    type: str
    description: str
    max: Decimal
    section: str
    calculation: str = "full_or_zero"
    bands: tuple[Band, ...] = ()
    deduct: Decimal | None = None
    descriptors: tuple[str, ...] = ()
    requirement: str = ""
    extra: str = ""

    @property
    def is_judgement(self) -> bool:
        return self.type == JUDGEMENT


@dataclass(frozen=True)
class SubCriterion:
    id: str
    name: str
    day: int | None
    aspects: tuple[Aspect, ...]


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    sub_criteria: tuple[SubCriterion, ...]
    total: Decimal | None = None

    def aspects(self) -> Iterator[Aspect]:
        for sub in self.sub_criteria:
            yield from sub.aspects

    @property
    def max_total(self) -> Decimal:
        return sum((a.max for a in self.aspects()), Decimal("0.00"))


@dataclass(frozen=True)
class Scheme:
    standards: tuple[Standard, ...]
    criteria: tuple[Criterion, ...]

    def aspects(self) -> Iterator[Aspect]:
        for criterion in self.criteria:
            yield from criterion.aspects()

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_total for c in self.criteria), Decimal("0.00"))

    def section_marks(self) -> dict[str, Decimal]:
        """Marks per standards section, in the order the standards list them."""
        marks = {s.section: Decimal("0.00") for s in self.standards}
        for aspect in self.aspects():
            if aspect.section in marks:
                marks[aspect.section] += aspect.max
        return marks


def has_two_decimals(value: Decimal) -> bool:
    """Read off the digits: ``quantize`` traps on a value too long for the context (1E+30, a mangled
    tablet mark), and a check that raises would turn a refusal into a server error."""
    if not value.is_finite():
        return False
    _, digits, exponent = value.as_tuple()
    return exponent >= -2 or not any(digits[exponent + 2:])


def _duplicates(ids: Iterable[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


def validate_scheme(scheme: Scheme, section_tolerance: Decimal = Decimal("5.00")) -> list[Finding]:
    """Every problem that keeps a scheme from being used; an empty list means it is sound."""
    found: list[Finding] = []
    found += _check_standards(scheme.standards)
    sections = {s.section for s in scheme.standards}
    if not scheme.criteria:
        found.append(problem("criteria", "a scheme needs at least one criterion"))
    for code in sorted(_duplicates(c.code for c in scheme.criteria)):
        found.append(problem("criteria", "criterion %(code)s appears more than once", code=code))
    for code in sorted(_duplicates(s.id for c in scheme.criteria for s in c.sub_criteria)):
        found.append(problem("criteria", "sub-criterion %(id)s appears more than once", id=code))
    for code in sorted(_duplicates(a.id for a in scheme.aspects())):
        found.append(problem("criteria", "aspect %(id)s appears more than once", id=code))
    for ci, criterion in enumerate(scheme.criteria):
        found += _check_criterion(criterion, f"criteria[{ci}]", sections)
    total = scheme.max_total
    if scheme.criteria and total != FULL_MARKS:
        found.append(problem("criteria", "the aspects' max marks sum to %(total)s, not 100.00", total=total))
    for standard in scheme.standards:
        marks = scheme.section_marks()[standard.section]
        if abs(marks - standard.weight) > section_tolerance:
            found.append(problem(
                "standards", "section %(section)s has %(marks)s marks for a weight of %(weight)s "
                "(allowed variation %(tolerance)s)", section=standard.section, marks=marks,
                weight=standard.weight, tolerance=section_tolerance))
    return found


def _check_standards(standards: Sequence[Standard]) -> list[Finding]:
    found = []
    if not standards:
        found.append(problem("standards", "a scheme needs its standards sections with weights"))
        return found
    for section in sorted(_duplicates(s.section for s in standards)):
        found.append(problem("standards", "section %(section)s appears more than once", section=section))
    for i, standard in enumerate(standards):
        if standard.weight < 0 or not has_two_decimals(standard.weight):
            found.append(problem(f"standards[{i}].weight", "must be a number ≥ 0 with at most 2 decimals"))
    weights = sum((s.weight for s in standards), Decimal(0))
    if weights != 100:
        found.append(problem("standards", "section weights sum to %(total)s, not 100", total=weights))
    return found


def _check_criterion(criterion: Criterion, path: str, sections: set[str]) -> list[Finding]:
    found = []
    if not criterion.sub_criteria:
        found.append(problem(f"{path}.sub_criteria", "criterion %(code)s has no sub-criteria", code=criterion.code))
    for si, sub in enumerate(criterion.sub_criteria):
        sub_path = f"{path}.sub_criteria[{si}]"
        if not sub.aspects:
            found.append(problem(f"{sub_path}.aspects", "sub-criterion %(id)s has no aspects", id=sub.id))
        for ai, aspect in enumerate(sub.aspects):
            found += _check_aspect(aspect, f"{sub_path}.aspects[{ai}]", sections)
    if criterion.total is not None and criterion.total != criterion.max_total:
        found.append(problem(f"{path}.total", "criterion %(code)s states %(stated)s but its aspects sum to %(sum)s",
                             code=criterion.code, stated=criterion.total, sum=criterion.max_total))
    return found


def _check_aspect(aspect: Aspect, path: str, sections: set[str]) -> list[Finding]:
    found = []
    if not aspect.id:
        found.append(problem(f"{path}.id", "is required"))
    if aspect.max <= 0 or not has_two_decimals(aspect.max):
        found.append(problem(f"{path}.max", "%(id)s: max mark must be above 0 with at most 2 decimals", id=aspect.id))
    if aspect.section not in sections:
        found.append(problem(f"{path}.section", "%(id)s: section %(section)s is not in the standards",
                             id=aspect.id, section=aspect.section))
    if aspect.type == JUDGEMENT:
        if len(aspect.descriptors) != 4 or not all(d.strip() for d in aspect.descriptors):
            found.append(problem(f"{path}.descriptors",
                                 "%(id)s: a judgement aspect needs four descriptors, for scores 0, 1, 2 and 3",
                                 id=aspect.id))
    elif aspect.type == MEASUREMENT:
        found += _check_calculation(aspect, path)
    else:
        found.append(problem(f"{path}.type", "%(id)s: type must be M or J", id=aspect.id))
    return found


def _check_calculation(aspect: Aspect, path: str) -> list[Finding]:
    if aspect.calculation == "bands":
        return _check_bands(aspect, path)
    if aspect.calculation == "deduction":
        deduct = aspect.deduct
        if deduct is None or deduct <= 0 or not has_two_decimals(deduct) or deduct > aspect.max:
            return [problem(f"{path}.deduct", "%(id)s: a deduction must be above 0, at most the max mark, "
                                              "with at most 2 decimals", id=aspect.id)]
        return []
    if aspect.calculation != "full_or_zero":
        return [problem(f"{path}.calculation", "%(id)s: calculation must be full_or_zero, bands or deduction",
                        id=aspect.id)]
    return []


def _check_bands(aspect: Aspect, path: str) -> list[Finding]:
    bands = aspect.bands
    if not bands:
        return [problem(f"{path}.bands", "%(id)s: bands are required for the bands calculation", id=aspect.id)]
    limits_ascend = all(a.limit < b.limit for a, b in pairwise(bands))
    marks_fall = all(a.mark >= b.mark for a, b in pairwise(bands))
    marks_fit = all(0 <= b.mark <= aspect.max and has_two_decimals(b.mark) for b in bands)
    if limits_ascend and marks_fall and marks_fit and bands[0].limit >= 0:
        return []
    return [problem(f"{path}.bands", "%(id)s: band limits must ascend from 0, marks must not increase and stay "
                                     "between 0 and the max mark", id=aspect.id)]


def round_mark(value: Fraction | Decimal) -> Decimal:
    """Half up to 2 decimals on the exact value (marking.md), never via a binary float."""
    hundredths = Fraction(value) * 100
    cents = math.floor(abs(hundredths) + Fraction(1, 2))
    return Decimal(cents if hundredths >= 0 else -cents).scaleb(-2)


def allowed_measurement_marks(aspect: Aspect) -> list[Decimal] | None:
    """The marks a measurement aspect can award, ascending; ``None`` when any 2-decimal mark in range fits."""
    if aspect.calculation == "bands":
        return sorted({Decimal("0.00"), *(b.mark.quantize(CENT) for b in aspect.bands)})
    if aspect.calculation == "deduction":
        assert aspect.deduct is not None
        steps = int(aspect.max // aspect.deduct)
        return sorted({Decimal("0.00"), *((aspect.max - k * aspect.deduct).quantize(CENT) for k in range(steps + 1))})
    return [Decimal("0.00"), aspect.max.quantize(CENT)]


def measurement_refusal(aspect: Aspect, mark: Decimal) -> Finding | None:
    """Why ``mark`` is not a mark this measurement aspect can award, or ``None`` when it is."""
    if not has_two_decimals(mark) or not 0 <= mark <= aspect.max:
        return problem("", "%(id)s: %(value)s is not between 0 and %(max)s with at most 2 decimals",
                       id=aspect.id, value=mark, max=aspect.max)
    allowed = allowed_measurement_marks(aspect)
    if allowed is not None and mark not in allowed:
        return problem("", "%(id)s: %(value)s is not allowed; allowed marks are %(allowed)s",
                       id=aspect.id, value=mark, allowed=", ".join(str(a) for a in allowed))
    return None


def band_mark(aspect: Aspect, deviation: Decimal) -> Decimal:
    """The mark of a measured deviation under a ``bands`` calculation (the first band that holds it)."""
    for band in aspect.bands:
        if abs(deviation) <= band.limit:
            return band.mark
    return Decimal("0.00")


def deduction_mark(aspect: Aspect, defects: int) -> Decimal:
    """Max minus a fixed amount per defect, never below 0."""
    assert aspect.deduct is not None and defects >= 0
    return max(Decimal("0.00"), aspect.max - defects * aspect.deduct)


def spread_breached(scores: Sequence[int], spread_limit: int = 1) -> bool:
    """True when the judges' scores differ by more than the rule allows (max − min > limit)."""
    return bool(scores) and max(scores) - min(scores) > spread_limit


def judgement_mark(maximum: Decimal, scores: Sequence[int]) -> Decimal:
    """max × Σscores / (3 × n), rounded half up on the exact fraction: 2.00 with 2, 2, 3 → 1.56."""
    if not scores:
        raise ValueError("a judgement mark needs at least one score")
    if any(s not in JUDGEMENT_SCORES for s in scores):
        raise ValueError(f"judgement scores must be 0-3: {list(scores)}")
    return _judgement_mark(maximum, sum(scores), len(scores))


@lru_cache(maxsize=4096)
def _judgement_mark(maximum: Decimal, score_sum: int, judges: int) -> Decimal:
    """The mark depends on the sum and count of scores only, so a rebuild of thousands of sets
    computes each distinct one once (the exact-fraction rounding was a quarter of a rebuild)."""
    return round_mark(Fraction(maximum) * score_sum / (3 * judges))


def subtotal(marks: Iterable[Decimal]) -> Decimal:
    """Totals are sums of rounded aspect marks (marking.md)."""
    return sum(marks, Decimal("0.00")).quantize(CENT)


@dataclass(frozen=True)
class Totals:
    raw: Decimal
    criteria: dict[str, Decimal]
    sub_criteria: dict[str, Decimal]


def totals(scheme: Scheme, aspect_marks: dict[str, Decimal]) -> Totals:
    """Sub-criterion, criterion and raw totals from one contestant's aspect marks (missing count as 0)."""
    by_sub = {sub.id: subtotal(aspect_marks.get(a.id, Decimal(0)) for a in sub.aspects)
              for c in scheme.criteria for sub in c.sub_criteria}
    by_criterion = {c.code: subtotal(by_sub[s.id] for s in c.sub_criteria) for c in scheme.criteria}
    return Totals(subtotal(by_criterion.values()), by_criterion, by_sub)

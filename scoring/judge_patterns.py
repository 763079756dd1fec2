"""Judge patterns: per judge, how they score and how often they stand apart from their team.

The chief expert watches judgement marking for judges who are consistently lenient or strict, or who
keep breaking the judgement marking rule (marking.md: the scores for one aspect and contestant may
differ by at most the event's spread limit, 1 by default). This module turns the stored scores into
the few numbers that show it; it takes plain values and knows nothing of the database.

Terms:

- A **set** is the judges' scores for one aspect and one contestant: a mapping judge → score 0..3.
  Any hashable stands for a judge (the app passes user ids).
- The **others' mean** of judge *j* in a set is the exact mean of the *other* judges' scores there.
- *j*'s **deviation** in a set is ``score_j − others' mean``: positive when *j* scored above the rest
  of the team (lenient), negative when below (strict).
- *j* **differs from the team by more than the rule** in a set when the set has at least 2 judges
  and ``|deviation| > spread limit``. In a 1, 1, 3 set with limit 1 only the judge scoring 3
  differs: |3 − 1| = 2 > 1; each judge scoring 1 has |1 − (1 + 3)/2| = 1, not more. With two judges
  both differ or neither, exactly as the spread rule flags the set.
- A set with a single judge (a chief-confirmed incomplete set) counts for that judge's number of
  scores and mean score, not for the comparison statistics: there is no team to differ from.

Why the others' mean: against the whole set's mean the judge's own score pulls the reference
towards itself (by a third in a team of 3) and hides the outlier; the spread rule itself (max − min)
flags every judge of a breached set alike and does not say who stands apart. Two consequences the
tests check: a judge within the limit of every other judge of a set never differs in it (the
others' mean lies between their lowest and highest score); and with limit 0 or 1 every set that
breaks the spread rule has at least one judge who differs (the judge farthest from the set's mean μ
is at least (max − min)/2 from it, and a deviation is n/(n − 1) × (score − μ)).

Numbers are exact (``Fraction``) until the end; means and deviations are rounded half up to 2
decimals (:func:`scoring.marks.round_mark`), shares to 1 decimal of a percent.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Generic, TypeVar

from scoring.marks import JUDGEMENT_SCORES, round_mark, spread_breached

J = TypeVar("J", bound=Hashable)


@dataclass(frozen=True)
class JudgePattern:
    """One judge's figures.

    ``compared`` counts the judge's sets with at least 2 judges; ``differs`` those of them where the
    judge differs from the team by more than the rule. ``share`` is ``differs / compared`` in percent
    (1 decimal) and ``deviation`` the mean deviation over the compared sets (2 decimals); both are
    ``None`` when the judge was never compared.
    """

    scores: int
    mean: Decimal
    compared: int
    differs: int
    share: Decimal | None
    deviation: Decimal | None


@dataclass(frozen=True)
class PanelPattern(Generic[J]):
    """Every judge's figures (in the judges' sorted order when they sort, else first-seen order)
    and the panel's: non-empty sets, sets with at least 2 judges, sets breaking the spread rule, and
    the mean of all scores (``None`` without any)."""

    judges: dict[J, JudgePattern]
    sets: int
    compared: int
    breached: int
    mean: Decimal | None
    spread_limit: int


def deviations(scores: Mapping[J, int]) -> dict[J, Fraction]:
    """Each judge's score minus the exact mean of the other judges' scores; empty for fewer than
    2 judges. The deviations of one set always sum to 0."""
    if len(scores) < 2:
        return {}
    total, others = sum(scores.values()), len(scores) - 1
    return {judge: score - Fraction(total - score, others) for judge, score in scores.items()}


def percent(part: int, whole: int) -> Decimal:
    """``part / whole`` in percent, half up to 1 decimal, exactly."""
    tenths = Fraction(part * 1000, whole)
    return Decimal(math.floor(tenths + Fraction(1, 2))).scaleb(-1)


def _check(scores: Mapping[J, int]) -> None:
    for judge, score in scores.items():
        if isinstance(score, bool) or score not in JUDGEMENT_SCORES:
            raise ValueError(f"judgement scores must be 0-3: {judge!r} scored {score!r}")


def _ordered(judges: list[J]) -> list[J]:
    try:
        return sorted(judges)  # type: ignore[type-var]
    except TypeError:          # judges of mixed kinds: keep the order they were first seen in
        return judges


def judge_patterns(sets: Iterable[Mapping[J, int]], spread_limit: int = 1) -> PanelPattern[J]:
    """Per judge: scores, mean score, sets compared and differing, share and mean deviation.

    ``sets`` are the judgement sets (judge → score 0..3), in any order; empty sets are ignored.
    Raises ``ValueError`` for a score outside 0..3 or a negative spread limit.
    """
    if spread_limit < 0:
        raise ValueError(f"the spread limit must be 0 or more: {spread_limit}")
    given: dict[J, list[int]] = {}
    compared: dict[J, list[Fraction]] = {}
    count = with_team = breached = 0
    for scores in sets:
        _check(scores)
        if not scores:
            continue
        count += 1
        for judge, score in scores.items():
            given.setdefault(judge, []).append(score)
        apart = deviations(scores)
        if apart:
            with_team += 1
            breached += spread_breached(list(scores.values()), spread_limit)
        for judge, deviation in apart.items():
            compared.setdefault(judge, []).append(deviation)
    judges = {}
    for judge in _ordered(list(given)):
        own, seen = given[judge], compared.get(judge, [])
        differs = sum(1 for d in seen if abs(d) > spread_limit)
        judges[judge] = JudgePattern(
            scores=len(own), mean=round_mark(Fraction(sum(own), len(own))), compared=len(seen), differs=differs,
            share=percent(differs, len(seen)) if seen else None,
            deviation=round_mark(sum(seen, Fraction(0)) / len(seen)) if seen else None)
    every = [score for own in given.values() for score in own]
    mean = round_mark(Fraction(sum(every), len(every))) if every else None
    return PanelPattern(judges, count, with_team, breached, mean, spread_limit)

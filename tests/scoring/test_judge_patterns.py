"""Judge patterns against hand-worked tables: a team of 3, a team of 4 (a conflict replacement
without a reserve), sets with a single judge, other spread limits, empty input and refusals.

Each table's figures are worked out by hand in the comments (deviation = score − the others' mean),
so a change in the definition shows up as a failing row that names the set.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from scoring.judge_patterns import JudgePattern, PanelPattern, deviations, judge_patterns, percent

D = Decimal

# A team of 3 (a, b, c), limit 1.
TEAM_OF_3 = [
    {"a": 1, "b": 1, "c": 3},   # a −1, b −1, c +2 → c differs; the set breaks the rule
    {"a": 2, "b": 2, "c": 2},   # all 0
    {"a": 0, "b": 2, "c": 3},   # a 0 − 5/2 = −5/2 and c 3 − 1 = +2 differ; b +1/2; breaks the rule
    {"a": 2, "b": 3},           # two judges: a −1, b +1, neither more than 1
    {"c": 3},                   # one judge: counts for c's mean only
]


def test_a_team_of_three():
    found = judge_patterns(TEAM_OF_3)
    assert found.judges == {
        # scores 1, 2, 0, 2 → 5/4; deviations −1, 0, −5/2, −1 → −9/8 = −1.125 → −1.13 (half away from 0)
        "a": JudgePattern(scores=4, mean=D("1.25"), compared=4, differs=1, share=D("25.0"), deviation=D("-1.13")),
        # scores 1, 2, 2, 3 → 2; deviations −1, 0, 1/2, 1 → 1/8 = 0.125 → 0.13
        "b": JudgePattern(scores=4, mean=D("2.00"), compared=4, differs=0, share=D("0.0"), deviation=D("0.13")),
        # scores 3, 2, 3, 3 → 11/4; the single-judge set is not compared: deviations 2, 0, 2 → 4/3
        "c": JudgePattern(scores=4, mean=D("2.75"), compared=3, differs=2, share=D("66.7"), deviation=D("1.33")),
    }
    # 12 scores summing to 24 → 2.00; sets 1 and 3 break the rule
    assert (found.sets, found.compared, found.breached, found.mean) == (5, 4, 2, D("2.00"))
    assert list(found.judges) == ["a", "b", "c"]


# A team of 4 (w, x, y, z), limit 1.
TEAM_OF_4 = [
    {"w": 0, "x": 1, "y": 1, "z": 2},   # w 0 − 4/3 = −4/3 and z 2 − 2/3 = +4/3 differ; x, y 0
    {"w": 3, "x": 3, "y": 2, "z": 3},   # w, x, z +1/3; y 2 − 3 = −1, not more than 1
    {"w": 1, "x": 1, "y": 1, "z": 3},   # w, x, y −2/3; z 3 − 1 = +2 differs
]


def test_a_team_of_four():
    found = judge_patterns(TEAM_OF_4)
    assert found.judges == {
        # 0, 3, 1 → 4/3; (−4/3 + 1/3 − 2/3) / 3 = −5/9 = −0.555…
        "w": JudgePattern(scores=3, mean=D("1.33"), compared=3, differs=1, share=D("33.3"), deviation=D("-0.56")),
        # 1, 3, 1 → 5/3; (0 + 1/3 − 2/3) / 3 = −1/9
        "x": JudgePattern(scores=3, mean=D("1.67"), compared=3, differs=0, share=D("0.0"), deviation=D("-0.11")),
        # 1, 2, 1 → 4/3; (0 − 1 − 2/3) / 3 = −5/9
        "y": JudgePattern(scores=3, mean=D("1.33"), compared=3, differs=0, share=D("0.0"), deviation=D("-0.56")),
        # 2, 3, 3 → 8/3; (4/3 + 1/3 + 2) / 3 = 11/9 = 1.222…
        "z": JudgePattern(scores=3, mean=D("2.67"), compared=3, differs=2, share=D("66.7"), deviation=D("1.22")),
    }
    # 12 scores summing to 21 → 1.75; the second set keeps to the rule (3 − 2 = 1)
    assert (found.sets, found.compared, found.breached, found.mean) == (3, 3, 2, D("1.75"))


def test_the_recommended_example_counts_only_the_judge_apart():
    """marking.md's rule on 1, 1, 3: |3 − 1| = 2 > 1 for the 3; |1 − 2| = 1, not more, for each 1."""
    found = judge_patterns([{"a": 1, "b": 1, "c": 3}])
    assert {j: p.differs for j, p in found.judges.items()} == {"a": 0, "b": 0, "c": 1}
    assert deviations({"a": 1, "b": 1, "c": 3}) == {"a": -1, "b": -1, "c": 2}


@pytest.mark.parametrize(("limit", "differs", "breached"), [
    (0, {"a": 3, "b": 3, "c": 2}, 3),   # 0: everyone in every set with any difference
    (1, {"a": 1, "b": 0, "c": 2}, 2),
    (2, {"a": 1, "b": 0, "c": 0}, 1),   # 2: only a's 0 against 2, 3 (|−5/2| > 2), in the one breach
    (3, {"a": 0, "b": 0, "c": 0}, 0),
])
def test_the_events_spread_limit(limit, differs, breached):
    found = judge_patterns(TEAM_OF_3, spread_limit=limit)
    assert {j: p.differs for j, p in found.judges.items()} == differs
    assert found.breached == breached and found.spread_limit == limit


def test_sets_with_a_single_judge_count_for_the_mean_only():
    found = judge_patterns([{"solo": 3}, {"solo": 1}, {"solo": 2}, {"solo": 2}, {"other": 0}])
    assert found.judges["solo"] == JudgePattern(scores=4, mean=D("2.00"), compared=0, differs=0, share=None,
                                                deviation=None)
    assert (found.sets, found.compared, found.breached, found.mean) == (5, 0, 0, D("1.60"))


def test_a_mean_on_a_half_rounds_up():
    """13/8 = 1.625 → 1.63, exactly (a binary float would give 1.62 for some halves)."""
    sets = [{"j": s, "k": s} for s in (1, 1, 1, 2, 2, 2, 2, 2)]
    assert judge_patterns(sets).judges["j"].mean == D("1.63")


def test_empty_input():
    assert judge_patterns([]) == PanelPattern({}, 0, 0, 0, None, 1)
    assert judge_patterns([{}, {}]) == PanelPattern({}, 0, 0, 0, None, 1)


def test_judges_of_any_hashable_kind():
    """The app passes user ids; mixed kinds that do not sort keep their first-seen order."""
    assert list(judge_patterns([{3: 1, 1: 2, 2: 2}]).judges) == [1, 2, 3]
    assert list(judge_patterns([{"b": 1, 7: 2}]).judges) == ["b", 7]


@pytest.mark.parametrize("score", [4, -1, 1.5, True, None, "2"])
def test_a_score_outside_0_to_3_is_refused(score):
    with pytest.raises(ValueError, match="0-3"):
        judge_patterns([{"a": 1, "b": score}])


def test_a_negative_limit_is_refused():
    with pytest.raises(ValueError, match="spread limit"):
        judge_patterns([{"a": 1}], spread_limit=-1)


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (1, 3, "33.3"), (2, 3, "66.7"), (1, 8, "12.5"), (1, 16, "6.3"), (0, 5, "0.0"), (5, 5, "100.0"),
    (1, 2000, "0.1"),   # 0.05 → 0.1, half up
])
def test_percent_is_half_up_to_one_decimal(part, whole, expected):
    assert str(percent(part, whole)) == expected


def test_deviations_of_a_set():
    assert deviations({"a": 2}) == {}
    assert deviations({}) == {}
    assert deviations({"a": 0, "b": 2, "c": 3}) == {"a": Fraction(-5, 2), "b": Fraction(1, 2), "c": 2}

"""Properties of judge patterns over generated judgement sets.

The tables (test_judge_patterns.py) pin single values; these pin what the chief expert relies on
whatever the marks: the order marks arrive in cannot matter, a judge who keeps within the rule of
everyone never "differs", counts never exceed what a judge scored, means stay on the 0..3 scale, a
deviation says lenient or strict the right way round, and every breach of the rule (limit 0 or 1)
shows up as at least one judge who differs.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from scoring.judge_patterns import deviations, judge_patterns
from scoring.marks import JUDGEMENT_SCORES, spread_breached

JUDGES = ("j1", "j2", "j3", "j4", "j5", "r1")
score = st.sampled_from(JUDGEMENT_SCORES)
limits = st.integers(0, 3)
judgement_set = st.dictionaries(st.sampled_from(JUDGES), score, min_size=1, max_size=5)
judgement_sets = st.lists(judgement_set, max_size=12)


@given(judgement_sets, limits, st.data())
def test_the_order_of_sets_and_of_judges_is_irrelevant(sets, limit, data):
    """Tablets and paper files deliver marks in any order; the figures (and their order) are the same."""
    shuffled = [dict(data.draw(st.permutations(list(s.items())))) for s in data.draw(st.permutations(sets))]
    before, after = judge_patterns(sets, limit), judge_patterns(shuffled, limit)
    assert after == before
    assert list(after.judges) == list(before.judges)


@given(judgement_sets, limits)
def test_counts_never_exceed_what_a_judge_scored(sets, limit):
    found = judge_patterns(sets, limit)
    for judge, pattern in found.judges.items():
        scored = sum(1 for s in sets if judge in s)
        assert pattern.scores == scored
        assert 0 <= pattern.differs <= pattern.compared <= pattern.scores
        assert pattern.compared == sum(1 for s in sets if judge in s and len(s) >= 2)
        assert (pattern.share is None) == (pattern.compared == 0) == (pattern.deviation is None)
        if pattern.share is not None:
            assert Decimal(0) <= pattern.share <= Decimal(100)
            assert pattern.deviation is not None and abs(pattern.deviation) <= 3
    assert found.breached <= found.compared <= found.sets == sum(1 for s in sets if s)


@given(judgement_sets)
def test_means_stay_on_the_scale(sets):
    found = judge_patterns(sets)
    for pattern in found.judges.values():
        assert Decimal(0) <= pattern.mean <= Decimal(3)
        assert pattern.mean == pattern.mean.quantize(Decimal("0.01"))
    if found.mean is not None:
        assert min(p.mean for p in found.judges.values()) <= found.mean + Decimal("0.01")
        assert found.mean <= max(p.mean for p in found.judges.values()) + Decimal("0.01")


@given(st.lists(st.dictionaries(st.sampled_from(JUDGES[1:]), score, max_size=4), max_size=10), limits, st.data())
def test_a_judge_within_the_rule_of_everyone_never_differs(teams, limit, data):
    """j1 scores within ``limit`` of every other judge of each set (where a score can): then the
    others' mean is within the limit too, so j1 differs nowhere, whatever the others do."""
    sets = []
    for team in teams:
        fitting = [s for s in JUDGEMENT_SCORES if all(abs(s - v) <= limit for v in team.values())]
        sets.append({**team, "j1": data.draw(st.sampled_from(fitting))} if fitting else team)
    pattern = judge_patterns(sets, limit).judges.get("j1")
    assert pattern is None or pattern.differs == 0


@given(st.lists(st.tuples(st.sets(st.sampled_from(JUDGES[1:]), min_size=1, max_size=4), score), min_size=1,
                max_size=8), limits)
def test_agreeing_with_everyone_means_zero_differences(teams, limit):
    """j1 scoring exactly what the whole team scored in every set: 0 differences, deviation 0."""
    sets = [{j: value for j in team} | {"j1": value} for team, value in teams]
    pattern = judge_patterns(sets, limit).judges["j1"]
    assert (pattern.compared, pattern.differs, pattern.deviation, pattern.share) == (len(sets), 0, 0, 0)


@given(judgement_set.filter(lambda s: len(s) >= 2), st.sampled_from((0, 1)))
def test_every_breach_shows_a_judge_who_differs(scores, limit):
    """With limit 0 or 1 (integer scores) a set that breaks the spread rule always has a judge who
    differs from the team, so the judge view never hides a flagged set."""
    found = judge_patterns([scores], limit)
    someone = any(p.differs for p in found.judges.values())
    assert someone == spread_breached(list(scores.values()), limit)


@given(judgement_set)
def test_deviations_of_a_set_sum_to_zero(scores):
    """What one judge is above the others, the others are below in total."""
    apart = deviations(scores)
    assert sum(apart.values(), Fraction(0)) == 0
    assert len(apart) == (len(scores) if len(scores) >= 2 else 0)


@given(judgement_sets.filter(lambda sets: any(len(s) >= 2 for s in sets)), st.data())
def test_a_more_lenient_judge_deviates_upward(sets, data):
    """Raising one judge's scores never lowers their deviation (lenient +, strict −)."""
    judge = data.draw(st.sampled_from(sorted({j for s in sets if len(s) >= 2 for j in s})))
    raised = [{**s, judge: min(3, s[judge] + 1)} if judge in s else s for s in sets]
    before, after = judge_patterns(sets).judges[judge], judge_patterns(raised).judges[judge]
    assert before.deviation is not None and after.deviation is not None
    assert after.deviation >= before.deviation
    assert after.mean >= before.mean


@given(judgement_sets, limits)
def test_judges_are_only_names(sets, limit):
    """Renaming judges (the app passes user ids) renames the figures and changes nothing else."""
    ids = {name: n for n, name in enumerate(JUDGES, start=1)}
    by_id = judge_patterns([{ids[j]: v for j, v in s.items()} for s in sets], limit)
    by_name = judge_patterns(sets, limit)
    assert {ids[j]: p for j, p in by_name.judges.items()} == by_id.judges
    assert (by_id.sets, by_id.compared, by_id.breached, by_id.mean) == \
        (by_name.sets, by_name.compared, by_name.breached, by_name.mean)

"""Ranking against results.md: shared competition ranks, tie-breakers, skipped tie-breakers, tie window.

Each table row is a small skill written as ``key:raw`` strings plus the data a tie-breaker reads,
with the ranks worked out by hand in the row's comment. The properties pin what standings, medals
and awards rely on whatever the totals: the ranks are a valid competition ranking, nobody is lost
or invented, the order contestants come in changes nothing, and the raw total is the primary key.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.ranking import (
    COMPLETION_TIME,
    CRITERION_WEIGHT,
    TIE_BREAKERS,
    Contestant,
    Ranked,
    check_tie_breakers,
    criterion_order,
    rank,
)

D = Decimal
CW, CT = CRITERION_WEIGHT, COMPLETION_TIME


def skill(*rows: str, criteria: dict[str, dict[str, str]] | None = None,
          seconds: dict[str, int] | None = None) -> list[Contestant]:
    """``skill("A:90", "B:85")``: contestants with criterion subtotals and times looked up by key."""
    criteria, seconds = criteria or {}, seconds or {}
    out = []
    for row in rows:
        key, raw = row.split(":")
        subtotals = {code: D(v) for code, v in criteria.get(key, {}).items()}
        out.append(Contestant(key, D(raw), subtotals, seconds.get(key)))
    return out


def ranks(result: list[Ranked]) -> list[tuple[str, int]]:
    return [(r.key, r.rank) for r in result]


def skips(result: list[Ranked]) -> dict[str, tuple[str, ...]]:
    return {r.key: r.skipped_tie_breakers for r in result if r.skipped_tie_breakers}


MAX_AB = {"A": D("40.00"), "B": D("60.00")}       # B is the heaviest criterion
EVEN_AB = {"B": D("50.00"), "A": D("50.00")}      # equal: code order, A first


@pytest.mark.parametrize(("contestants", "options", "expected", "skipped"), [
    pytest.param(skill("A:90", "B:85", "C:85", "D:80"), {},
                 [("A", 1), ("B", 2), ("C", 2), ("D", 4)], {}, id="shared, the next is 4th"),
    pytest.param(skill("D:80", "C:85.00", "A:90", "B:85"), {},
                 [("A", 1), ("C", 2), ("B", 2), ("D", 4)], {}, id="input order kept in a shared place"),
    pytest.param(skill("A:90", "B:85.01", "C:85"), {},
                 [("A", 1), ("B", 2), ("C", 3)], {}, id="a cent apart is no tie"),
    pytest.param(skill("A:85", "B:85", "C:85"), {},
                 [("A", 1), ("B", 1), ("C", 1)], {}, id="all tied"),
    pytest.param(skill("A:90", "B:85", "C:85", "D:80"), {"tie_breakers": [CT]},
                 [("A", 1), ("B", 2), ("C", 2), ("D", 4)], {"B": (CT,), "C": (CT,)},
                 id="no timings at all: skipped and shared"),
    # B: 55 in B (the 60-mark criterion) beats C's 50, although C leads in A.
    pytest.param(skill("A:90", "B:85", "C:85", "D:80",
                       criteria={"B": {"A": "30", "B": "55"}, "C": {"A": "35", "B": "50"}}),
                 {"tie_breakers": [CW], "criterion_max": MAX_AB},
                 [("A", 1), ("B", 2), ("C", 3), ("D", 4)], {}, id="criterion_weight decides"),
    # Equal mark totals: A comes first by code; C's 45 in A beats B's 40.
    pytest.param(skill("B:85", "C:85", criteria={"B": {"A": "40", "B": "45"}, "C": {"A": "45", "B": "40"}}),
                 {"tie_breakers": [CW], "criterion_max": EVEN_AB},
                 [("C", 1), ("B", 2)], {}, id="criterion_weight, equal maxima in code order"),
    # Equal in B (the heaviest), so A decides.
    pytest.param(skill("B:85", "C:85", criteria={"B": {"A": "31", "B": "54"}, "C": {"A": "30", "B": "54"}}),
                 {"tie_breakers": [CW], "criterion_max": MAX_AB},
                 [("B", 1), ("C", 2)], {}, id="criterion_weight, then the next criterion"),
    pytest.param(skill("B:85", "C:85", criteria={"B": {"A": "30", "B": "55"}, "C": {"A": "30", "B": "55"}}),
                 {"tie_breakers": [CW], "criterion_max": MAX_AB},
                 [("B", 1), ("C", 1)], {}, id="criterion_weight all equal: shared"),
    pytest.param(skill("B:85", "C:85", criteria={"B": {"A": "30", "B": "55"}, "C": {"B": "55"}}),
                 {"tie_breakers": [CW], "criterion_max": MAX_AB},
                 [("B", 1), ("C", 1)], {"B": (CW,), "C": (CW,)}, id="criterion_weight, a subtotal missing"),
    pytest.param(skill("A:90", "B:85", "C:85", "D:80", seconds={"B": 3600, "C": 3000}),
                 {"tie_breakers": [CT]},
                 [("A", 1), ("C", 2), ("B", 3), ("D", 4)], {}, id="completion_time: shorter first"),
    pytest.param(skill("A:90", "B:85", "C:85", "D:80", seconds={"A": 10, "C": 3000, "D": 20}),
                 {"tie_breakers": [CT]},
                 [("A", 1), ("B", 2), ("C", 2), ("D", 4)], {"B": (CT,), "C": (CT,)},
                 id="completion_time missing for one: skipped for that tie only"),
    # B and C equal on criteria; completion_time then puts C first.
    pytest.param(skill("B:85", "C:85", criteria={"B": {"A": "30", "B": "55"}, "C": {"A": "30", "B": "55"}},
                       seconds={"B": 3600, "C": 3000}),
                 {"tie_breakers": [CW, CT], "criterion_max": MAX_AB},
                 [("C", 1), ("B", 2)], {}, id="criterion_weight equal, completion_time decides"),
    # criterion_weight lacks C's B subtotal: skipped (and recorded) though completion_time decides.
    pytest.param(skill("B:85", "C:85", criteria={"B": {"A": "30", "B": "55"}, "C": {"A": "30"}},
                       seconds={"B": 3600, "C": 3000}),
                 {"tie_breakers": [CW, CT], "criterion_max": MAX_AB},
                 [("C", 1), ("B", 2)], {"B": (CW,), "C": (CW,)}, id="skipped, then the next decides"),
    # criterion_weight puts D first alone; B and C stay tied, and their times are there: D's
    # missing time does not make completion_time skip for B and C.
    pytest.param(skill("B:85", "C:85", "D:85",
                       criteria={"B": {"A": "30", "B": "50"}, "C": {"A": "30", "B": "50"},
                                 "D": {"A": "20", "B": "60"}},
                       seconds={"B": 3600, "C": 3000}),
                 {"tie_breakers": [CW, CT], "criterion_max": MAX_AB},
                 [("D", 1), ("C", 2), ("B", 3)], {}, id="a skip concerns the tie still open"),
    # Three tied, two with equal times: D first, B and C share 3rd, E is 5th.
    pytest.param(skill("B:85", "C:85", "D:85", "E:70", seconds={"B": 100, "C": 100, "D": 50, "E": 1}),
                 {"tie_breakers": [CT]},
                 [("D", 1), ("B", 2), ("C", 2), ("E", 4)], {}, id="a tie partly broken"),
    # results.md's window: 90, 89 and 88.5 are within 2 of 90 (1 and 1.5); 87 is 3 below: a new group.
    pytest.param(skill("A:90", "B:89", "C:88.5", "D:87"), {"tie_window": D("2.00")},
                 [("A", 1), ("B", 1), ("C", 1), ("D", 4)], {}, id="tie_window 2, shared"),
    # The same window with times: in the group {A, B, C} B (3000) < C (3500) < A (4000); D alone.
    pytest.param(skill("A:90", "B:89", "C:88.5", "D:87", seconds={"A": 4000, "B": 3000, "C": 3500, "D": 1}),
                 {"tie_window": D("2.00"), "tie_breakers": [CT]},
                 [("B", 1), ("C", 2), ("A", 3), ("D", 4)], {}, id="tie_window 2, completion_time decides"),
    # The window is measured from the group's highest total, not chained: 88.5 joins 90; 87 is 3
    # below 90 (though 1.5 below 88.5) so it starts a group, which 86 (1 below 87) joins.
    pytest.param(skill("A:90", "B:88.5", "C:87", "D:86"), {"tie_window": D("2.00")},
                 [("A", 1), ("B", 1), ("C", 3), ("D", 3)], {}, id="tie_window from the highest, not chained"),
    pytest.param(skill("A:90", "B:88", "C:87.99"), {"tie_window": D("2.00")},
                 [("A", 1), ("B", 1), ("C", 3)], {}, id="tie_window edge: exactly 2 joins"),
    pytest.param([], {"tie_breakers": [CT]}, [], {}, id="nobody"),
    pytest.param(skill("A:0"), {"tie_breakers": [CT, CW], "criterion_max": MAX_AB}, [("A", 1)], {},
                 id="alone: no tie, nothing skipped"),
])
def test_rank(contestants, options, expected, skipped):
    result = rank(contestants, **options)
    assert ranks(result) == expected
    assert skips(result) == skipped


def test_ranks_of_a_window_group_are_shared_even_with_different_totals():
    """Within the window the totals count as equal: 89.5 does not beat 89 when nothing else differs."""
    result = rank(skill("A:89.5", "B:89"), tie_window=D("0.50"))
    assert [r.rank for r in result] == [1, 1]


@pytest.mark.parametrize(("maxima", "order"), [
    ({"A": D(40), "B": D(60)}, ["B", "A"]),
    ({"C": D(30), "A": D(30), "B": D(40)}, ["B", "A", "C"]),
    ({"B": D("25.5"), "A": D("25.50"), "C": D(49)}, ["C", "A", "B"]),
    ({}, []),
])
def test_criterion_order(maxima, order):
    """Largest mark total first; equal mark totals in criterion-code order."""
    assert criterion_order(maxima) == order


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: rank([], tie_breakers=["coin_toss"]), ValueError, "unknown tie-breakers: coin_toss"),
    (lambda: rank([], tie_breakers=CT), TypeError, "not the string"),
    (lambda: rank([], tie_breakers=[CT, CT]), ValueError, "named twice"),
    (lambda: rank([], tie_breakers=[CW]), ValueError, "criterion_max"),
    (lambda: rank([], tie_window=D("-1")), ValueError, "negative"),
    (lambda: rank(skill("A:1", "A:2")), ValueError, "unique"),
])
def test_programmer_errors_are_refused(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_registry():
    """The event file parser checks names against this registry."""
    assert set(TIE_BREAKERS) == {CW, CT}
    check_tie_breakers([CW, CT])
    check_tie_breakers([])
    with pytest.raises(ValueError, match="unknown tie-breakers: fastest; known: criterion_weight"):
        check_tie_breakers(["fastest"])


# --- properties -------------------------------------------------------------------------------------

CRITERION_MAX = {"A": D(40), "B": D(30), "C": D(30)}


@st.composite
def contestants(draw, max_size: int = 12) -> list[Contestant]:
    """Few distinct totals, subtotals and times, so ties (and missing data) are common."""
    count = draw(st.integers(0, max_size))
    out = []
    for n in range(count):
        raw = D(draw(st.integers(0, 12))) / 2 + 80
        criteria = {code: D(draw(st.integers(0, 3))) for code in CRITERION_MAX if draw(st.integers(0, 9))}
        seconds = draw(st.one_of(st.none(), st.integers(100, 103)))
        out.append(Contestant(f"c{n}", raw, criteria, seconds))
    return out


options = st.fixed_dictionaries({
    "tie_breakers": st.sampled_from([(), (CW,), (CT,), (CW, CT), (CT, CW)]),
    "tie_window": st.sampled_from([D(0), D("0.5"), D(1), D("2.00")]),
    "criterion_max": st.just(CRITERION_MAX),
})


@given(contestants(), options)
def test_ranks_are_a_competition_ranking(field, opts):
    """Sorted by rank; each rank is 1 + the number strictly ahead; a rank shared by k is followed by
    rank + k."""
    result = rank(field, **opts)
    ranks_ = [r.rank for r in result]
    assert ranks_ == sorted(ranks_)
    assert all(r == 1 + sum(other < r for other in ranks_) for r in ranks_)
    for r in set(ranks_):
        following = [x for x in ranks_ if x > r]
        if following:
            assert min(following) == r + ranks_.count(r)


@given(contestants(), options)
def test_nobody_is_lost_or_invented(field, opts):
    assert sorted(r.key for r in rank(field, **opts)) == sorted(c.key for c in field)


@given(contestants(), options, st.data())
def test_the_input_order_changes_no_rank(field, opts, data):
    shuffled = data.draw(st.permutations(field))

    def by_key(result: list[Ranked]) -> dict:
        return {r.key: (r.rank, r.skipped_tie_breakers) for r in result}
    assert by_key(rank(shuffled, **opts)) == by_key(rank(field, **opts))


@given(contestants())
def test_without_tie_breakers_the_raw_total_alone_decides(field):
    result = {r.key: r.rank for r in rank(field)}
    for a in field:
        for b in field:
            if a.raw > b.raw:
                assert result[a.key] < result[b.key]
            elif a.raw == b.raw:
                assert result[a.key] == result[b.key]


@given(contestants(), options)
def test_a_total_beyond_the_window_always_ranks_higher(field, opts):
    """Tie-breakers and the window only reorder totals within the window of each other."""
    result = {r.key: r.rank for r in rank(field, **opts)}
    for a in field:
        for b in field:
            if a.raw - b.raw > opts["tie_window"]:
                assert result[a.key] < result[b.key]


@given(contestants(), options)
def test_identical_contestants_share_a_place(field, opts):
    result = {r.key: r.rank for r in rank(field, **opts)}
    for a in field:
        for b in field:
            if (a.raw, a.criteria, a.completion_seconds) == (b.raw, b.criteria, b.completion_seconds):
                assert result[a.key] == result[b.key]


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(1, 10_000)), max_size=15, unique=True))
def test_distinct_times_leave_no_shared_place(rows):
    """排名不并列: with completion_time and every (total, time) pair distinct, no place is shared."""
    field = [Contestant(n, D(raw), {}, seconds) for n, (raw, seconds) in enumerate(rows)]
    result = rank(field, tie_breakers=[CT])
    assert [r.rank for r in result] == list(range(1, len(field) + 1))
    assert not any(r.skipped_tie_breakers for r in result)


@given(contestants(), options)
def test_skips_are_recorded_only_in_a_tie_and_only_for_named_tie_breakers(field, opts):
    result = rank(field, **opts)
    raws = {c.key: c.raw for c in field}
    for r in result:
        assert set(r.skipped_tie_breakers) <= set(opts["tie_breakers"])
        if r.skipped_tie_breakers:
            # someone else was in the tie: within the window of this contestant's total
            assert any(abs(raws[o.key] - raws[r.key]) <= opts["tie_window"] for o in result if o.key != r.key)

"""The total with penalties and components, and the WorldSkills scale, against results.md.

Table rows are results.md's worked example or a rule of it, each computed by hand in its comment;
the properties pin what the standings rely on whatever the totals: the scale keeps the order of
the raw totals, does not care about the order contestants come in, and puts the median at 700.
"""
from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.standardize import (
    CENTRE,
    Scaled,
    median,
    population_stdev,
    scale,
    spread,
    total_with_penalties,
    weighted_total,
)

D = Decimal


def shown(raws: list[str], **options) -> list[int | None]:
    return [None if s is None else s.shown for s in scale([D(r) for r in raws], **options)]


# --- the total --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("marks", "penalties", "expected"), [
    ("85.50", [], "85.50"),
    ("85.50", ["5.00"], "80.50"),
    ("85.50", ["5.00", "0.50"], "80.00"),
    ("3.00", ["5.00"], "0.00"),        # never below 0
    ("5.00", ["5.00"], "0.00"),
    ("0.00", ["1.00"], "0.00"),
])
def test_total_with_penalties(marks, penalties, expected):
    """A penalty (违纪/安全扣分) is deducted from the total, which never goes below 0."""
    assert str(total_with_penalties(D(marks), [D(p) for p in penalties])) == expected


def test_a_negative_penalty_is_refused():
    """A negative deduction would be a bonus in disguise."""
    with pytest.raises(ValueError, match="cannot be negative"):
        total_with_penalties(D("50.00"), [D("2.00"), D("-1.00")])


@pytest.mark.parametrize(("components", "weights", "expected"), [
    ({"theory": "75", "practical": "80"}, {"theory": 20, "practical": 80}, "79.00"),  # 15 + 64
    ({"theory": "88.5", "practical": "71.25"}, {"theory": 20, "practical": 80}, "74.70"),  # 17.7 + 57
    ({"theory": "66.67", "practical": "70.01"}, {"theory": 30, "practical": 70}, "69.01"),  # 20.001 + 49.007
    ({"theory": "0.05", "practical": "0"}, {"theory": 10, "practical": 90}, "0.01"),  # 0.005: half up
    ({"theory": "0.15", "practical": "0"}, {"theory": 10, "practical": 90}, "0.02"),  # 0.015: not 0.01
    ({"a": "100", "b": "100", "c": "100"}, {"a": D("33.33"), "b": D("33.33"), "c": D("33.34")}, "100.00"),
    ({"only": "42.42"}, {"only": 100}, "42.42"),
])
def test_weighted_total(components, weights, expected):
    """Σ weight × score / 100, half up to 2 decimals on the exact value."""
    assert str(weighted_total({k: D(v) for k, v in components.items()}, weights)) == expected


@pytest.mark.parametrize(("components", "weights", "message"), [
    ({"practical": "80"}, {"theory": 20, "practical": 80}, "missing: theory"),
    ({"theory": "70", "practical": "80", "oral": "1"}, {"theory": 20, "practical": 80}, "without a weight: oral"),
    ({"theory": "70", "practical": "80"}, {"theory": 20, "practical": 70}, "sum to 100"),
    ({"theory": "70", "practical": "80"}, {"theory": -20, "practical": 120}, "≥ 0"),
    ({"theory": "100.01", "practical": "80"}, {"theory": 20, "practical": 80}, "between 0 and 100: theory"),
    ({"theory": "-1", "practical": "80"}, {"theory": 20, "practical": 80}, "between 0 and 100: theory"),
])
def test_weighted_total_refuses(components, weights, message):
    """A missing component is not silently 0: the caller decides (and is told which one)."""
    with pytest.raises(ValueError, match=message):
        weighted_total({k: D(v) for k, v in components.items()}, weights)


# --- median, MAD, s ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "expected"), [
    (["75"], "75"),
    (["95", "60", "75", "80", "70"], "75"),
    (["60", "70", "80", "95"], "75"),          # even: (70 + 80) / 2
    (["60.01", "70.00"], "65.005"),            # exact, not rounded to 2 decimals
    (["1", "2", "2", "9"], "2"),
])
def test_median(values, expected):
    assert median(D(v) for v in values) == D(expected)


def test_median_of_nothing_is_refused():
    with pytest.raises(ValueError):
        median([])


def test_the_worked_example():
    """results.md: 60, 70, 75, 80, 95 → median 75, MAD 5, s 7.413 → 639, 680, 700, 720, 781."""
    raws = [D(r) for r in ("60", "70", "75", "80", "95")]
    shape = spread(raws)
    assert (shape.median, shape.mad, shape.s, shape.basis) == (D(75), D(5), D("7.413"), "mad")
    result = scale(raws)
    assert [s.shown for s in result] == [639, 680, 700, 720, 781]
    with localcontext() as ctx:
        ctx.prec = 28
        assert result[0].unrounded == D(700) + D(30) * D(-15) / D("7.413")   # 639.2958…, kept
    assert str(result[0].unrounded).startswith("639.295831")
    assert result[2] == Scaled(D(700), 700)


def test_the_scale_follows_the_input_order():
    assert shown(["95", "60", "80", "75", "70"]) == [781, 639, 720, 700, 680]


def test_an_even_count_uses_the_mean_of_the_middle_two():
    """60, 70, 80, 90: median 75; deviations 15, 5, 5, 15 → MAD 10; s 14.826;
    70 → 700 − 150/14.826 = 689.88… → 690; 60 → 700 − 450/14.826 = 669.64… → 670."""
    raws = [D(r) for r in ("60", "70", "80", "90")]
    assert spread(raws).s == D("14.826")
    assert shown(["60", "70", "80", "90"]) == [670, 690, 710, 730]


def test_mad_zero_falls_back_to_the_population_standard_deviation():
    """70, 70, 70, 80: median 70, MAD 0. Mean 72.5; squares 6.25 × 3 + 56.25 = 75; /4 = 18.75;
    σ = 4.3301…; 80 → 700 + 300/4.3301 = 769.28… → 769; the three 70s sit at the median: 700."""
    raws = [D(r) for r in ("70", "70", "70", "80")]
    shape = spread(raws)
    assert (shape.mad, shape.basis) == (D(0), "stdev")
    assert shape.s == D("18.75").sqrt()
    assert str(shape.s).startswith("4.330127")
    assert shown(["70", "70", "70", "80"]) == [700, 700, 700, 769]


def test_population_standard_deviation():
    """2, 4, 4, 4, 5, 5, 7, 9: the textbook example, σ = 2."""
    assert population_stdev(D(v) for v in (2, 4, 4, 4, 5, 5, 7, 9)) == 2


@pytest.mark.parametrize("raws", [["70", "70", "70"], ["0", "0", "0", "0"], ["55.55"] * 7])
def test_all_equal_totals_all_get_700(raws):
    assert spread([D(r) for r in raws]).basis == "none"
    assert scale([D(r) for r in raws]) == [Scaled(D(700), 700)] * len(raws)


@pytest.mark.parametrize(("raws", "min_count", "expected"), [
    ([], 3, []),
    (["80"], 3, [None]),
    (["80", "60"], 3, [None, None]),                 # fewer than 3: not standardized
    (["80", "60", "70"], 3, [720, 680, 700]),       # MAD 10, s 14.826: ±300/14.826 = ±20.23
    (["80", "60", "70"], 4, [None, None, None]),     # configurable
    (["80", "60"], 2, [720, 680]),                  # median 70, MAD 10, s 14.826 again
    (["80"], 1, [700]),
])
def test_too_few_contestants_are_not_standardized(raws, min_count, expected):
    assert shown(raws, min_count=min_count) == expected


def test_the_parameters_are_configurable():
    """The old WorldSkills centre was 500; results.md keeps the formula's constants configurable."""
    raws = ["60", "70", "75", "80", "95"]
    assert shown(raws, centre=D(500)) == [439, 480, 500, 520, 581]
    assert shown(raws, step=D(100)) == [498, 633, 700, 767, 970]   # 100 × ±5/7.413 = ±67.45…
    assert shown(raws, mad_factor=D(1)) == [610, 670, 700, 730, 820]


def test_the_shown_scale_rounds_half_up():
    """30, 40, 50 with factor 1 (s = MAD = 10), step 5 and centre 700.5: exactly 695.5, 700.5, 705.5,
    shown 696, 701, 706 (banker's rounding would show 700 for the middle one)."""
    raws = [D(r) for r in ("30", "40", "50")]
    assert [s.unrounded for s in scale(raws, mad_factor=D(1), step=D(5), centre=D("700.5"))] == \
        [D("695.5"), D("700.5"), D("705.5")]
    assert [s.shown for s in scale(raws, mad_factor=D(1), step=D(5), centre=D("700.5"))] == [696, 701, 706]


def test_a_changed_thread_context_does_not_change_the_scale():
    raws = [D(r) for r in ("60", "70", "75", "80", "95")]
    expected = scale(raws)
    with localcontext() as ctx:
        ctx.prec = 5
        assert scale(raws) == expected


# --- properties -------------------------------------------------------------------------------------

raw_totals = st.integers(0, 10_000).map(lambda cents: D(cents).scaleb(-2))
skills = st.lists(raw_totals, min_size=3, max_size=40)


@given(skills)
def test_the_scale_keeps_the_order_of_the_raw_totals(raws):
    """A higher raw total never gets a lower scale: strictly for the unrounded, weakly for the shown."""
    scaled = scale(raws)
    for a, sa in zip(raws, scaled, strict=False):
        for b, sb in zip(raws, scaled, strict=False):
            assert sa is not None and sb is not None
            if a > b:
                assert sa.unrounded > sb.unrounded and sa.shown >= sb.shown
            elif a == b:
                assert sa == sb


@given(skills, st.data())
def test_permuting_the_contestants_permutes_their_scales(raws, data):
    order = data.draw(st.permutations(range(len(raws))))
    scaled = scale(raws)
    assert scale([raws[i] for i in order]) == [scaled[i] for i in order]


@given(skills)
def test_the_median_contestant_gets_700(raws):
    """Anyone whose total is the median sits exactly at the centre; with an odd count someone does."""
    centre = median(raws)
    scaled = scale(raws)
    at_median = [s for raw, s in zip(raws, scaled, strict=False) if raw == centre]
    assert all(s is not None and s.unrounded == CENTRE and s.shown == 700 for s in at_median)
    if len(raws) % 2:
        assert at_median


@given(st.lists(raw_totals, max_size=2))
def test_fewer_than_three_are_never_standardized(raws):
    assert scale(raws) == [None] * len(raws)


@given(skills)
def test_the_shown_scale_is_the_unrounded_rounded_half_up(raws):
    for s in scale(raws):
        assert s is not None and abs(s.unrounded - s.shown) <= D("0.5")
        assert s.unrounded - s.shown != D("0.5")

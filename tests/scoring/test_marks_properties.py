"""Properties of the marks arithmetic over generated schemes, aspects and scores.

The worked examples (test_marks.py) pin single values; these pin the promises results depend on
whatever the scheme: totals stay within 0..100.00, judges' order cannot matter, a better score
never costs marks, rounding is exactly ``ROUND_HALF_UP``, and what the system offers as an allowed
mark it also accepts.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from scoring.marks import (
    FULL_MARKS,
    JUDGEMENT_SCORES,
    Aspect,
    Band,
    Criterion,
    Scheme,
    Standard,
    SubCriterion,
    allowed_measurement_marks,
    band_mark,
    deduction_mark,
    judgement_mark,
    measurement_refusal,
    round_mark,
    spread_breached,
    totals,
    validate_scheme,
)

CENT = Decimal("0.01")
DESCRIPTORS = ("below", "meets", "exceeds in part", "wholly exceeds")
SECTIONS = ("1", "2", "3", "4")


def cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


maxima = st.integers(1, 10_000).map(cents)   # 0.01 .. 100.00
scores = st.lists(st.sampled_from(JUDGEMENT_SCORES), min_size=1, max_size=7)


@st.composite
def measurement_aspects(draw, maximum: Decimal | None = None, aspect_id: str = "M.1",
                        section: str = "1") -> Aspect:
    """A valid measurement aspect of any calculation."""
    maximum = draw(maxima) if maximum is None else maximum
    top = int(maximum * 100)
    calculation = draw(st.sampled_from(("full_or_zero", "bands", "deduction")))
    bands: tuple[Band, ...] = ()
    deduct = None
    if calculation == "bands":
        limits = sorted(draw(st.sets(st.integers(0, 500), min_size=1, max_size=4)))
        marks = sorted(draw(st.lists(st.integers(0, top), min_size=len(limits), max_size=len(limits))),
                       reverse=True)
        bands = tuple(Band(Decimal(limit).scaleb(-1), cents(mark)) for limit, mark in zip(limits, marks, strict=False))
    elif calculation == "deduction":
        deduct = cents(draw(st.integers(1, top)))
    return Aspect(aspect_id, "M", "measured", maximum, section, calculation, bands, deduct)


@st.composite
def schemes(draw) -> Scheme:
    """A valid scheme: 100.00 cut into 1-25 aspects, grouped into sub-criteria and criteria, with
    section weights equal to the marks each section receives."""
    count = draw(st.integers(1, 25))
    cuts = sorted(draw(st.sets(st.integers(1, 9_999), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 10_000]
    aspects = []
    for n, (low, high) in enumerate(zip(bounds, bounds[1:], strict=False)):
        maximum, section = cents(high - low), draw(st.sampled_from(SECTIONS))
        if draw(st.booleans()):
            aspects.append(Aspect(f"X{n}", "J", "judged", maximum, section, descriptors=DESCRIPTORS))
        else:
            aspects.append(draw(measurement_aspects(maximum, f"X{n}", section)))
    criteria = []
    while aspects:
        subs = []
        for _ in range(draw(st.integers(1, 3))):
            if not aspects:
                break
            size = draw(st.integers(1, len(aspects)))
            subs.append(SubCriterion(f"S{len(criteria)}.{len(subs)}", "sub", 1, tuple(aspects[:size])))
            aspects = aspects[size:]
        criterion = Criterion(f"C{len(criteria)}", "criterion", tuple(subs))
        stated = draw(st.sampled_from((None, criterion.max_total)))
        criteria.append(Criterion(criterion.code, criterion.name, criterion.sub_criteria, stated))
    unweighted = Scheme(tuple(Standard(s, s, Decimal(0)) for s in SECTIONS), tuple(criteria))
    weights = unweighted.section_marks()
    return Scheme(tuple(Standard(s, s, weights[s]) for s in SECTIONS), tuple(criteria))


@st.composite
def marked_schemes(draw) -> tuple[Scheme, dict[str, Decimal]]:
    """A scheme and one contestant's marks, as the system can award them; some aspects unmarked."""
    scheme = draw(schemes())
    marks = {}
    for aspect in scheme.aspects():
        if draw(st.integers(0, 9)) == 0:
            continue   # not marked yet: counts 0
        if aspect.is_judgement:
            marks[aspect.id] = judgement_mark(aspect.max, draw(scores))
        else:
            marks[aspect.id] = draw(st.sampled_from(allowed_measurement_marks(aspect)))
    return scheme, marks


@given(schemes())
def test_generated_schemes_are_valid(scheme):
    """The generator's schemes pass validation, so the properties below are about real schemes
    (and the validator accepts any well-formed scheme, not just the examples)."""
    assert validate_scheme(scheme) == []
    assert scheme.max_total == FULL_MARKS


@given(marked_schemes())
def test_raw_total_stays_between_0_and_100(marked):
    """Whatever the awarded marks, the raw total is within 0..100.00 and adds up its criteria."""
    scheme, marks = marked
    result = totals(scheme, marks)
    assert Decimal("0.00") <= result.raw <= FULL_MARKS
    assert result.raw == sum(result.criteria.values())
    assert sum(result.sub_criteria.values()) == result.raw


@given(schemes())
def test_full_marks_everywhere_total_exactly_100(scheme):
    result = totals(scheme, {a.id: a.max for a in scheme.aspects()})
    assert result.raw == FULL_MARKS


@given(maxima, scores)
def test_judgement_mark_within_0_and_max(maximum, judge_scores):
    mark = judgement_mark(maximum, judge_scores)
    assert Decimal(0) <= mark <= maximum
    assert mark == mark.quantize(CENT)


@given(maxima, scores, st.data())
def test_judges_order_is_irrelevant(maximum, judge_scores, data):
    """Tablets send scores in arrival order; the mark (and the spread flag) must not depend on it."""
    shuffled = data.draw(st.permutations(judge_scores))
    assert judgement_mark(maximum, shuffled) == judgement_mark(maximum, judge_scores)
    assert spread_breached(shuffled) == spread_breached(judge_scores)


@given(maxima, scores, st.data())
def test_a_higher_score_never_lowers_the_mark(maximum, judge_scores, data):
    """Monotone: a judge who raises a score cannot take marks away from the contestant."""
    judge = data.draw(st.integers(0, len(judge_scores) - 1))
    raised = list(judge_scores)
    raised[judge] = data.draw(st.integers(judge_scores[judge], 3))
    assert judgement_mark(maximum, raised) >= judgement_mark(maximum, judge_scores)


terminating = st.one_of(
    st.builds(lambda n, places: Decimal(n).scaleb(-places), st.integers(-10**12, 10**12), st.integers(0, 10)),
    st.decimals(min_value=-10**6, max_value=10**6, allow_nan=False, allow_infinity=False),
)


@given(terminating)
def test_round_mark_agrees_with_decimal_round_half_up(value):
    expected = value.quantize(CENT, ROUND_HALF_UP)
    rounded = round_mark(value)
    assert rounded == expected
    assert rounded.as_tuple().exponent == -2


@given(measurement_aspects(), st.data())
def test_allowed_measurement_marks_are_never_refused(aspect, data):
    """What a tablet offers as a choice, the server must accept."""
    allowed = allowed_measurement_marks(aspect)
    assert allowed == sorted(allowed) and Decimal("0.00") in allowed and max(allowed) <= aspect.max
    assert measurement_refusal(aspect, data.draw(st.sampled_from(allowed))) is None


@given(measurement_aspects(), st.integers(1, 10_000).map(cents))
def test_a_refused_mark_is_not_in_the_allowed_list(aspect, mark):
    """The converse: refusal and the allowed list describe the same set."""
    assert (measurement_refusal(aspect, mark) is None) == (mark in allowed_measurement_marks(aspect))


@given(measurement_aspects(), st.decimals(min_value=-10, max_value=10, places=3), st.integers(0, 50))
def test_computed_measurement_marks_are_allowed(aspect, deviation, defects):
    """band_mark and deduction_mark only produce marks the aspect may award."""
    if aspect.calculation == "bands":
        assert measurement_refusal(aspect, band_mark(aspect, deviation)) is None
    else:
        assert measurement_refusal(aspect, aspect.max) is None   # full_or_zero, or no deduction yet
    if aspect.calculation == "deduction":
        assert measurement_refusal(aspect, deduction_mark(aspect, defects)) is None

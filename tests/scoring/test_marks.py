"""The arithmetic of marks and the checks on a marking scheme, against marking.md's worked examples.

Each table row is one example from the domain text (or one rule of it), so a change in the rules
shows up as a failing row that names the example. Schemes are built from one valid 100-mark scheme
with exactly one thing broken (``dataclasses.replace``), so each validation test sees one problem.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from scoring.marks import (
    Aspect,
    Band,
    Criterion,
    Finding,
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
    subtotal,
    totals,
    validate_scheme,
)

D = Decimal
DESCRIPTORS = ("below industry standard", "meets industry standard", "exceeds it in some respects",
               "wholly exceeds it")
# Paths of the builder's aspects, as validate_scheme names them.
A1_1 = "criteria[0].sub_criteria[0].aspects[0]"
A1_2 = "criteria[0].sub_criteria[0].aspects[1]"
B1_1 = "criteria[1].sub_criteria[0].aspects[0]"
B1_2 = "criteria[1].sub_criteria[0].aspects[1]"


# --- builders ---------------------------------------------------------------------------------------

def measurement(aspect_id: str, maximum: str, section: str, **changes) -> Aspect:
    return Aspect(aspect_id, "M", f"measure {aspect_id}", D(maximum), section, **changes)


def judgement(aspect_id: str, maximum: str, section: str, **changes) -> Aspect:
    return Aspect(aspect_id, "J", f"judge {aspect_id}", D(maximum), section, descriptors=DESCRIPTORS,
                  **changes)


def valid_scheme() -> Scheme:
    """100.00 marks whose sections match their weights exactly, with every kind of aspect in it."""
    return Scheme(
        standards=(Standard("1", "Work organization", D("20.00")), Standard("2", "Communication", D("30.00")),
                   Standard("3", "Technique", D("50.00"))),
        criteria=(
            Criterion("A", "Preparation", total=D("20.00"), sub_criteria=(
                SubCriterion("A1", "Bevels", 1, (measurement("A1.1", "10.00", "1"),
                                                 judgement("A1.2", "10.00", "1"))),)),
            Criterion("B", "Fit-up", total=D("30.00"), sub_criteria=(
                SubCriterion("B1", "Gaps", 1, (
                    measurement("B1.1", "10.00", "2", calculation="bands",
                                bands=(Band(D("0.2"), D("10.00")), Band(D("0.5"), D("5.00")))),
                    measurement("B1.2", "20.00", "2", calculation="deduction", deduct=D("5.00")))),)),
            Criterion("C", "Welding", sub_criteria=(
                SubCriterion("C1", "Appearance", 2, (judgement("C1.1", "25.00", "3"),)),
                SubCriterion("C2", "Dimensions", 2, (measurement("C2.1", "25.00", "3"),)))),
        ),
    )


def with_aspects(scheme: Scheme, **changes_by_id: dict) -> Scheme:
    """The scheme with the named aspects (``A1_1={"max": ...}``; dots spelled ``_``) replaced."""
    def changed(aspect: Aspect) -> Aspect:
        return replace(aspect, **changes_by_id.get(aspect.id.replace(".", "_"), {}))

    return replace(scheme, criteria=tuple(
        replace(c, sub_criteria=tuple(replace(s, aspects=tuple(changed(a) for a in s.aspects))
                                      for s in c.sub_criteria))
        for c in scheme.criteria))


def with_criterion(scheme: Scheme, index: int, **changes) -> Scheme:
    criteria = list(scheme.criteria)
    criteria[index] = replace(criteria[index], **changes)
    return replace(scheme, criteria=tuple(criteria))


def with_weights(scheme: Scheme, *weights: str) -> Scheme:
    standards = tuple(replace(s, weight=D(w)) for s, w in zip(scheme.standards, weights, strict=False))
    return replace(scheme, standards=standards)


def problems(scheme: Scheme, tolerance: str = "5.00") -> list[str]:
    return [str(f) for f in validate_scheme(scheme, D(tolerance))]


def aspect_of(scheme: Scheme, aspect_id: str) -> Aspect:
    return next(a for a in scheme.aspects() if a.id == aspect_id)


# --- rounding and judgement marks ------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (Fraction(2) * Fraction(7, 9), "1.56"),       # marking.md: 2.00 × 7/9
    (D("0.025"), "0.03"),                         # marking.md: 0.30 × 1/12, a half, goes up
    (D("0.015"), "0.02"),                         # a binary float would make this 0.01
    (D("2.675"), "2.68"),                         # likewise (2.67499999… as a float)
    (D("0.0149999"), "0.01"),
    (Fraction(1, 3), "0.33"),
    (Fraction(2, 3), "0.67"),
    (D("0"), "0.00"),
    (D("100"), "100.00"),
    (D("-0.005"), "-0.01"),                       # ROUND_HALF_UP rounds halves away from zero
])
def test_round_mark_is_half_up_on_the_exact_value(value, expected):
    """Marks are kept to 2 decimals, half up on the exact fraction, never through a float."""
    assert str(round_mark(value)) == expected


@pytest.mark.parametrize(("maximum", "scores", "expected"), [
    ("2.00", [2, 2, 3], "1.56"),    # marking.md's example: 2.00 × 7/9
    ("0.30", [1, 0, 0, 0], "0.03"),  # marking.md: 4 judges, 0.30 × 1/12 = 0.025 → 0.03
    ("1.00", [1, 1, 1], "0.33"),
    ("1.00", [2, 2, 2], "0.67"),
    ("0.50", [1, 2, 2], "0.28"),
    ("2.50", [3, 3, 3], "2.50"),    # all 3s: the full max
    ("2.50", [0, 0, 0], "0.00"),
    ("1.00", [3], "1.00"),          # a single judge (chief-confirmed incomplete set)
    ("1.00", [3, 3, 2, 3, 3], "0.93"),
])
def test_judgement_mark(maximum, scores, expected):
    """Judgement mark = max × Σscores / (3 × judges), rounded at aspect level."""
    assert str(judgement_mark(D(maximum), scores)) == expected


@pytest.mark.parametrize("judges", [3, 5])
def test_an_odd_team_never_meets_a_half(judges):
    """With 3 or 5 judges the exact mark in hundredths never ends in exactly .5, so rounding never
    has to break a tie (marking.md); checked for every max from 0.01 to 100.00 and every sum."""
    for cents in range(1, 10001):
        for total in range(3 * judges + 1):
            hundredths = Fraction(cents * total, 3 * judges)
            assert hundredths - (hundredths.numerator // hundredths.denominator) != Fraction(1, 2), \
                (cents, total)


def test_a_team_of_four_can_meet_a_half():
    """The contrast: 4 judges (a replacement without a reserve) can, hence half up matters."""
    assert Fraction(D("0.30")) * 100 * 1 / 12 == Fraction(5, 2)
    assert judgement_mark(D("0.30"), [0, 1, 0, 0]) == D("0.03")


@pytest.mark.parametrize(("scores", "reason"), [
    ([], "at least one score"),
    ([1, 4, 2], "0-3"),
    ([-1, 2, 2], "0-3"),
])
def test_judgement_mark_refuses_impossible_scores(scores, reason):
    """A score outside 0-3 is a bug upstream; refusing it beats computing a mark above max."""
    with pytest.raises(ValueError, match=reason):
        judgement_mark(D("1.00"), scores)


@pytest.mark.parametrize(("scores", "limit", "breached"), [
    ([2, 2, 3], 1, False),   # max − min = 1: the rule allows it
    ([1, 3, 3], 1, True),    # 2: flagged (formats.md's warning example)
    ([0, 1, 2], 1, True),
    ([3, 3, 3], 1, False),
    ([2], 1, False),
    ([], 1, False),          # nothing scored yet: nothing to flag
    ([1, 3, 3], 2, False),   # the limit is configurable (event spread_limit)
    ([0, 3, 3], 2, True),
    ([2, 3, 3], 0, True),    # a strict event demands agreement
])
def test_spread_rule(scores, limit, breached):
    """Scores for one aspect and contestant may differ by at most the limit (max − min)."""
    assert spread_breached(scores, limit) is breached


# --- measurement marks --------------------------------------------------------------------------

FULL_OR_ZERO = measurement("M.1", "1.00", "1")
BANDS = measurement("M.2", "1.00", "1", calculation="bands",
                    bands=(Band(D("0.2"), D("1.00")), Band(D("0.5"), D("0.50"))))
DEDUCTION = measurement("M.3", "1.00", "1", calculation="deduction", deduct=D("0.25"))
UNEVEN_DEDUCTION = measurement("M.4", "1.00", "1", calculation="deduction", deduct=D("0.30"))


@pytest.mark.parametrize(("aspect", "allowed"), [
    (FULL_OR_ZERO, ["0.00", "1.00"]),
    (BANDS, ["0.00", "0.50", "1.00"]),
    (DEDUCTION, ["0.00", "0.25", "0.50", "0.75", "1.00"]),
    (UNEVEN_DEDUCTION, ["0.00", "0.10", "0.40", "0.70", "1.00"]),  # max − k × deduct, or 0
])
def test_allowed_measurement_marks(aspect, allowed):
    """The marks a paper form or tablet may send, per calculation (formats.md, marks)."""
    assert [str(m) for m in allowed_measurement_marks(aspect)] == allowed


@pytest.mark.parametrize(("deviation", "expected"), [
    ("0", "1.00"),
    ("0.15", "1.00"),
    ("0.2", "1.00"),     # within 0.2 → full (the limit itself is within)
    ("-0.2", "1.00"),    # a deviation either way
    ("0.21", "0.50"),
    ("0.5", "0.50"),     # within 0.5 → half
    ("-0.45", "0.50"),
    ("0.51", "0.00"),    # else 0
    ("3", "0.00"),
])
def test_band_mark(deviation, expected):
    """marking.md's bands example: within 0.2 → full, within 0.5 → half, else 0."""
    assert band_mark(BANDS, D(deviation)) == D(expected)


@pytest.mark.parametrize(("aspect", "defects", "expected"), [
    (DEDUCTION, 0, "1.00"),
    (DEDUCTION, 1, "0.75"),
    (DEDUCTION, 3, "0.25"),
    (DEDUCTION, 4, "0.00"),
    (DEDUCTION, 9, "0.00"),          # never below 0
    (UNEVEN_DEDUCTION, 3, "0.10"),
    (UNEVEN_DEDUCTION, 4, "0.00"),   # 1.00 − 1.20 would be negative
])
def test_deduction_mark(aspect, defects, expected):
    """Start at max, deduct a fixed amount per defect, never below 0."""
    mark = deduction_mark(aspect, defects)
    assert mark == D(expected)
    assert measurement_refusal(aspect, mark) is None


@pytest.mark.parametrize(("aspect", "mark", "refusal"), [
    (FULL_OR_ZERO, "0", None),
    (FULL_OR_ZERO, "0.00", None),
    (FULL_OR_ZERO, "1.00", None),
    (FULL_OR_ZERO, "0.50", "M.1: 0.50 is not allowed; allowed marks are 0.00, 1.00"),
    (FULL_OR_ZERO, "1.01", "M.1: 1.01 is not between 0 and 1.00 with at most 2 decimals"),
    (FULL_OR_ZERO, "-0.01", "M.1: -0.01 is not between 0 and 1.00 with at most 2 decimals"),
    (FULL_OR_ZERO, "0.999", "M.1: 0.999 is not between 0 and 1.00 with at most 2 decimals"),
    (FULL_OR_ZERO, "NaN", "M.1: NaN is not between 0 and 1.00 with at most 2 decimals"),
    (FULL_OR_ZERO, "1E+30", "M.1: 1E+30 is not between 0 and 1.00 with at most 2 decimals"),
    (BANDS, "0.50", None),
    (BANDS, "1.00", None),
    (BANDS, "0", None),
    (BANDS, "0.75", "M.2: 0.75 is not allowed; allowed marks are 0.00, 0.50, 1.00"),
    (DEDUCTION, "0.75", None),
    (DEDUCTION, "0.60", "M.3: 0.60 is not allowed; allowed marks are 0.00, 0.25, 0.50, 0.75, 1.00"),
    (UNEVEN_DEDUCTION, "0.10", None),
    (UNEVEN_DEDUCTION, "0.30", "M.4: 0.30 is not allowed; allowed marks are 0.00, 0.10, 0.40, 0.70, 1.00"),
])
def test_measurement_refusal(aspect, mark, refusal):
    """A tablet or paper mark that the calculation cannot award is refused with the allowed list;
    a mangled value (huge, NaN, 3 decimals) is refused too rather than crashing the request."""
    found = measurement_refusal(aspect, D(mark))
    assert (None if found is None else str(found)) == refusal


# --- totals ---------------------------------------------------------------------------------------

def test_totals_of_sub_criteria_criteria_and_raw():
    """Sub-criterion, criterion and raw totals add aspect marks; a missing aspect counts 0."""
    marks = {"A1.1": D("10.00"), "A1.2": judgement_mark(D("10.00"), [2, 2, 3]),
             "B1.2": deduction_mark(aspect_of(valid_scheme(), "B1.2"), 1), "C1.1": D("12.50")}
    result = totals(valid_scheme(), marks)
    assert result.sub_criteria == {"A1": D("17.78"), "B1": D("15.00"), "C1": D("12.50"), "C2": D("0.00")}
    assert result.criteria == {"A": D("17.78"), "B": D("15.00"), "C": D("12.50")}
    assert str(result.raw) == "45.28"


def test_totals_of_nothing_marked_are_zero():
    """An absent contestant's aspects are recorded as 0: every total is 0.00, none is missing."""
    result = totals(valid_scheme(), {})
    assert str(result.raw) == "0.00"
    assert set(result.criteria) == {"A", "B", "C"} and set(result.criteria.values()) == {D("0.00")}


def test_full_marks_total_100():
    result = totals(valid_scheme(), {a.id: a.max for a in valid_scheme().aspects()})
    assert str(result.raw) == "100.00"


def test_totals_add_the_rounded_aspect_marks():
    """Three 1.00 judgement aspects scored 1, 1, 1 are 0.33 each: the total is 0.99, not 1.00
    (marking.md: totals are sums of the rounded aspect marks)."""
    aspects = tuple(judgement(f"A1.{i}", "1.00", "1") for i in (1, 2, 3))
    scheme = Scheme((Standard("1", "All", D("100")),),
                    (Criterion("A", "All", (SubCriterion("A1", "All", 1, aspects),)),))
    result = totals(scheme, {a.id: judgement_mark(a.max, [1, 1, 1]) for a in aspects})
    assert str(result.raw) == "0.99"
    assert result.sub_criteria == {"A1": D("0.99")}


@pytest.mark.parametrize(("marks", "expected"), [
    ([], "0.00"),
    (["0.33", "0.33", "0.33"], "0.99"),
    (["1", "2.5"], "3.50"),
])
def test_subtotal(marks, expected):
    assert str(subtotal(D(m) for m in marks)) == expected


# --- scheme validation --------------------------------------------------------------------------

def test_the_builders_scheme_is_valid():
    """Every test below breaks one thing of this scheme, so it must itself be sound."""
    scheme = valid_scheme()
    assert scheme.max_total == D("100.00")
    assert validate_scheme(scheme) == []


def test_a_finding_reads_where_then_what():
    finding = Finding("criteria[0].total", "criterion %(code)s is off", {"code": "A"})
    assert (finding.text, str(finding)) == ("criterion A is off", "criteria[0].total: criterion A is off")
    assert str(Finding("", "no place")) == "no place"


C_SUBS = valid_scheme().criteria[2].sub_criteria


@pytest.mark.parametrize(("broken", "expected"), [
    pytest.param(with_criterion(valid_scheme(), 2, code="B"),
                 "criteria: criterion B appears more than once", id="criterion"),
    pytest.param(with_criterion(valid_scheme(), 2, sub_criteria=(C_SUBS[0], replace(C_SUBS[1], id="C1"))),
                 "criteria: sub-criterion C1 appears more than once", id="sub-criterion"),
    pytest.param(with_aspects(valid_scheme(), A1_2={"id": "A1.1"}),
                 "criteria: aspect A1.1 appears more than once", id="aspect"),
])
def test_duplicate_ids(broken, expected):
    """Ids must be unique: marks, imports and totals look aspects up by id."""
    assert problems(broken) == [expected]


@pytest.mark.parametrize(("first", "second", "flagged"), [
    ("0.00", "20.00", ["A1.1"]),
    ("-5.00", "25.00", ["A1.1"]),
    ("10.005", "9.995", ["A1.1", "A1.2"]),   # the pair still sums to the criterion's 20.00
])
def test_max_mark_above_zero_with_two_decimals(first, second, flagged):
    """max > 0 with at most 2 decimals; the broken pair keeps its sum where it can, to isolate the rule."""
    broken = with_aspects(valid_scheme(), A1_1={"max": D(first)}, A1_2={"max": D(second)})
    paths = {"A1.1": A1_1, "A1.2": A1_2}
    expected = [f"{paths[i]}.max: {i}: max mark must be above 0 with at most 2 decimals" for i in flagged]
    assert problems(broken) == expected


def test_a_huge_max_is_listed_not_raised():
    """1E+30 has no decimals, so only the totals catch it; the checks must not trap on its length."""
    broken = with_aspects(valid_scheme(), C2_1={"max": D("1E+30")})
    assert problems(broken) == [
        "criteria: the aspects' max marks sum to 1.000000000000000000000000000E+30, not 100.00",
        "standards: section 3 has 1.000000000000000000000000000E+30 marks for a weight of 50.00 "
        "(allowed variation 5.00)"]


def test_trailing_zeros_are_not_extra_decimals():
    """10.000 is the number 10.00: only the value counts, not how a file spelled it."""
    broken = with_aspects(valid_scheme(), A1_1={"max": D("10.000")})
    assert problems(broken) == []


def test_criterion_total_must_match_its_aspects():
    """A stated criterion mark that differs from its aspects' sum is refused, naming both numbers."""
    broken = with_criterion(valid_scheme(), 0, total=D("21.00"))
    assert problems(broken) == ["criteria[0].total: criterion A states 21.00 but its aspects sum to 20.00"]


def test_grand_total_must_be_100():
    """Without stated criterion totals, only the 100.00 check sees a missing mark."""
    broken = with_aspects(valid_scheme(), C2_1={"max": D("24.00")})
    assert problems(broken) == ["criteria: the aspects' max marks sum to 99.00, not 100.00"]


def test_aspect_section_must_exist():
    """Each aspect assesses one existing standards section (tolerance widened to isolate the rule)."""
    broken = with_aspects(valid_scheme(), A1_1={"section": "9"})
    assert problems(broken, tolerance="100") == [f"{A1_1}.section: A1.1: section 9 is not in the standards"]


@pytest.mark.parametrize(("weights", "expected"), [
    (("20.00", "30.00", "45.00"), "standards: section weights sum to 95.00, not 100"),
    (("25.00", "30.00", "50.00"), "standards: section weights sum to 105.00, not 100"),
])
def test_section_weights_must_sum_to_100(weights, expected):
    assert problems(with_weights(valid_scheme(), *weights)) == [expected]


def test_section_weight_needs_two_decimals():
    broken = with_weights(valid_scheme(), "20.005", "29.995", "50.00")
    assert problems(broken) == ["standards[0].weight: must be a number ≥ 0 with at most 2 decimals",
                                "standards[1].weight: must be a number ≥ 0 with at most 2 decimals"]


def test_sections_outside_the_tolerance_are_listed():
    """Moving A1.1 (10 marks) from section 1 to 2 puts both 10 marks off their weights."""
    broken = with_aspects(valid_scheme(), A1_1={"section": "2"})
    assert problems(broken) == [
        "standards: section 1 has 10.00 marks for a weight of 20.00 (allowed variation 5.00)",
        "standards: section 2 has 40.00 marks for a weight of 30.00 (allowed variation 5.00)",
    ]


@pytest.mark.parametrize(("weights", "tolerance", "off"), [
    (("25.00", "30.00", "45.00"), "5.00", []),              # exactly ±5: still inside
    (("24.99", "30.00", "45.01"), "5.00", []),
    (("25.01", "30.00", "44.99"), "5.00", ["1", "3"]),      # 5.01 off: outside
    (("25.00", "30.00", "45.00"), "4.99", ["1", "3"]),      # the tolerance is configurable
    (("30.00", "30.00", "40.00"), "10.00", []),
    (("20.00", "30.00", "50.00"), "0", []),                 # exact weights pass a zero tolerance
])
def test_section_tolerance(weights, tolerance, off):
    """Marks per section must stay within ±tolerance of the weight (marking.md: ±5, configurable)."""
    found = validate_scheme(with_weights(valid_scheme(), *weights), D(tolerance))
    assert [f.params["section"] for f in found] == off
    assert all(f.where == "standards" and f.params["tolerance"] == D(tolerance) for f in found)


@pytest.mark.parametrize("descriptors", [
    DESCRIPTORS[:3],
    DESCRIPTORS + ("beyond",),
    (),
    DESCRIPTORS[:2] + ("",) + DESCRIPTORS[3:],
    DESCRIPTORS[:3] + ("   ",),
])
def test_judgement_aspect_needs_four_descriptors(descriptors):
    """One descriptor per score 0, 1, 2, 3, none of them blank."""
    broken = with_aspects(valid_scheme(), A1_2={"descriptors": descriptors})
    assert problems(broken) == [
        f"{A1_2}.descriptors: A1.2: a judgement aspect needs four descriptors, for scores 0, 1, 2 and 3"]


BANDS_PROBLEM = (f"{B1_1}.bands: B1.1: band limits must ascend from 0, marks must not increase and stay "
                 "between 0 and the max mark")


@pytest.mark.parametrize(("bands", "expected"), [
    pytest.param(((D("0.5"), D("10.00")), (D("0.2"), D("5.00"))), BANDS_PROBLEM, id="limits descending"),
    pytest.param(((D("0.2"), D("10.00")), (D("0.2"), D("5.00"))), BANDS_PROBLEM, id="limits equal"),
    pytest.param(((D("0.2"), D("5.00")), (D("0.5"), D("10.00"))), BANDS_PROBLEM, id="marks increasing"),
    pytest.param(((D("0.2"), D("10.01")), (D("0.5"), D("5.00"))), BANDS_PROBLEM, id="mark above max"),
    pytest.param(((D("0.2"), D("10.00")), (D("0.5"), D("-1.00"))), BANDS_PROBLEM, id="mark below 0"),
    pytest.param(((D("0.2"), D("10.00")), (D("0.5"), D("4.999"))), BANDS_PROBLEM, id="mark 3 decimals"),
    pytest.param(((D("-0.1"), D("10.00")),), BANDS_PROBLEM, id="negative limit"),
    pytest.param((), f"{B1_1}.bands: B1.1: bands are required for the bands calculation", id="none"),
])
def test_bands_must_be_ordered_and_within_max(bands, expected):
    broken = with_aspects(valid_scheme(), B1_1={"bands": tuple(Band(*b) for b in bands)})
    assert problems(broken) == [expected]


@pytest.mark.parametrize("deduct", [None, D("0"), D("-1.00"), D("0.125"), D("20.01")])
def test_deduction_must_be_positive_two_decimals_and_at_most_max(deduct):
    broken = with_aspects(valid_scheme(), B1_2={"deduct": deduct})
    assert problems(broken) == [f"{B1_2}.deduct: B1.2: a deduction must be above 0, at most the max mark, "
                                "with at most 2 decimals"]


def test_a_deduction_of_the_whole_max_is_allowed():
    assert problems(with_aspects(valid_scheme(), B1_2={"deduct": D("20.00")})) == []


@pytest.mark.parametrize("aspect_type", ["X", "m", "", "MJ"])
def test_unknown_aspect_type(aspect_type):
    broken = with_aspects(valid_scheme(), A1_1={"type": aspect_type})
    assert problems(broken) == [f"{A1_1}.type: A1.1: type must be M or J"]


@pytest.mark.parametrize("calculation", ["average", "", "Bands"])
def test_unknown_calculation(calculation):
    broken = with_aspects(valid_scheme(), A1_1={"calculation": calculation})
    assert problems(broken) == [
        f"{A1_1}.calculation: A1.1: calculation must be full_or_zero, bands or deduction"]


@pytest.mark.parametrize(("broken", "expected"), [
    pytest.param(replace(valid_scheme(), criteria=()),
                 ["criteria: a scheme needs at least one criterion",
                  "standards: section 1 has 0.00 marks for a weight of 20.00 (allowed variation 5.00)",
                  "standards: section 2 has 0.00 marks for a weight of 30.00 (allowed variation 5.00)",
                  "standards: section 3 has 0.00 marks for a weight of 50.00 (allowed variation 5.00)"],
                 id="no criteria"),
    pytest.param(with_criterion(valid_scheme(), 0, sub_criteria=(), total=None),
                 ["criteria[0].sub_criteria: criterion A has no sub-criteria",
                  "criteria: the aspects' max marks sum to 80.00, not 100.00",
                  "standards: section 1 has 0.00 marks for a weight of 20.00 (allowed variation 5.00)"],
                 id="no sub-criteria"),
])
def test_empty_parts(broken, expected):
    """An empty scheme or criterion is refused, along with what its absence knocks off."""
    assert problems(broken) == expected


def test_a_scheme_without_standards():
    broken = replace(valid_scheme(), standards=())
    found = problems(broken)
    assert found[0] == "standards: a scheme needs its standards sections with weights"
    assert f"{A1_1}.section: A1.1: section 1 is not in the standards" in found


def test_every_problem_is_listed_not_only_the_first():
    """A scheme with five unrelated problems gets five findings, so the author fixes them in one go."""
    broken = with_aspects(valid_scheme(), A1_2={"id": "A1.1", "descriptors": DESCRIPTORS[:3]},
                          B1_1={"bands": ()}, C2_1={"type": "X"})
    broken = with_criterion(broken, 0, total=D("19.00"))
    broken = with_weights(broken, "20.00", "30.00", "40.00")
    assert sorted(problems(broken)) == sorted([
        "standards: section weights sum to 90.00, not 100",
        "standards: section 3 has 50.00 marks for a weight of 40.00 (allowed variation 5.00)",
        "criteria: aspect A1.1 appears more than once",
        f"{A1_2}.descriptors: A1.1: a judgement aspect needs four descriptors, for scores 0, 1, 2 and 3",
        "criteria[0].total: criterion A states 19.00 but its aspects sum to 20.00",
        f"{B1_1}.bands: B1.1: bands are required for the bands calculation",
        "criteria[2].sub_criteria[1].aspects[0].type: C2.1: type must be M or J",
    ])

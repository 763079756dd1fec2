"""Competition-as-assessment (以赛代评) against promotion.md: the ladder, then each shipped rule set.

Each table row is worked by hand from promotion.md's tables: a contest (tier, class, N competed),
a candidate (rank, award, group, the level held in the skill's occupation) and the level proposed
(``None``: no promotion) with the rule that justifies it. Levels are codes (formats.md):
``level5`` 初级工 · ``level4`` 中级工 · ``level3`` 高级工 · ``level2`` 技师 · ``level1`` 高级技师.
"""
from __future__ import annotations

import pytest

from scoring.levels import LADDER
from scoring.promotion import (
    GRANTABLE,
    HIGHEST_GRANTED,
    SHIPPED,
    Candidate,
    Contest,
    HeldLevel,
    PriorPromotion,
    capped,
    coverage_problem,
    current_level,
    level_up,
    propose,
    rule_applies,
    shipped_rule_set,
)

WELDER = "6-18-02-04"      # 焊工, the skill's occupation in every row
TURNER = "6-18-01-01"      # 车工, another occupation


def contest(tier: str, klass: str | None = None, n: int = 30, *, year: int = 2024,
            effective: str | None = None, team_size: int = 1, occupation: str | None = WELDER,
            event: str = "EV-2024") -> Contest:
    return Contest(tier=tier, event_class=klass, effective_tier=effective, year=year, competed=n,
                   occupation=occupation, team_size=team_size, event=event)


def candidate(rank: int | None, award: str | None = None, group: str | None = "employee",
              held: str | None = None, elsewhere: str | None = None) -> Candidate:
    """``held`` is in the skill's occupation (焊工); ``elsewhere`` in another one (车工)."""
    levels = ((HeldLevel(WELDER, held),) if held else ()) + (
        (HeldLevel(TURNER, elsewhere),) if elsewhere else ())
    return Candidate(rank=rank, award=award, group=group, levels=levels)


def outcome_of(code: str, the_contest: Contest, the_candidate: Candidate, history=()):
    return propose(shipped_rule_set(code), the_contest, the_candidate, history)


def check(code: str, the_contest: Contest, the_candidate: Candidate, proposed: str | None,
          rule: str | None) -> None:
    outcome = outcome_of(code, the_contest, the_candidate)
    assert (outcome.proposed, outcome.rule) == (proposed, rule), outcome.reason.text
    assert outcome.reason.text


# --- the ladder --------------------------------------------------------------------------------------

def test_the_ladder_is_the_eight_levels_lowest_first():
    assert LADDER == ("apprentice", "level5", "level4", "level3", "level2", "level1", "principal", "chief")
    assert GRANTABLE == ("level5", "level4", "level3", "level2", "level1")   # the five numbered levels
    assert HIGHEST_GRANTED == "level1"


@pytest.mark.parametrize(("current", "cap", "up"), [
    pytest.param(None, "level1", "level5", id="no level: one up is 初级工"),
    pytest.param("apprentice", "level1", "level5", id="学徒工 → 初级工"),
    pytest.param("level5", "level1", "level4", id="初级工 → 中级工"),
    pytest.param("level3", "level1", "level2", id="高级工 → 技师"),
    pytest.param("level2", "level1", "level1", id="技师 → 高级技师"),
    pytest.param("level1", "level1", None, id="高级技师: nothing above that a contest grants"),
    pytest.param("principal", "level1", None, id="特级技师: above every grant"),
    pytest.param("level3", "level2", "level2", id="cap 技师 reached exactly"),
    pytest.param("level2", "level2", None, id="at the cap"),
    pytest.param("level1", "level2", None, id="above the cap"),
    pytest.param(None, "level5", "level5", id="cap 初级工 from none"),
])
def test_one_level_up_with_a_cap(current, cap, up):
    assert level_up(current, cap) == up


def test_one_level_up_never_passes_level1_whatever_the_cap():
    assert level_up("level2") == "level1"
    assert level_up("level1") is None
    for cap in ("principal", "apprentice"):
        with pytest.raises(ValueError):
            level_up("level3", cap)


@pytest.mark.parametrize(("level", "cap", "result"), [
    ("level3", "level2", "level3"), ("level2", "level2", "level2"), ("level1", "level2", "level2"),
    ("principal", "level1", "level1"),
])
def test_capped(level, cap, result):
    assert capped(level, cap) == result


def test_current_level_is_the_highest_held_in_the_occupation():
    levels = (HeldLevel(WELDER, "level4"), HeldLevel(TURNER, "level1"), HeldLevel(WELDER, "level3"))
    assert current_level(levels, WELDER) == "level3"
    assert current_level(levels, TURNER) == "level1"
    assert current_level(levels, "4-14-01-02") is None
    assert current_level((), WELDER) is None


# --- national-2023: PRC National Skills Competition, skill events, both groups ----------------------

NATIONAL = contest("national", "1")


@pytest.mark.parametrize(("the_candidate", "proposed", "rule"), [
    pytest.param(candidate(1, "gold"), "level2", "medal-or-excellence", id="gold, no level → 技师"),
    pytest.param(candidate(2, "silver", "student", "level3"), "level2", "medal-or-excellence",
                 id="student silver, 高级工 → 技师 (both groups)"),
    pytest.param(candidate(3, "bronze", held="level2"), "level1", "medal-or-excellence",
                 id="bronze, already 技师 → 高级技师"),
    pytest.param(candidate(9, "excellence", held="level4"), "level2", "medal-or-excellence",
                 id="优胜奖, 中级工 → 技师"),
    pytest.param(candidate(9, "excellence", "student", "level2"), "level1", "medal-or-excellence",
                 id="student 优胜奖, already 技师 → 高级技师"),
    pytest.param(candidate(1, "gold", held="level1"), None, "medal-or-excellence", id="already 高级技师"),
    pytest.param(candidate(20, None, held="level3"), None, None, id="no award"),
    pytest.param(candidate(3, "bronze", elsewhere="level2"), "level2", "medal-or-excellence",
                 id="技师 in 车工 counts as none in 焊工 → 技师, not 高级技师"),
    pytest.param(candidate(3, "bronze", held="level4", elsewhere="level1"), "level2", "medal-or-excellence",
                 id="a higher level elsewhere changes nothing"),
    pytest.param(candidate(3, "bronze", group=None), "level2", "medal-or-excellence",
                 id="group unknown: the rule covers both groups alike"),
])
def test_national_2023(the_candidate, proposed, rule):
    check("national-2023", NATIONAL, the_candidate, proposed, rule)


@pytest.mark.parametrize("klass", [None, "1", "comprehensive"])
def test_national_2023_covers_national_class_1_however_written(klass):
    check("national-2023", contest("national", klass), candidate(1, "gold"), "level2", "medal-or-excellence")


@pytest.mark.parametrize(("team_size", "rank", "proposed"), [
    (1, 5, True), (1, 6, False), (2, 3, True), (2, 4, False), (3, 2, True), (3, 3, False), (4, 1, False),
])
def test_national_2023_proposes_the_national_technical_expert_title(team_size, rank, proposed):
    """Top 5 individuals, 2-person teams top 3, 3-person teams top 2; larger teams are not covered."""
    outcome = outcome_of("national-2023", contest("national", "1", team_size=team_size), candidate(rank))
    assert [t.title for t in outcome.titles] == (["national_technical_expert"] if proposed else [])
    assert all(t.reason.text for t in outcome.titles)


def test_a_title_is_not_a_level():
    """Rank 4 without an award gets the title proposal and no level."""
    outcome = outcome_of("national-2023", NATIONAL, candidate(4, None))
    assert outcome.proposed is None
    assert [(t.title, t.rule) for t in outcome.titles] == [
        ("national_technical_expert", "top5-technical-expert")]


# --- national-industry-printing: employees and students differ ---------------------------------------

PRINTING = contest("national_industry", None, 40)


@pytest.mark.parametrize(("the_candidate", "proposed", "rule"), [
    pytest.param(candidate(1), "level2", "top5", id="1st, no level → 技师"),
    pytest.param(candidate(5, held="level2"), "level1", "top5", id="5th, already 技师 → 高级技师"),
    pytest.param(candidate(5, held="level1"), None, "top5", id="5th, already 高级技师"),
    pytest.param(candidate(3, group="student"), "level3", "top5", id="student 3rd → 高级工"),
    pytest.param(candidate(3, group="student", held="level4"), "level3", "top5", id="student 中级工 → 高级工"),
    pytest.param(candidate(3, group="student", held="level3"), None, "top5",
                 id="student already 高级工: the student column has no 'already' clause"),
    pytest.param(candidate(6), "level3", "6-20", id="6th, no level → 高级工"),
    pytest.param(candidate(20, held="level3"), "level2", "6-20", id="20th, already 高级工 → 技师"),
    pytest.param(candidate(12, held="level2"), None, "6-20", id="a 技师 placing 12th stays 技师"),
    pytest.param(candidate(12, group="student"), None, None, id="student 12th: certificate only"),
    pytest.param(candidate(21), None, None, id="21st"),
    pytest.param(candidate(3, group=None), None, None, id="group unknown and the rule has a student column"),
])
def test_national_industry_printing(the_candidate, proposed, rule):
    check("national-industry-printing", PRINTING, the_candidate, proposed, rule)


def test_printing_title_goes_to_employees_only():
    employee = outcome_of("national-industry-printing", PRINTING, candidate(5))
    student = outcome_of("national-industry-printing", PRINTING, candidate(5, group="student"))
    assert [t.title for t in employee.titles] == ["national_technical_expert"]
    assert student.titles == ()


# --- zhenxing-2006: national class 1; 6–20 one level up, at most 技师 --------------------------------

ZHENXING = contest("national", "1")


@pytest.mark.parametrize(("the_candidate", "proposed", "rule"), [
    pytest.param(candidate(1), "level2", "top5", id="1st → 技师"),
    pytest.param(candidate(5, held="level2"), "level1", "top5", id="5th, already 技师 → 高级技师"),
    pytest.param(candidate(6), "level5", "6-20", id="6th, no level: one up is 初级工"),
    pytest.param(candidate(6, held="apprentice"), "level5", "6-20", id="学徒工 → 初级工"),
    pytest.param(candidate(10, held="level4"), "level3", "6-20", id="中级工 → 高级工"),
    pytest.param(candidate(20, held="level3"), "level2", "6-20", id="高级工 → 技师, the cap"),
    pytest.param(candidate(12, held="level2"), None, "6-20", id="技师: at the cap"),
    pytest.param(candidate(12, held="level1"), None, "6-20", id="高级技师: above the cap"),
    pytest.param(candidate(8, elsewhere="level3"), "level5", "6-20", id="高级工 in 车工 counts as none"),
    pytest.param(candidate(21, held="level4"), None, None, id="21st"),
    pytest.param(candidate(3, group="student"), None, None, id="employees only"),
])
def test_zhenxing_2006(the_candidate, proposed, rule):
    check("zhenxing-2006", ZHENXING, the_candidate, proposed, rule)


# --- tianjin-2024: by tier and class, student columns, one promotion a year --------------------------

@pytest.mark.parametrize(("the_contest", "the_candidate", "proposed", "rule"), [
    pytest.param(contest("municipal", "1"), candidate(10), "level2", "city-class1-top10",
                 id="class 1, 10th → 技师"),
    pytest.param(contest("municipal", "comprehensive"), candidate(1, held="level2"), "level1",
                 "city-class1-top10", id="comprehensive, already 技师 → 高级技师"),
    pytest.param(contest("municipal", "1"), candidate(4, group="student"), "level3", "city-class1-top10",
                 id="student → 高级工"),
    pytest.param(contest("municipal", "1"), candidate(4, group="student", held="level3"), None,
                 "city-class1-top10", id="student already 高级工"),
    pytest.param(contest("municipal", "1"), candidate(11), None, None, id="11th"),
    pytest.param(contest("municipal", "2"), candidate(6, held="level4"), "level3", "city-class2-top6",
                 id="class 2, 中级工 → 高级工"),
    pytest.param(contest("municipal", "2"), candidate(6, held="level3"), "level2", "city-class2-top6",
                 id="class 2, already 高级工 → 技师"),
    pytest.param(contest("municipal", "2"), candidate(2, held="level2"), None, "city-class2-top6",
                 id="class 2, 技师 stays"),
    pytest.param(contest("municipal", "2"), candidate(2, group="student"), "level4", "city-class2-top6",
                 id="class 2 student → 中级工"),
    pytest.param(contest("municipal", "2"), candidate(7), None, None, id="class 2, 7th"),
    pytest.param(contest("county"), candidate(6), "level3", "district-top6", id="district 6th → 高级工"),
    pytest.param(contest("county", "1"), candidate(1, held="level3"), "level2", "district-top6",
                 id="district of any class"),
    pytest.param(contest("enterprise", n=10), candidate(3), "level4", "enterprise-school-top30",
                 id="top 30% of 10 is 3"),
    pytest.param(contest("enterprise", n=10), candidate(4), None, None, id="4th of 10"),
    pytest.param(contest("enterprise", n=9), candidate(3), "level4", "enterprise-school-top30",
                 id="odd N: ⌈0.3 × 9⌉ = ⌈2.7⌉ = 3"),
    pytest.param(contest("enterprise", n=9), candidate(4), None, None, id="4th of 9"),
    pytest.param(contest("school", n=7), candidate(3, held="level4"), "level3", "enterprise-school-top30",
                 id="odd N: ⌈2.1⌉ = 3, already 中级工 → 高级工"),
    pytest.param(contest("school", n=5), candidate(2), "level4", "enterprise-school-top30", id="⌈1.5⌉ = 2"),
    pytest.param(contest("school", n=5), candidate(3), None, None, id="3rd of 5"),
    pytest.param(contest("school", n=1), candidate(1), "level4", "enterprise-school-top30", id="⌈0.3⌉ = 1"),
    pytest.param(contest("school", n=10), candidate(1, group="student", held="level4"), None,
                 "enterprise-school-top30", id="student already 中级工: 中级工 only"),
    pytest.param(contest("school", n=10), candidate(1, group="student", held="level5"), "level4",
                 "enterprise-school-top30", id="student 初级工 → 中级工"),
])
def test_tianjin_2024(the_contest, the_candidate, proposed, rule):
    check("tianjin-2024", the_contest, the_candidate, proposed, rule)


def test_tianjin_refuses_a_second_promotion_in_the_same_year():
    prior = PriorPromotion(year=2024, event="TJ2024-CITY", occupation=TURNER, level="level3",
                           rule_set="tianjin-2024")
    outcome = outcome_of("tianjin-2024", contest("municipal", "1"), candidate(1), [prior])
    assert (outcome.proposed, outcome.rule, outcome.current) == (None, "city-class1-top10", None)
    assert "TJ2024-CITY" in outcome.reason.text and "2024" in outcome.reason.text
    assert "技师" in outcome.reason.text


@pytest.mark.parametrize("prior", [
    pytest.param(PriorPromotion(2023, "TJ2023-CITY", WELDER, "level3", "tianjin-2024"), id="last year"),
    pytest.param(PriorPromotion(2024, "EV-2024", WELDER, "level3", "tianjin-2024"),
                 id="this very event (proposals computed again)"),
])
def test_one_per_year_counts_other_events_of_the_same_year_only(prior):
    outcome = outcome_of("tianjin-2024", contest("municipal", "1"), candidate(1), [prior])
    assert outcome.proposed == "level2"


def test_one_per_year_counts_a_promotion_under_any_rule_set():
    """天津: 同一年内参加竞赛只能晋升一次 — any contest promotion that year, not only Tianjin's."""
    prior = PriorPromotion(2024, "CN2024-NAT", WELDER, "level3", "national-2023")
    assert outcome_of("tianjin-2024", contest("county"), candidate(1), [prior]).proposed is None


def test_without_one_per_year_a_second_promotion_is_proposed():
    prior = PriorPromotion(2024, "TJ2024-CITY", WELDER, "level3", "tianjin-2024")
    outcome = outcome_of("national-2023", NATIONAL, candidate(1, "gold", held="level3"), [prior])
    assert outcome.proposed == "level2"


def test_one_per_year_does_not_hide_a_better_reason():
    """No placing, no promotion: the reason says so, not the earlier promotion."""
    prior = PriorPromotion(2024, "TJ2024-CITY", WELDER, "level3", "tianjin-2024")
    outcome = outcome_of("tianjin-2024", contest("municipal", "1"), candidate(11), [prior])
    assert outcome.proposed is None and "TJ2024-CITY" not in outcome.reason.text


# --- hunan-2022, hainan-2023, jiangxi-2022: provincial class 1, employees ----------------------------

PROVINCIAL = contest("provincial", "1")


@pytest.mark.parametrize(("the_candidate", "proposed", "rule"), [
    pytest.param(candidate(12, "excellence", held="level3"), "level2", "excellence-or-better", id="优胜奖 → 技师"),
    pytest.param(candidate(1, "gold", held="level2"), "level1", "excellence-or-better", id="gold, 技师 → 高级技师"),
    pytest.param(candidate(15, None, held="level3"), None, None, id="no award"),
    pytest.param(candidate(1, "gold", group="student"), None, None, id="employees only"),
])
def test_hunan_2022(the_candidate, proposed, rule):
    check("hunan-2022", PROVINCIAL, the_candidate, proposed, rule)


@pytest.mark.parametrize(("the_candidate", "proposed", "rule"), [
    pytest.param(candidate(1, "gold"), "level2", "medal", id="gold → 技师"),
    pytest.param(candidate(3, "bronze", held="level2"), "level1", "medal", id="bronze, 技师 → 高级技师"),
    pytest.param(candidate(8, "excellence", held="level4"), "level3", "excellence", id="优胜奖 → 高级工"),
    pytest.param(candidate(8, "excellence", held="level3"), "level2", "excellence", id="优胜奖, 高级工 → 技师"),
    pytest.param(candidate(8, "excellence", held="level2"), None, "excellence", id="优胜奖, 技师 stays"),
    pytest.param(candidate(8, "excellence", held="level1"), None, "excellence", id="优胜奖, 高级技师 stays"),
    pytest.param(candidate(20, None), None, None, id="no award"),
])
def test_hainan_2023(the_candidate, proposed, rule):
    check("hainan-2023", PROVINCIAL, the_candidate, proposed, rule)


@pytest.mark.parametrize(("the_contest", "the_candidate", "proposed", "rule"), [
    pytest.param(PROVINCIAL, candidate(1, held="level4"), "level2", "top6", id="1st, 中级工 → 技师"),
    pytest.param(PROVINCIAL, candidate(6), "level2", "top6", id="6th → 技师"),
    pytest.param(PROVINCIAL, candidate(6, held="level2"), None, "top6",
                 id="already 技师: 高级技师 is not stated, so no promotion"),
    pytest.param(PROVINCIAL, candidate(7), None, None, id="7th"),
    pytest.param(PROVINCIAL, candidate(1, group="student"), None, None, id="students: no rule"),
    pytest.param(PROVINCIAL, candidate(1, group=None), None, None, id="group unknown"),
    pytest.param(contest("provincial", "comprehensive"), candidate(2), "level2", "top6",
                 id="comprehensive counts as class 1"),
])
def test_jiangxi_2022(the_contest, the_candidate, proposed, rule):
    check("jiangxi-2022", the_contest, the_candidate, proposed, rule)


def test_jiangxi_proposes_the_provincial_technical_expert_title_to_its_top_6():
    assert [t.title for t in outcome_of("jiangxi-2022", PROVINCIAL, candidate(6)).titles] == [
        "provincial_technical_expert"]
    assert outcome_of("jiangxi-2022", PROVINCIAL, candidate(7)).titles == ()


# --- explanations -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "the_contest", "the_candidate", "text"), [
    ("jiangxi-2022", PROVINCIAL, candidate(1, held="level4"), "rank 1 → 技师 (jiangxi-2022)"),
    ("national-2023", NATIONAL, candidate(3, "bronze", held="level2"),
     "award bronze, already 技师 → 高级技师 (national-2023)"),
    ("national-industry-printing", PRINTING, candidate(3, group="student"),
     "rank 3, student group → 高级工 (national-industry-printing)"),
    ("zhenxing-2006", ZHENXING, candidate(6), "rank 6: one level up from no level → 初级工 (zhenxing-2006)"),
    ("zhenxing-2006", ZHENXING, candidate(10, held="level4"),
     "rank 10: one level up from 中级工 → 高级工 (zhenxing-2006)"),
    ("tianjin-2024", contest("enterprise", n=9), candidate(3),
     "rank 3 of 9, in the top 30% (rank ≤ 3) → 中级工 (tianjin-2024)"),
    ("national-industry-printing", PRINTING, candidate(12, held="level2"),
     "no promotion: already 技师; rank 12 gives 高级工, or 技师 to a holder of 高级工 (national-industry-printing)"),
    ("jiangxi-2022", PROVINCIAL, candidate(6, held="level2"),
     "no promotion: already 技师, at or above the 技师 that rank 6 gives (jiangxi-2022)"),
    ("zhenxing-2006", ZHENXING, candidate(12, held="level2"),
     "no promotion: already 技师, and one level up stops at 技师 (zhenxing-2006)"),
    ("national-2023", NATIONAL, candidate(20),
     "no promotion: no award; national-2023 promotes gold, silver, bronze, excellence"),
    ("hainan-2023", PROVINCIAL, candidate(20, "first_prize"),
     ("no promotion: award first_prize is not among those hainan-2023 promotes: "
      "gold, silver, bronze, excellence")),
    ("jiangxi-2022", PROVINCIAL, candidate(7),
     "no promotion: rank 7; jiangxi-2022 promotes ranks up to 6 here"),
    ("tianjin-2024", contest("enterprise", n=9), candidate(4),
     "no promotion: rank 4 of 9 is outside the top 30% (rank ≤ 3) that tianjin-2024 promotes"),
    ("jiangxi-2022", PROVINCIAL, candidate(1, group="student"),
     "no promotion: rank 1 meets rule top6, which covers employees only (jiangxi-2022)"),
    ("jiangxi-2022", PROVINCIAL, candidate(1, group=None),
     ("no promotion: the contestant's group (employee or student) is not known, and rule top6 depends on it "
      "(jiangxi-2022)")),
    ("jiangxi-2022", PROVINCIAL, candidate(None), "no promotion: not ranked (did not compete)"),
    ("jiangxi-2022", contest("provincial", "2"), candidate(1),
     "no promotion: promotion rule set jiangxi-2022 has no rule for tier provincial, class 2"),
    ("national-industry-printing", contest("national"), candidate(1),
     "no promotion: promotion rule set national-industry-printing has no rule for tier national, class 1"),
    ("tianjin-2024", contest("enterprise", n=9, occupation=None), candidate(1),
     "no promotion: the skill names no occupation, and a level is always held in an occupation"),
])
def test_explanations(code, the_contest, the_candidate, text):
    assert outcome_of(code, the_contest, the_candidate).reason.text == text


def test_an_explanation_is_a_template_with_its_values_for_translation():
    reason = outcome_of("jiangxi-2022", PROVINCIAL, candidate(1)).reason
    assert reason.where == "top6"
    assert reason.template == "%(placing)s → %(level)s (%(rule_set)s)"
    assert reason.params["level"] == "技师" and reason.params["rule_set"] == "jiangxi-2022"
    assert reason.params["placing"].template == "rank %(rank)s"


def test_the_outcome_carries_the_current_and_resulting_level():
    outcome = outcome_of("national-2023", NATIONAL, candidate(3, "bronze", held="level2", elsewhere="level1"))
    assert (outcome.current, outcome.proposed, outcome.level, outcome.promoted) == (
        "level2", "level1", "level1", True)
    stays = outcome_of("national-2023", NATIONAL, candidate(20, None, held="level3"))
    assert (stays.current, stays.proposed, stays.level, stays.promoted) == ("level3", None, "level3", False)


# --- special contests, coverage (import event) -------------------------------------------------------

@pytest.mark.parametrize(("code", "tier", "klass", "effective", "applies"), [
    ("national-2023", "national", None, None, True),
    ("national-2023", "national", "comprehensive", None, True),
    ("national-2023", "national_industry", None, None, False),
    ("national-2023", "provincial", "1", None, False),
    ("national-2023", "special", None, "national", True),
    ("national-2023", "worldskills", None, None, False),
    ("national-industry-printing", "national_industry", None, None, True),
    ("national-industry-printing", "national", "1", None, False),
    ("zhenxing-2006", "national", "1", None, True),
    ("tianjin-2024", "municipal", "1", None, True),
    ("tianjin-2024", "municipal", "comprehensive", None, True),
    ("tianjin-2024", "municipal", "2", None, True),
    ("tianjin-2024", "municipal", None, None, False),
    ("tianjin-2024", "county", None, None, True),
    ("tianjin-2024", "enterprise", None, None, True),
    ("tianjin-2024", "school", None, None, True),
    ("tianjin-2024", "provincial", "1", None, False),
    ("tianjin-2024", "special", None, "municipal", False),
    ("tianjin-2024", "special", None, "county", True),
    ("hunan-2022", "provincial", "1", None, True),
    ("hunan-2022", "provincial", "comprehensive", None, True),
    ("hunan-2022", "provincial", "2", None, False),
    ("hunan-2022", "special", None, "provincial", False),
    ("hainan-2023", "provincial", "1", None, True),
    ("jiangxi-2022", "provincial", "1", None, True),
    ("jiangxi-2022", "provincial", "3", None, False),
    ("jiangxi-2022", "special", None, None, False),
])
def test_rule_applies(code, tier, klass, effective, applies):
    rule_set = shipped_rule_set(code)
    assert rule_applies(rule_set, tier, klass, effective) is applies
    problem = coverage_problem(rule_set, tier, klass, effective)
    assert (problem is None) is applies
    if problem is not None:
        assert code in problem.text and problem.where == "promotion_rules"


def test_coverage_problem_wording():
    problem = coverage_problem(shipped_rule_set("tianjin-2024"), "municipal", None)
    assert problem is not None
    assert problem.text == "promotion rule set tianjin-2024 has no rule for tier municipal without a class"
    problem = coverage_problem(shipped_rule_set("national-2023"), "special", None, "provincial")
    assert problem is not None
    assert problem.text == ("promotion rule set national-2023 has no rule for a special contest at tier "
                            "provincial")


def test_a_special_contest_is_judged_at_its_effective_tier():
    special = contest("special", None, effective="national")
    check("national-2023", special, candidate(1, "gold"), "level2", "medal-or-excellence")
    check("national-2023", contest("special", None, effective="provincial"), candidate(1, "gold"), None, None)


def test_title_rules_alone_do_not_cover_a_contest():
    """A team of four at a national contest: the level rule covers it, the title rules do not."""
    check("national-2023", contest("national", "1", team_size=4), candidate(1, "gold"), "level2",
          "medal-or-excellence")


# --- input checks ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("the_contest", "the_candidate"), [
    (contest("nowhere"), candidate(1)),
    (contest("national", n=3), candidate(4)),
    (contest("national"), candidate(0)),
    (contest("national"), candidate(1, "platinum")),
    (contest("national"), candidate(1, group="retiree")),
    (contest("national"), candidate(1, held="level9")),
    (contest("national", team_size=0), candidate(1)),
])
def test_inconsistent_input_is_a_programming_error(the_contest, the_candidate):
    with pytest.raises(ValueError):
        propose(shipped_rule_set("national-2023"), the_contest, the_candidate)


def test_every_shipped_code_is_listed():
    assert SHIPPED == ("national-2023", "national-industry-printing", "zhenxing-2006", "tianjin-2024",
                       "hunan-2022", "hainan-2023", "jiangxi-2022")

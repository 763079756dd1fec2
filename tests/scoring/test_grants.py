"""Grants against grants.md's worked examples, one province (or published table) at a time.

Every amount is an exact ``Decimal``: a line that is one fen off is a wrong payment. Facts are
written the way the app will derive them (events with their skills and organizers, competed
contestants with their award and rank, imported titles and training records), and each test
computes with the *shipped* rule set, so the TOML files in ``scoring/policies/grants`` are what is
tested, not a copy of them.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scoring.grants import (
    Base,
    Competitor,
    Event,
    EventSkill,
    Facts,
    GrantLine,
    GrantsError,
    Hire,
    LevelRise,
    Organizer,
    Title,
    Training,
    add_months,
    compute,
    export,
    fen,
    load_shipped,
    manual_amount_problems,
    mask_id,
    read_rule_set,
    shipped_texts,
    yuan,
)

D = Decimal
TODAY = date(2026, 12, 31)
SETS = load_shipped()
SETS_TEXT = shipped_texts()
WELD, CNC, ELEC, CHEF, CARE = "6-18-02-04", "6-18-01-02", "6-31-01-03", "4-03-02-01", "4-14-01-02"
# Scoring takes the person key as the app gives it (the app checks ID numbers); these sort P1 < P4.
P1, P2, P3, P4 = "110101199001011234", "220102199202021235", "330102199503031236", "440203199804041237"


def lines_of(result, rule: str | None = None) -> list[tuple[str, str, str, Decimal | None]]:
    return [(ln.payee, ln.rule, ln.trigger, ln.amount) for ln in result.lines
            if rule is None or ln.rule == rule]


def skill(code: str, name: str, occupation: str, host: str | None = None) -> EventSkill:
    return EventSkill(code, name=name, occupation=occupation, host_unit=host)


def competitor(event: str, skill_code: str, no: str, unit: str, id_number: str = "", *,
               award: str | None = None, rank: int | None = None, entry: str = "") -> Competitor:
    return Competitor(event=event, skill=skill_code, contestant_no=no, unit=unit,
                      id_number=id_number or f"ID-{no}", name=f"选手{no}", award=award, rank=rank,
                      entry=entry)


# --- money ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (D("1360"), D("1360.00")), (D("0.005"), D("0.01")), (D("0.004"), D("0.00")),
    (D("2.675"), D("2.68")), (D("1700") * D("0.8"), D("1360.00")), (D("333.335"), D("333.34")),
])
def test_fen_rounds_half_up_to_the_fen(value, expected):
    assert fen(value) == expected
    assert fen(value).as_tuple().exponent == -2


def test_yuan_is_shown_with_the_sign_and_thousands():
    assert yuan(D("300000")) == "¥300,000.00"
    assert yuan(D("1700.5")) == "¥1,700.50"
    assert yuan(None) == "manual"


def test_calendar_months_keep_the_day_or_end_the_month():
    assert add_months(date(2026, 3, 15), 3) == date(2026, 6, 15)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_id_numbers_are_masked_in_explanations():
    assert mask_id("110101199001011234") == "110***********1234"
    assert mask_id("AB12") == "****"


# --- Jiangxi: per unit per skill ---------------------------------------------------------------------

WS = Event("WS2026", tier="worldskills", year=2026, name="第48届世界技能大赛",
           organizers=(Organizer("WSI", "other"),),
           skills=(skill("WELD", "焊接", WELD), skill("CNC-M", "数控铣", CNC),
                   skill("CARE", "健康照护", CARE)))
CN = Event("CN2026", tier="national", year=2026, flagship=True, name="第三届全国技能大赛",
           organizers=(Organizer("MOHRSS", "hr_authority"),),
           skills=(skill("WELD", "焊接", WELD, host="JX-TC1"), skill("CNC-M", "数控铣", CNC),
                   skill("ELEC", "电工", ELEC), skill("CHEF", "中式烹调", CHEF, host="HN-TC")))
PROV = Event("JX2026-PROV", tier="provincial", event_class="1", year=2026, name="2026年江西省职业技能大赛",
             organizers=(Organizer("JX-HRSS", "hr_authority"), Organizer("JX-JT", "industry")),
             skills=(skill("WELD-E", "焊工（职工组）", WELD), skill("WELD-S", "焊工（学生组）", WELD),
                     skill("CNC-M", "数控铣", CNC), skill("ELEC", "电工", ELEC),
                     skill("CHEF", "中式烹调", CHEF)))
JIANGXI_COMPETITORS = (
    competitor("WS2026", "WELD", "WS-01", "JX-TC1", P1),
    competitor("WS2026", "CNC-M", "WS-02", "JX-TC1", P2),
    competitor("WS2026", "CARE", "WS-03", "HN-TC", P3),               # not a Jiangxi unit's entry
    competitor("CN2026", "WELD", "CN-01", "JX-TC1", P1),
    competitor("CN2026", "WELD", "CN-02", "JX-TC1", P2),               # two contestants, one line
    competitor("CN2026", "CNC-M", "CN-03", "JX-TC1"),
    competitor("CN2026", "ELEC", "CN-04", "JX-TC1"),
    competitor("JX2026-PROV", "WELD-E", "P-01", "JX-TC1"),            # provincial: not paid
)


def jiangxi_facts(**changes) -> Facts:
    base = {"events": (WS, CN, PROV), "competitors": JIANGXI_COMPETITORS}
    return Facts(**{**base, **changes})


def test_jiangxi_worked_example_is_1_700_000_yuan():
    """grants.md: 2 × 300,000 (WorldSkills) + 300,000 (hosts national welding) + 3 × 100,000
    (national contest) = 1,200,000 to the college; 5 × 100,000 to the transport department that
    co-organizes the provincial class-1 contest, nothing to the HR department. 1,700,000."""
    result = compute(SETS["jiangxi-2019"], jiangxi_facts(), today=TODAY)
    jx = [line for line in lines_of(result) if line[0].startswith("JX-")]
    assert jx == [
        ("JX-JT", "provincial_class1_organizing", "JX2026-PROV/CHEF", D("100000.00")),
        ("JX-JT", "provincial_class1_organizing", "JX2026-PROV/CNC-M", D("100000.00")),
        ("JX-JT", "provincial_class1_organizing", "JX2026-PROV/ELEC", D("100000.00")),
        ("JX-JT", "provincial_class1_organizing", "JX2026-PROV/WELD-E", D("100000.00")),
        ("JX-JT", "provincial_class1_organizing", "JX2026-PROV/WELD-S", D("100000.00")),
        ("JX-TC1", "national_hosting", "CN2026/WELD", D("300000.00")),
        ("JX-TC1", "national_participation", "CN2026/CNC-M", D("100000.00")),
        ("JX-TC1", "national_participation", "CN2026/ELEC", D("100000.00")),
        ("JX-TC1", "national_participation", "CN2026/WELD", D("100000.00")),
        ("JX-TC1", "worldskills_participation", "WS2026/CNC-M", D("300000.00")),
        ("JX-TC1", "worldskills_participation", "WS2026/WELD", D("300000.00")),
    ]
    totals = result.totals()
    assert totals["JX-TC1"] == D("1200000.00")
    assert totals["JX-JT"] == D("500000.00")
    assert "JX-HRSS" not in totals
    assert sum((totals[u] for u in totals if u.startswith("JX-")), D(0)) == D("1700000.00")


def test_jiangxi_pays_the_contestants_own_unit_and_hosts_anywhere_in_the_installation():
    """Keeping payees inside the jurisdiction is the app's unit-tree filter (each line carries its
    unit); scoring pays every unit the rule names, here the Hunan college too."""
    result = compute(SETS["jiangxi-2019"], jiangxi_facts(), today=TODAY)
    hn = [line for line in lines_of(result) if line[0] == "HN-TC"]
    assert hn == [("HN-TC", "national_hosting", "CN2026/CHEF", D("300000.00")),
                  ("HN-TC", "worldskills_participation", "WS2026/CARE", D("300000.00"))]
    assert {line.unit for line in result.lines} == {line.payee for line in result.lines}
    assert result.total == D("2300000.00")


def test_jiangxi_same_unit_and_skill_in_two_events_earns_both_lines_unless_exclusive():
    result = compute(SETS["jiangxi-2019"], jiangxi_facts(), today=TODAY)
    welding = [line for line in lines_of(result) if line[0] == "JX-TC1" and line[2].endswith("/WELD")]
    assert len(welding) == 3        # WorldSkills, national participation, national hosting
    exclusive = read_rule_set(SETS_TEXT["jiangxi-2019"].replace("exclusive = false", "exclusive = true"))
    result = compute(exclusive, jiangxi_facts(), today=TODAY)
    jx_tc1 = [line for line in lines_of(result) if line[0] == "JX-TC1"]
    # Per unit and occupation in the year the highest line only: welding 300,000 (WorldSkills
    # participation sorts before national hosting on an equal amount), CNC 300,000, electrician
    # 100,000.
    assert jx_tc1 == [
        ("JX-TC1", "national_participation", "CN2026/ELEC", D("100000.00")),
        ("JX-TC1", "worldskills_participation", "WS2026/CNC-M", D("300000.00")),
        ("JX-TC1", "worldskills_participation", "WS2026/WELD", D("300000.00")),
    ]
    assert {(ln.rule, ln.trigger) for ln in result.excluded if ln.payee == "JX-TC1"} == {
        ("national_hosting", "CN2026/WELD"), ("national_participation", "CN2026/WELD"),
        ("national_participation", "CN2026/CNC-M")}
    # The transport department's two welding skills (employee and student group) share one
    # occupation: exclusive keeps one of them.
    assert result.totals()["JX-JT"] == D("400000.00")


def test_jiangxi_counts_only_the_rule_sets_national_tiers_as_national_contests():
    industry = Event("IND2026", tier="national_industry", year=2026,
                     skills=(skill("PRINT", "印刷", "6-08-01-01", host="JX-TC1"),))
    selection = Event("WSS2026", tier="worldskills_selection", year=2026,
                      skills=(skill("WELD", "焊接", WELD, host="JX-TC2"),))
    facts = Facts(events=(industry, selection),
                  competitors=(competitor("IND2026", "PRINT", "I-1", "JX-TC1"),
                               competitor("WSS2026", "WELD", "S-1", "JX-TC1")))
    assert compute(SETS["jiangxi-2019"], facts, today=TODAY).lines == ()
    wider = read_rule_set(SETS_TEXT["jiangxi-2019"].replace(
        'national_tiers = ["national"]', 'national_tiers = ["national", "national_industry"]'))
    assert lines_of(compute(wider, facts, today=TODAY)) == [
        ("JX-TC1", "national_hosting", "IND2026/PRINT", D("300000.00")),
        ("JX-TC1", "national_participation", "IND2026/PRINT", D("100000.00"))]


def test_jiangxi_special_contests_count_at_their_effective_tier():
    special = Event("RURAL2026", tier="special", effective_tier="national", year=2026,
                    skills=(skill("FARM", "农机", "5-05-01-01", host="JX-TC1"),))
    facts = Facts(events=(special,), competitors=(competitor("RURAL2026", "FARM", "R-1", "JX-TC2"),))
    assert lines_of(compute(SETS["jiangxi-2019"], facts, today=TODAY)) == [
        ("JX-TC1", "national_hosting", "RURAL2026/FARM", D("300000.00")),
        ("JX-TC2", "national_participation", "RURAL2026/FARM", D("100000.00"))]


@pytest.mark.parametrize(("event_class", "paid"), [("1", True), ("comprehensive", True), ("2", False),
                                                   ("3", False), (None, False)])
def test_jiangxi_organizing_pays_provincial_class_1_only(event_class, paid):
    event = Event("JX-P", tier="provincial", event_class=event_class, year=2026,
                  organizers=(Organizer("JX-HRSS", "hr_authority"), Organizer("JX-JT", "industry"),
                              Organizer("JX-EDU", "other")),
                  skills=(skill("WELD", "焊接", WELD),))
    result = compute(SETS["jiangxi-2019"], Facts(events=(event,), competitors=()), today=TODAY)
    expected = [("JX-EDU", "provincial_class1_organizing", "JX-P/WELD", D("100000.00")),
                ("JX-JT", "provincial_class1_organizing", "JX-P/WELD", D("100000.00"))]
    assert lines_of(result) == (expected if paid else [])


def test_jiangxi_hosting_needs_no_results_and_participation_does():
    result = compute(SETS["jiangxi-2019"], Facts(events=(CN,)), today=TODAY)
    assert lines_of(result) == [("HN-TC", "national_hosting", "CN2026/CHEF", D("300000.00")),
                                ("JX-TC1", "national_hosting", "CN2026/WELD", D("300000.00"))]
    missing = {(nc.rule, nc.reason.template) for nc in result.not_computed}
    assert ("worldskills_participation", "not computed: needs the competed contestants") in missing
    assert ("national_participation", "not computed: needs the competed contestants") in missing


def test_jiangxi_training_bases_are_manual_lines_once_bases_are_known():
    result = compute(SETS["jiangxi-2019"], jiangxi_facts(), today=TODAY)
    assert [(nc.rule, nc.reason.text) for nc in result.not_computed] == [
        ("contest_training_base", "not computed: needs base records")]
    bases = (Base("JX-TC1", "contest_training", date(2026, 5, 1)), Base("JX-TC2", "public_training",
                                                                         date(2026, 5, 1)))
    result = compute(SETS["jiangxi-2019"], jiangxi_facts(bases=bases), today=TODAY)
    assert lines_of(result, "contest_training_base") == [
        ("JX-TC1", "contest_training_base", "BASE/JX-TC1/contest_training", None)]
    assert result.not_computed == ()
    assert result.totals()["JX-TC1"] == D("1200000.00")     # a manual line counts 0 until filled


def test_jiangxi_explanation_names_the_act_skill_event_and_amount():
    result = compute(SETS["jiangxi-2019"], jiangxi_facts(), today=TODAY)
    line = next(ln for ln in result.lines if ln.trigger == "WS2026/WELD")
    assert line.explanation.template == \
        "%(unit)s takes part in skill %(skill)s of %(event)s, %(contest)s → %(amount)s"
    assert line.explanation.text == \
        "JX-TC1 takes part in skill 焊接 WELD of WS2026, 世界技能大赛 WorldSkills Competition → ¥300,000.00"
    organizing = next(ln for ln in result.lines if ln.rule == "provincial_class1_organizing")
    assert "class 1" in organizing.explanation.text and "¥100,000.00" in organizing.explanation.text


def test_rule_set_valid_from_leaves_earlier_triggers_out():
    old = Event("CN2018", tier="national", year=2018, skills=(skill("WELD", "焊接", WELD, host="JX-TC1"),))
    dated = Event("CN2019", tier="national", year=2019, starts_on=date(2019, 3, 1),
                  skills=(skill("WELD", "焊接", WELD, host="JX-TC1"),))
    result = compute(SETS["jiangxi-2019"], Facts(events=(old, dated), competitors=()), today=TODAY)
    assert [ln.trigger for ln in result.lines] == ["CN2019/WELD"]
    later = read_rule_set(SETS_TEXT["jiangxi-2019"].replace("valid_from = 2019-01-01",
                                                            "valid_from = 2019-06-01"))
    assert compute(later, Facts(events=(old, dated), competitors=()), today=TODAY).lines == ()


# --- Hunan: per person by title, WorldSkills manual up to 500,000 --------------------------------

HUNAN_TITLES = (
    Title(P3, "provincial_skills_award", 2025, unit="HN-ENT1", name="李湘"),
    Title(P4, "provincial_technical_expert", 2025, unit="HN-ENT2", name="王技"),
    Title(P1, "china_skills_award", 2026, unit="HN-ENT1", name="张大奖"),
    Title(P2, "national_technical_expert", 2026, unit="HN-TC", name="刘能手"),
)


def test_hunan_rewards_titles_and_tops_up_national_honours():
    result = compute(SETS["hunan-2019"], Facts(titles=HUNAN_TITLES, events=(), competitors=()),
                     today=TODAY)
    assert lines_of(result) == [
        (f"person:{P1}", "china_skills_award_top_up", f"TITLE/{P1}/china_skills_award/2026", D("100000.00")),
        (f"person:{P2}", "national_technical_expert_top_up", f"TITLE/{P2}/national_technical_expert/2026",
         D("20000.00")),
        (f"person:{P3}", "provincial_skills_award", f"TITLE/{P3}/provincial_skills_award/2025",
         D("100000.00")),
        (f"person:{P4}", "provincial_technical_expert", f"TITLE/{P4}/provincial_technical_expert/2025",
         D("20000.00")),
    ]
    assert result.total == D("240000.00")
    top_up = next(ln for ln in result.lines if ln.rule == "china_skills_award_top_up")
    assert top_up.explanation.text == ("张大奖 holds the title 中华技能大奖 China Skills Grand Award (2026) "
                                       "→ ¥100,000.00 on top of the national award")
    assert top_up.unit == "HN-ENT1" and top_up.year == 2026


def test_hunan_the_same_title_imported_twice_is_paid_once():
    twice = (*HUNAN_TITLES, HUNAN_TITLES[0])
    result = compute(SETS["hunan-2019"], Facts(titles=twice, events=(), competitors=()), today=TODAY)
    assert len(result.lines) == 4


def test_hunan_warns_when_a_selection_names_more_than_ten_people():
    eleven = tuple(Title(f"4301021990010{i:05d}", "provincial_skills_award", 2025, unit="HN-ENT1")
                   for i in range(11))
    result = compute(SETS["hunan-2019"], Facts(titles=eleven, events=(), competitors=()), today=TODAY)
    assert len(result.lines) == 11
    assert [w.text for w in result.warnings] == [
        "11 people hold 省技能大奖 Provincial Skills Award in 2025; the rule names 10 per selection"]


def test_hunan_worldskills_prize_winners_and_expert_teams_are_manual_up_to_500_000():
    ws = Event("WS2026", tier="worldskills", year=2026, skills=(skill("CHEF", "烹饪", CHEF),
                                                                skill("CARE", "健康照护", CARE)))
    facts = Facts(events=(ws,), titles=(), competitors=(
        competitor("WS2026", "CHEF", "W-1", "HN-TC", P1, award="gold", rank=1),
        competitor("WS2026", "CARE", "W-2", "HN-TC", P2, award=None, rank=9)))
    result = compute(SETS["hunan-2019"], facts, today=TODAY)
    assert lines_of(result) == [
        ("HN-TC", "worldskills_expert_team", "AWARD/WS2026/CHEF/W-1", None),
        (f"person:{P1}", "worldskills_prize", "AWARD/WS2026/CHEF/W-1", None),
    ]
    assert result.total == D("0.00")
    prize = SETS["hunan-2019"]
    assert manual_amount_problems(prize, "worldskills_prize", D("500000")) == []
    assert [f.text for f in manual_amount_problems(prize, "worldskills_prize", D("500000.01"))] == [
        "¥500,000.01 is more than the rule's cap of ¥500,000.00"]
    assert [f.text for f in manual_amount_problems(prize, "worldskills_prize", D("-1"))] == [
        "an amount must be 0 or more, in yuan to the fen"]
    assert [f.text for f in manual_amount_problems(prize, "worldskills_prize", D("1.001"))] == [
        "an amount must be 0 or more, in yuan to the fen"]
    assert [f.text for f in manual_amount_problems(prize, "provincial_skills_award", D("1"))] == [
        "rule provincial_skills_award has an amount; only manual lines are filled in"]
    assert [f.text for f in manual_amount_problems(prize, "nope", D("1"))] == [
        "hunan-2019 has no rule nope"]
    explanation = next(ln for ln in result.lines if ln.rule == "worldskills_prize").explanation.text
    assert explanation.endswith("→ manual, at most ¥500,000.00")


# --- Shanxi: training days, 80/20, new hires, bases ------------------------------------------------

def training(days: int, *, start: date = date(2026, 3, 2), end: date | None = None,
             certificate: date | None = date(2026, 4, 1), employed: date | None = None,
             person: str = P1, body: str = "SX-TB1", in_province: bool = False,
             placed: bool = False) -> Training:
    end = end or date.fromordinal(start.toordinal() + days + 5)
    return Training(id_number=person, training_body=body, start_date=start, end_date=end, days=days,
                    name="赵学员", occupation=WELD, certificate_date=certificate, employed_date=employed,
                    employed_in_province=in_province, placed_by_body=placed)


@pytest.mark.parametrize(("days", "whole", "certificate", "employment"), [
    (12, D("1700.00"), D("1360.00"), D("340.00")),      # 10 × 150 + 2 × 100
    (20, D("2000.00"), D("1600.00"), D("400.00")),      # capped at 15: 10 × 150 + 5 × 100
    (15, D("2000.00"), D("1600.00"), D("400.00")),
    (10, D("1500.00"), D("1200.00"), D("300.00")),
    (1, D("150.00"), D("120.00"), D("30.00")),
    (11, D("1600.00"), D("1280.00"), D("320.00")),
])
def test_shanxi_training_days_and_the_80_20_split(days, whole, certificate, employment):
    record = training(days, employed=date(2026, 6, 15))
    result = compute(SETS["shanxi-2018"], Facts(trainings=(record,)), today=TODAY)
    trigger = f"TRAINING/{P1}/2026-03-02"
    assert lines_of(result, "training.certificate") == [
        ("SX-TB1", "training.certificate", trigger, certificate)]
    assert lines_of(result, "training.employment") == [("SX-TB1", "training.employment", trigger, employment)]
    assert certificate + employment == whole
    assert lines_of(result, "placement_reward") == [("SX-TB1", "placement_reward", trigger, None)]


def test_shanxi_explanations_show_the_days_the_formula_and_the_share():
    result = compute(SETS["shanxi-2018"], Facts(trainings=(training(20, employed=date(2026, 5, 1)),)),
                     today=TODAY)
    texts = {ln.rule: ln.explanation.text for ln in result.lines}
    assert texts["training.certificate"] == (
        "赵学员, 20 days of training from 2026-03-02 (15 paid: 10 × ¥150.00 + 5 × ¥100.00 = ¥2,000.00), "
        "certificate on 2026-04-01: 80% → ¥1,600.00")
    assert texts["training.employment"] == (
        "赵学员, 20 days of training from 2026-03-02 (15 paid: 10 × ¥150.00 + 5 × ¥100.00 = ¥2,000.00), "
        "employed on 2026-05-01, within 3 months of the certificate: 20% → ¥400.00")


@pytest.mark.parametrize(("certificate", "employed", "paid"), [
    (date(2026, 4, 1), date(2026, 7, 1), True),        # exactly 3 calendar months: within
    (date(2026, 4, 1), date(2026, 7, 2), False),       # a day late
    (date(2025, 11, 30), date(2026, 2, 28), True),     # month end: Feb 28 is 3 months after Nov 30
    (date(2026, 4, 1), date(2026, 3, 20), True),       # employed during the training, before the certificate
    (date(2026, 4, 1), date(2026, 3, 1), False),       # employed before the training began
    (date(2026, 4, 1), None, False),
])
def test_shanxi_20_percent_needs_employment_within_three_calendar_months(certificate, employed, paid):
    start = date(2025, 11, 2) if certificate.year == 2025 else date(2026, 3, 2)
    record = training(12, start=start, certificate=certificate, employed=employed)
    result = compute(SETS["shanxi-2018"], Facts(trainings=(record,)), today=TODAY)
    assert bool(lines_of(result, "training.employment")) is paid
    assert bool(lines_of(result, "placement_reward")) is paid
    assert lines_of(result, "training.certificate")[0][3] == D("1360.00")


def test_shanxi_no_certificate_no_subsidy():
    result = compute(SETS["shanxi-2018"], Facts(trainings=(training(12, certificate=None,
                                                                        employed=date(2026, 4, 2)),)),
                     today=TODAY)
    assert result.lines == ()


def test_shanxi_line_year_is_when_the_part_falls_due():
    record = training(12, start=date(2025, 12, 1), end=date(2025, 12, 20), certificate=date(2025, 12, 30),
                      employed=date(2026, 2, 1))
    result = compute(SETS["shanxi-2018"], Facts(trainings=(record,)), today=TODAY)
    assert {ln.rule: ln.year for ln in result.lines} == {
        "training.certificate": 2025, "training.employment": 2026, "placement_reward": 2026}


def test_shanxi_new_hires_and_bases_are_not_computed_until_their_records_exist():
    result = compute(SETS["shanxi-2018"], Facts(trainings=()), today=TODAY)
    assert result.lines == ()
    assert [(nc.rule, nc.reason.text) for nc in result.not_computed] == [
        ("new_hire", "not computed: needs hire records"),
        ("new_hire_skill_rise", "not computed: needs hire records"),
        ("public_training_base", "not computed: needs base records"),
    ]


def test_shanxi_new_hire_300_and_300_more_on_a_certificate_within_a_year():
    hires = (
        Hire("SX-SME1", P1, date(2026, 2, 1), contract_months=12, small_or_micro=True, name="甲",
             skill_rise_on=date(2027, 1, 31)),
        Hire("SX-SME1", P2, date(2026, 2, 1), contract_months=6, small_or_micro=True, name="乙",
             skill_rise_on=date(2027, 2, 2)),                    # a day more than a year: no second
        Hire("SX-SME2", P3, date(2026, 2, 1), contract_months=5, small_or_micro=True, name="丙",
             skill_rise_on=date(2026, 6, 1)),                    # contract under 6 months: nothing
        Hire("SX-BIG", P4, date(2026, 2, 1), contract_months=36, small_or_micro=False, name="丁",
             skill_rise_on=date(2026, 6, 1)),                    # not a small or micro enterprise
    )
    result = compute(SETS["shanxi-2018"], Facts(trainings=(), hires=hires, bases=()),
                     today=date(2027, 12, 31))
    assert lines_of(result) == [
        ("SX-SME1", "new_hire", f"HIRE/{P1}/2026-02-01", D("300.00")),
        ("SX-SME1", "new_hire", f"HIRE/{P2}/2026-02-01", D("300.00")),
        ("SX-SME1", "new_hire_skill_rise", f"HIRE/{P1}/2026-02-01", D("300.00")),
    ]
    assert result.not_computed == ()


def test_shanxi_provincial_public_training_base_one_off_2_000_000():
    bases = (Base("SX-PTB", "public_training", date(2026, 9, 1)),
             Base("SX-PTB", "public_training", date(2027, 9, 1)),      # recognized again: one-off
             Base("SX-TB1", "contest_training", date(2026, 9, 1)))
    result = compute(SETS["shanxi-2018"], Facts(trainings=(), hires=(), bases=bases),
                     today=date(2027, 12, 31))
    assert lines_of(result) == [("SX-PTB", "public_training_base", "BASE/SX-PTB/public_training",
                                 D("2000000.00"))]
    assert result.lines[0].year == 2026


# --- Heilongjiang: placement within 6 months, per-level manual -------------------------------------

@pytest.mark.parametrize(("employed", "in_province", "placed", "paid"), [
    (date(2026, 10, 10), True, True, True),            # end + 6 months exactly
    (date(2026, 10, 11), True, True, False),
    (date(2026, 5, 1), True, False, False),            # found the job alone
    (date(2026, 5, 1), False, True, False),            # outside the province
    (None, True, True, False),
])
def test_heilongjiang_placement_200_yuan_within_6_months(employed, in_province, placed, paid):
    record = training(10, start=date(2026, 3, 30), end=date(2026, 4, 10), certificate=None,
                      employed=employed, in_province=in_province, placed=placed, body="HLJ-TB")
    result = compute(SETS["heilongjiang-2018"], Facts(trainings=(record,)), today=TODAY)
    expected = [("HLJ-TB", "placement", f"TRAINING/{P1}/2026-03-30", D("200.00"))]
    assert lines_of(result, "placement") == (expected if paid else [])


def test_heilongjiang_each_level_rise_is_a_manual_line():
    rises = (LevelRise(P1, WELD, "level3", date(2026, 6, 1), unit="HLJ-ENT", name="孙"),
             LevelRise(P1, WELD, "level2", date(2026, 12, 1), unit="HLJ-ENT", name="孙"))
    result = compute(SETS["heilongjiang-2018"], Facts(trainings=(), level_rises=rises), today=TODAY)
    assert lines_of(result) == [
        (f"person:{P1}", "level_rise", f"LEVEL/{P1}/{WELD}/level2", None),
        (f"person:{P1}", "level_rise", f"LEVEL/{P1}/{WELD}/level3", None),
    ]
    without = compute(SETS["heilongjiang-2018"], Facts(trainings=()), today=TODAY)
    assert [(nc.rule, nc.reason.text) for nc in without.not_computed] == [
        ("level_rise", "not computed: needs skill-level records")]


# --- Ministry of HR, WorldSkills 2015 ----------------------------------------------------------------

WS15 = Event("WS2015", tier="worldskills", year=2015, starts_on=date(2015, 8, 11),
             skills=(skill("WELD", "焊接", WELD), skill("MECH", "机电一体化", "6-31-01-01"),
                     skill("CNC-T", "数控车", CNC)))


def test_ministry_2015_pays_competitors_and_the_expert_team_the_same_again():
    facts = Facts(events=(WS15,), competitors=(
        competitor("WS2015", "WELD", "01", "CN-ZJ", P1, award="gold", rank=1),
        # a team skill: both members are paid, the expert team once (the team's row is bib 02)
        competitor("WS2015", "MECH", "02", "CN-GD", P2, award="silver", rank=2, entry="02"),
        competitor("WS2015", "MECH", "03", "CN-GD", P3, award="silver", rank=2, entry="02"),
        competitor("WS2015", "CNC-T", "04", "CN-SH", P4, award="excellence", rank=7),
        competitor("WS2015", "CNC-T", "05", "CN-BJ", award=None, rank=12),
    ))
    result = compute(SETS["mohrss-worldskills-2015"], facts, today=TODAY)
    assert lines_of(result) == [
        ("CN-GD", "expert_team", "AWARD/WS2015/MECH/02", D("120000.00")),
        ("CN-SH", "expert_team", "AWARD/WS2015/CNC-T/04", D("30000.00")),
        ("CN-ZJ", "expert_team", "AWARD/WS2015/WELD/01", D("200000.00")),
        (f"person:{P1}", "competitor", "AWARD/WS2015/WELD/01", D("200000.00")),
        (f"person:{P2}", "competitor", "AWARD/WS2015/MECH/02", D("120000.00")),
        (f"person:{P3}", "competitor", "AWARD/WS2015/MECH/03", D("120000.00")),
        (f"person:{P4}", "competitor", "AWARD/WS2015/CNC-T/04", D("30000.00")),
    ]
    assert result.total == D("820000.00")
    gold = next(ln for ln in result.lines if ln.payee == f"person:{P1}")
    assert gold.explanation.text == ("选手01: 金牌 gold medal in skill 焊接 WELD of WS2015, "
                                     "世界技能大赛 WorldSkills Competition → ¥200,000.00")
    assert P1 not in gold.explanation.text


def test_ministry_2015_bronze_is_80_000():
    facts = Facts(events=(WS15,), competitors=(competitor("WS2015", "WELD", "01", "CN-ZJ", P1,
                                                          award="bronze", rank=3),))
    result = compute(SETS["mohrss-worldskills-2015"], facts, today=TODAY)
    assert result.totals() == {"CN-ZJ": D("80000.00"), f"person:{P1}": D("80000.00")}


# --- Xiamen 2022 -------------------------------------------------------------------------------------

def xiamen_facts() -> Facts:
    ws = Event("WS2026", tier="worldskills", year=2026, skills=(skill("WELD", "焊接", WELD),))
    flagship = Event("CN2026", tier="national", year=2026, flagship=True,
                     skills=(skill("CHEF", "烹饪", CHEF),))
    class1 = Event("ZX2026", tier="national", year=2026, skills=(skill("CNC", "数控", CNC),))
    special = Event("RURAL2026", tier="special", effective_tier="national", year=2026,
                    skills=(skill("FARM", "农机", "5-05-01-01"),))
    elec = (skill("ELEC", "电工", ELEC),)
    prov1 = Event("FJ2026", tier="provincial", event_class="1", year=2026, skills=elec)
    prov2 = Event("FJ2026-2", tier="provincial", event_class="2", year=2026, skills=elec)
    city = Event("XM2026", tier="municipal", event_class="comprehensive", year=2026,
                 skills=(skill("CARE", "健康照护", CARE),))
    return Facts(events=(ws, flagship, class1, special, prov1, prov2, city), competitors=(
        competitor("WS2026", "WELD", "W1", "XM-TC", "XM-A", award="gold", rank=1),
        competitor("CN2026", "CHEF", "C2", "XM-TC", "XM-B", award="silver", rank=2),
        competitor("CN2026", "CHEF", "C4", "XM-TC", "XM-C", award="excellence", rank=4),
        competitor("ZX2026", "CNC", "Z2", "XM-ENT", "XM-D", award=None, rank=2),
        competitor("ZX2026", "CNC", "Z4", "XM-ENT", "XM-E", award=None, rank=4),
        competitor("RURAL2026", "FARM", "R3", "XM-ENT", "XM-F", award="bronze", rank=3),
        competitor("FJ2026", "ELEC", "F1", "XM-ENT", "XM-G", award="first_prize", rank=1),
        competitor("FJ2026-2", "ELEC", "G1", "XM-ENT", "XM-H", award="first_prize", rank=1),
        competitor("XM2026", "CARE", "X1", "XM-ENT", "XM-I", rank=1),
        competitor("XM2026", "CARE", "X2", "XM-ENT", "XM-J", rank=2),
        competitor("XM2026", "CARE", "X3", "XM-ENT", "XM-K", rank=3),
        competitor("XM2026", "CARE", "X4", "XM-ENT", "XM-L", rank=4),
    ))


def test_xiamen_2022_each_tier_of_reward():
    result = compute(SETS["xiamen-2022"], xiamen_facts(), today=TODAY)
    assert lines_of(result) == [
        ("person:XM-A", "worldskills_match", "AWARD/WS2026/WELD/W1", D("200000.00")),
        ("person:XM-B", "national_flagship", "AWARD/CN2026/CHEF/C2", D("40000.00")),
        ("person:XM-D", "national_class1_top3", "AWARD/ZX2026/CNC/Z2", D("20000.00")),
        ("person:XM-F", "national_class1_top3", "AWARD/RURAL2026/FARM/R3", D("20000.00")),
        ("person:XM-G", "provincial_class1_top3", "AWARD/FJ2026/ELEC/F1", D("10000.00")),
        ("person:XM-I", "municipal_class1", "AWARD/XM2026/CARE/X1", D("5000.00")),
        ("person:XM-J", "municipal_class1", "AWARD/XM2026/CARE/X2", D("4000.00")),
        ("person:XM-K", "municipal_class1", "AWARD/XM2026/CARE/X3", D("4000.00")),
    ]
    assert result.total == D("303000.00")
    match = result.lines[0].explanation.text
    assert match.endswith("→ ¥200,000.00, matching mohrss-worldskills-2015 competitor at 1 : 1")


def test_xiamen_match_follows_the_matched_rule_and_ratio():
    text = SETS_TEXT["xiamen-2022"].replace("ratio = 1", 'ratio = "0.5"')
    half = read_rule_set(text, catalogue=SETS)
    result = compute(half, xiamen_facts(), today=TODAY)
    assert lines_of(result, "worldskills_match") == [
        ("person:XM-A", "worldskills_match", "AWARD/WS2026/WELD/W1", D("100000.00"))]


def test_xiamen_match_needs_the_matched_rule_set():
    with pytest.raises(GrantsError) as refused:
        read_rule_set(SETS_TEXT["xiamen-2022"], catalogue={})
    assert [str(f) for f in refused.value.findings] == [
        "rules[0].match: mohrss-worldskills-2015 is not a loaded grant rule set"]


def test_shared_places_share_the_placing_reward():
    city = Event("XM2026", tier="municipal", event_class="1", year=2026,
                 skills=(skill("CARE", "照护", CARE),))
    facts = Facts(events=(city,), competitors=(
        competitor("XM2026", "CARE", "X1", "XM-ENT", "A", rank=1),
        competitor("XM2026", "CARE", "X2", "XM-ENT", "B", rank=1),
        competitor("XM2026", "CARE", "X3", "XM-ENT", "C", rank=3)))
    result = compute(SETS["xiamen-2022"], facts, today=TODAY)
    assert [ln.amount for ln in result.lines] == [D("5000.00"), D("5000.00"), D("4000.00")]


# --- every computation ---------------------------------------------------------------------------

def test_export_is_formats_md_grant_lines_json():
    result = compute(SETS["jiangxi-2019"], Facts(events=(WS,), competitors=JIANGXI_COMPETITORS[:1]),
                     today=TODAY)
    assert export(result) == {
        "policy": "jiangxi-2019",
        "lines": [{"payee": "JX-TC1", "rule": "worldskills_participation", "trigger": "WS2026/WELD",
                   "amount": "300000.00",
                   "explanation": "JX-TC1 takes part in skill 焊接 WELD of WS2026, "
                                  "世界技能大赛 WorldSkills Competition → ¥300,000.00"}],
        "totals": {"JX-TC1": "300000.00"}, "total": "300000.00"}


def test_export_counts_manual_lines_as_zero_and_writes_null():
    facts = Facts(events=(WS,), competitors=(competitor("WS2026", "WELD", "01", "HN-TC", P1,
                                                        award="gold", rank=1),))
    data = export(compute(SETS["hunan-2019"], facts, today=TODAY))
    assert [ln["amount"] for ln in data["lines"]] == [None, None]
    assert data["totals"] == {"HN-TC": "0.00", f"person:{P1}": "0.00"} and data["total"] == "0.00"


def test_lines_are_unique_per_rule_payee_and_trigger_and_sorted():
    result = compute(SETS["jiangxi-2019"], jiangxi_facts(), today=TODAY)
    keys = [line.key for line in result.lines]
    assert len(keys) == len(set(keys))
    assert keys == sorted(keys, key=lambda k: (k[2], k[1], k[3]))
    assert all(isinstance(line, GrantLine) and line.policy == "jiangxi-2019" for line in result.lines)


def test_a_trigger_that_does_not_exist_is_refused():
    facts = Facts(events=(WS,), competitors=(competitor("WS2099", "WELD", "1", "X"),
                                             competitor("WS2026", "SWIM", "2", "X")))
    with pytest.raises(GrantsError) as refused:
        compute(SETS["jiangxi-2019"], facts, today=TODAY)
    assert [str(f) for f in refused.value.findings] == [
        "competitors[0].event: no event WS2099", "competitors[1].skill: WS2026 has no skill SWIM"]


def test_refusals_in_facts_are_all_listed_at_once():
    facts = Facts(events=(WS,), competitors=(competitor("WS2026", "WELD", "1", "X", award="platinum"),),
                  titles=(Title(P1, "grand_master", 2026, unit="X"), Title(P2, "china_skills_award", 2027,
                                                                            unit="X")))
    with pytest.raises(GrantsError) as refused:
        compute(SETS["hunan-2019"], facts, today=TODAY)
    assert [str(f) for f in refused.value.findings] == [
        "competitors[0].award: 'platinum' is not an award code",
        ("titles[0].title: 'grand_master' is not one of china_skills_award, national_technical_expert, "
        "provincial_skills_award, provincial_technical_expert"),
        "titles[1].year: 2027 is in the future",
    ]


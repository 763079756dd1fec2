"""Grant rule sets and facts that are refused, each problem named with where it is.

A rule file is refused whole and every problem is listed at once (formats.md, "Files in general"):
an organizer who uploads a new version fixes the file in one go. Training records are refused the
same way (grants.md: negative days, dates in the future; formats.md: ``1 ≤ days ≤ end − start + 1``),
and "today" is always a parameter, so these tests never depend on the day they run.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scoring.grants import (
    KINDS,
    Facts,
    GrantsError,
    Hire,
    Training,
    compute,
    load_rule_sets,
    load_shipped,
    read_rule_set,
    rule_set_problems,
    shipped_texts,
    training_problems,
)

TODAY = date(2026, 12, 31)
HEAD = '''kind = "grants"
code = "test-2026"
name = "测试"
source = "a test"
valid_from = 2026-01-01
'''
PER_SKILL = '''
[[rules]]
id = "hosting"
kind = "unit_per_skill"
source = "承办国赛 30万元"
act = "hosting"
tiers = "national_tiers"
amount = 300000
'''


def problems(text: str, catalogue=None) -> list[str]:
    return [str(f) for f in rule_set_problems(text, catalogue=catalogue)]


def test_a_sound_file_has_no_problems_and_reads():
    assert problems(HEAD + PER_SKILL) == []
    rule_set = read_rule_set(HEAD + PER_SKILL)
    assert rule_set.code == "test-2026" and rule_set.valid_from == date(2026, 1, 1)
    assert rule_set.national_tiers == ("national",) and rule_set.exclusive is False
    assert [r.id for r in rule_set.rules] == ["hosting"]
    assert rule_set.rules[0].spec.amount == Decimal("300000.00")


def test_unknown_kind():
    assert problems(HEAD + PER_SKILL.replace('"unit_per_skill"', '"per_moon"')) == [
        "rules[0].kind: 'per_moon' is not a rule kind (one of " + ", ".join(sorted(KINDS)) + ")"]


@pytest.mark.parametrize("amount", ["-1", "-300000", '"-0.01"'])
def test_negative_amount(amount):
    assert problems(HEAD + PER_SKILL.replace("amount = 300000", f"amount = {amount}")) == [
        'rules[0].amount: must be 0 or more yuan to the fen, or "manual"']


@pytest.mark.parametrize("amount", ["0.001", '"lots"', "true", "1e12", "[1]"])
def test_amounts_that_are_not_yuan_to_the_fen(amount):
    assert problems(HEAD + PER_SKILL.replace("amount = 300000", f"amount = {amount}")) == [
        'rules[0].amount: must be 0 or more yuan to the fen, or "manual"']


@pytest.mark.parametrize("amount", ["300000", "300000.5", '"300000.50"', '"manual"', "0"])
def test_amounts_that_are_accepted(amount):
    assert problems(HEAD + PER_SKILL.replace("amount = 300000", f"amount = {amount}")) == []


@pytest.mark.parametrize(("field", "where"), [
    ('source = "承办国赛 30万元"\n', "rules[0].source"),
    ("amount = 300000\n", "rules[0].amount"),
    ('act = "hosting"\n', "rules[0].act"),
    ('tiers = "national_tiers"\n', "rules[0].tiers"),
    ('id = "hosting"\n', "rules[0].id"),
])
def test_missing_rule_field(field, where):
    assert problems(HEAD + PER_SKILL.replace(field, "")) == [f"{where}: is required"]


@pytest.mark.parametrize("field", ["code", "name", "source", "valid_from", "kind"])
def test_missing_top_level_field(field):
    head = "\n".join(line for line in HEAD.splitlines() if not line.startswith(field + " "))
    assert problems(head + "\n" + PER_SKILL) == [f"{field}: is required"]


def test_unknown_tier_in_a_rule_and_in_national_tiers():
    text = HEAD + 'national_tiers = ["national", "galactic"]\n' + PER_SKILL.replace(
        'tiers = "national_tiers"', 'tiers = ["worldskills", "planetary"]')
    assert problems(text) == [
        "national_tiers[1]: 'galactic' is not a tier code",
        "rules[0].tiers[1]: 'planetary' is not a tier code",
    ]


def test_every_problem_is_listed_at_once_with_where_it_is():
    head = HEAD.replace('valid_from = 2026-01-01\n', "") + "exclusive = \"yes\"\ncolour = 1\n"
    second = PER_SKILL.replace("amount = 300000", "amount = -5").replace(
        'tiers = "national_tiers"', 'tiers = ["planetary"]').replace('source = "承办国赛 30万元"\n', "")
    text = head + PER_SKILL.replace('"unit_per_skill"', '"per_moon"') + second
    assert problems(text) == [
        "valid_from: is required",
        "exclusive: must be true or false",
        "colour: unknown key",
        "rules[0].kind: 'per_moon' is not a rule kind (one of " + ", ".join(sorted(KINDS)) + ")",
        "rules[1].id: 'hosting' is used by an earlier rule",
        "rules[1].source: is required",
        "rules[1].tiers[0]: 'planetary' is not a tier code",
        'rules[1].amount: must be 0 or more yuan to the fen, or "manual"',
    ]
    with pytest.raises(GrantsError) as refused:
        read_rule_set(text)
    assert len(refused.value.findings) == 8
    assert str(refused.value).startswith("invalid grant rule set: valid_from: is required; ")


def test_unknown_keys_are_refused_with_their_path():
    text = HEAD + PER_SKILL.replace("amount = 300000", "amount = 300000\nper = \"skill\"")
    assert problems(text) == ["rules[0].per: unknown key"]


def test_not_toml_and_not_a_grant_set():
    assert [f.where for f in rule_set_problems("kind = \n")] == ["file"]
    assert problems(HEAD.replace('"grants"', '"promotion"') + PER_SKILL) == [
        "kind: 'promotion' is not a grant rule set (kind = \"grants\")"]
    assert problems(HEAD) == ["rules: a rule set needs at least one rule"]


def test_codes_ids_and_dates_have_a_shape():
    head = HEAD.replace('"test-2026"', '"Test 2026"').replace("2026-01-01", '"next year"')
    text = head + PER_SKILL.replace('id = "hosting"', 'id = "Hosting rule"')
    assert problems(text) == [
        "code: 'Test 2026' must be lower-case letters, digits and hyphens",
        "valid_from: must be a date (YYYY-MM-DD)",
        "rules[0].id: 'Hosting rule' must be lower-case letters, digits and underscores",
    ]
    assert problems(HEAD.replace("2026-01-01", '"2026-01-01"') + PER_SKILL) == []


def test_unit_per_skill_fields():
    text = HEAD + PER_SKILL.replace('"hosting"\nkind', '"h"\nkind').replace(
        'act = "hosting"', 'act = "sponsoring"\nclasses = [1, 4]\nflagship = "yes"')
    assert problems(text) == [
        "rules[0].act: 'sponsoring' is not one of hosting, organizing, participation",
        "rules[0].classes[1]: 4 is not a class (1, 2, 3 or \"comprehensive\")",
        "rules[0].flagship: must be true or false",
    ]


def test_title_and_award_rules():
    text = HEAD + '''
[[rules]]
id = "t"
kind = "person_by_title"
source = "s"
title = "grand_master"
amount = 1
limit_per_year = 0

[[rules]]
id = "a"
kind = "person_by_award"
source = "s"
tiers = ["worldskills"]
awards = {gold = 1, platinum = 2, silver = -1}
places = {1 = 5}
payee = "team"
cap = -3

[[rules]]
id = "p"
kind = "person_by_award"
source = "s"
tiers = ["municipal"]
places = {first = 5, 0 = 1}

[[rules]]
id = "n"
kind = "person_by_award"
source = "s"
tiers = ["municipal"]
'''
    assert problems(text) == [
        ("rules[0].title: 'grand_master' is not one of china_skills_award, national_technical_expert, "
        "provincial_skills_award, provincial_technical_expert"),
        "rules[0].limit_per_year: must be a whole number of at least 1",
        "rules[1].payee: 'team' is not one of expert_team, person",
        "rules[1]: give one of awards, places or match",
        "rules[1].awards.platinum: 'platinum' is not an award code",
        'rules[1].awards.silver: must be 0 or more yuan to the fen, or "manual"',
        "rules[1].cap: must be 0 or more yuan to the fen",
        "rules[2].places.first: a place is a whole number of at least 1",
        "rules[2].places.0: a place is a whole number of at least 1",
        "rules[3]: give one of awards, places or match",
    ]


def test_award_amount_above_its_cap_is_refused():
    text = HEAD + '''
[[rules]]
id = "a"
kind = "person_by_award"
source = "s"
tiers = ["worldskills"]
awards = {gold = 600000, silver = "manual"}
cap = 500000
'''
    assert problems(text) == ["rules[0].awards.gold: ¥600,000.00 is more than the cap of ¥500,000.00"]


def test_match_names_a_loaded_rule_set_and_rule():
    text = HEAD + '''
[[rules]]
id = "m"
kind = "person_by_award"
source = "s"
tiers = ["worldskills"]
match = "mohrss-worldskills-2015/%s"
ratio = %s
'''
    shipped = load_shipped()
    assert problems(text % ("competitor", "1"), catalogue=shipped) == []
    assert problems(text % ("referee", "1"), catalogue=shipped) == [
        "rules[0].match: mohrss-worldskills-2015 has no rule referee"]
    assert problems(text % ("competitor", "0"), catalogue=shipped) == [
        "rules[0].ratio: must be a number above 0"]
    assert problems((text % ("competitor", "1")).replace('"mohrss', '"mohrss-'), catalogue=shipped) == [
        "rules[0].match: mohrss--worldskills-2015 is not a loaded grant rule set"]
    jiangxi = text % ("worldskills_participation", "1")
    assert problems(jiangxi.replace("mohrss-worldskills-2015", "jiangxi-2019"), catalogue=shipped) == [
        "rules[0].match: jiangxi-2019 worldskills_participation is not a person_by_award rule"]
    assert problems((text % ("competitor", "1")).replace('match = "mohrss-worldskills-2015/competitor"',
                                                          'match = "nonsense"'), catalogue=shipped) == [
        "rules[0].match: 'nonsense' must be <rule set code>/<rule id>"]


def test_matches_resolve_across_files_in_any_order_and_refuse_cycles():
    a = HEAD.replace("test-2026", "a-2026") + '''
[[rules]]
id = "x"
kind = "person_by_award"
source = "s"
tiers = ["worldskills"]
match = "b-2026/y"
'''
    b = HEAD.replace("test-2026", "b-2026") + '''
[[rules]]
id = "y"
kind = "person_by_award"
source = "s"
tiers = ["worldskills"]
awards = {gold = 10}
'''
    loaded = load_rule_sets({"a.toml": a, "b.toml": b})
    assert loaded["a-2026"].rules[0].spec.table == {"gold": Decimal("10.00")}
    cyclic = b.replace('awards = {gold = 10}', 'match = "a-2026/x"')
    with pytest.raises(GrantsError) as refused:
        load_rule_sets({"a.toml": a, "b.toml": cyclic})
    assert [str(f) for f in refused.value.findings] == [
        "a.toml: rules[0].match: b-2026 is not a loaded grant rule set",
        "b.toml: rules[0].match: a-2026 is not a loaded grant rule set"]
    with pytest.raises(GrantsError) as refused:
        load_rule_sets({"a.toml": b, "b.toml": b})
    assert [str(f) for f in refused.value.findings] == ["b.toml: code: b-2026 is also the code of a.toml"]


def test_training_days_rule_fields():
    text = HEAD + '''
[[rules]]
id = "training"
kind = "training_days"
source = "s"
first_days = 10
first_rate = 150
later_rate = -100
max_days = 8
parts = [{on = "certificate", share = "0.70"}, {on = "employment", share = "0.20"},
         {on = "payday", share = "0"}]
'''
    assert problems(text) == [
        'rules[0].later_rate: must be 0 or more yuan to the fen',
        "rules[0].max_days: must be at least first_days",
        "rules[0].parts[1].within_months: is required",
        "rules[0].parts[2].on: 'payday' is not one of certificate, employment",
        "rules[0].parts[2].share: must be a number above 0 and at most 1",
        "rules[0].parts: shares add up to 0.90, not 1",
    ]
    twice = text.replace('{on = "payday", share = "0"}', '{on = "certificate", share = "0.10"}').replace(
        '"employment", share = "0.20"', '"employment", share = "0.20", within_months = 3').replace(
        "later_rate = -100", "later_rate = 100").replace("max_days = 8", "max_days = 15")
    assert problems(twice) == ["rules[0].parts[2].on: certificate is paid by an earlier part"]


def test_other_kinds_fields():
    text = HEAD + '''
[[rules]]
id = "p"
kind = "training_employment"
source = "s"
after = "lunch"
within_months = 0
amount = 200

[[rules]]
id = "h"
kind = "new_hire"
source = "s"
on = "hire"
min_contract_months = 6
within_months = 12
amount = 300

[[rules]]
id = "b"
kind = "per_base"
source = "s"
base_kind = ""
amount = "manual"

[[rules]]
id = "l"
kind = "level_rise"
source = "s"
amount = "manual"
'''
    assert problems(text) == [
        "rules[0].after: 'lunch' is not one of certificate, end",
        "rules[0].within_months: must be a whole number of at least 1",
        "rules[1].within_months: only a skill_rise payment has a window",
        "rules[2].base_kind: is required",
    ]


def test_the_shipped_rule_sets_load_and_cite_their_sources():
    shipped = load_shipped()
    assert sorted(shipped) == ["heilongjiang-2018", "hunan-2019", "jiangxi-2019", "mohrss-worldskills-2015",
                               "shanxi-2018", "xiamen-2022"]
    assert sorted(shipped_texts()) == sorted(shipped)
    for code, rule_set in shipped.items():
        assert rule_set.code == code and rule_set.source and rule_set.name
        assert all(rule.source.strip() for rule in rule_set.rules), code
        assert rule_set.kinds() <= set(KINDS)


# --- training records -------------------------------------------------------------------------------

def record(**changes) -> Training:
    base = {"id_number": "110101199001011234", "training_body": "SX-TB1", "start_date": date(2026, 3, 2),
                "end_date": date(2026, 3, 13), "days": 12, "certificate_date": date(2026, 3, 20),
                "employed_date": date(2026, 5, 1)}
    return Training(**{**base, **changes})


def refusals(**changes) -> list[str]:
    return [str(f) for f in training_problems(record(**changes), today=TODAY)]


def test_a_sound_training_record():
    assert refusals() == []
    assert refusals(certificate_date=None, employed_date=None) == []


@pytest.mark.parametrize("days", [-3, 0])
def test_negative_or_zero_days(days):
    assert refusals(days=days) == ["days: must be at least 1"]


def test_days_longer_than_the_date_range():
    assert refusals(days=13) == ["days: 13 days do not fit between 2026-03-02 and 2026-03-13 (12 days)"]
    assert refusals(days=12) == []


def test_dates_in_the_future_against_the_given_today():
    assert refusals(start_date=date(2027, 1, 2), end_date=date(2027, 1, 20), days=5, certificate_date=None,
                    employed_date=None) == [
        "start_date: 2027-01-02 is in the future", "end_date: 2027-01-20 is in the future"]
    assert refusals(certificate_date=date(2027, 1, 1)) == ["certificate_date: 2027-01-01 is in the future"]
    assert refusals(employed_date=date(2027, 3, 1)) == ["employed_date: 2027-03-01 is in the future"]
    # The same record is sound on a later day: "today" is a parameter, never the system clock.
    later = record(certificate_date=date(2027, 1, 1))
    assert training_problems(later, today=date(2027, 1, 1)) == []


def test_end_before_start_and_certificate_before_training():
    assert refusals(end_date=date(2026, 3, 1)) == [
        "end_date: 2026-03-01 is before start_date 2026-03-02",
        "days: 12 days do not fit between 2026-03-02 and 2026-03-01 (0 days)"]
    assert refusals(certificate_date=date(2026, 3, 1)) == [
        "certificate_date: 2026-03-01 is before start_date 2026-03-02"]


def test_who_and_where_are_required():
    assert refusals(id_number=" ", training_body="") == [
        "id_number: is required", "training_body: is required"]


def test_bad_training_records_refuse_the_computation_with_their_index():
    shanxi = load_shipped()["shanxi-2018"]
    facts = Facts(trainings=(record(),
                             record(days=-1, start_date=date(2026, 4, 1), end_date=date(2026, 4, 5)),
                             record(start_date=date(2027, 2, 1), end_date=date(2027, 2, 20),
                                    certificate_date=None, employed_date=None)))
    with pytest.raises(GrantsError) as refused:
        compute(shanxi, facts, today=TODAY)
    assert [str(f) for f in refused.value.findings] == [
        "trainings[1].days: must be at least 1",
        "trainings[1].certificate_date: 2026-03-20 is before start_date 2026-04-01",
        "trainings[2].start_date: 2027-02-01 is in the future",
        "trainings[2].end_date: 2027-02-20 is in the future",
    ]


def test_the_same_training_twice_is_refused():
    shanxi = load_shipped()["shanxi-2018"]
    with pytest.raises(GrantsError) as refused:
        compute(shanxi, Facts(trainings=(record(), record(days=10))), today=TODAY)
    assert [str(f) for f in refused.value.findings] == [
        "trainings[1]: 110101199001011234 already has a training starting on 2026-03-02"]


def test_hire_records_are_checked_too():
    shanxi = load_shipped()["shanxi-2018"]
    hires = (Hire("SX-SME", "110101199001011234", date(2027, 1, 5), contract_months=0),
             Hire("", "220102199202021235", date(2026, 1, 5), contract_months=12,
                  skill_rise_on=date(2025, 12, 1)))
    with pytest.raises(GrantsError) as refused:
        compute(shanxi, Facts(trainings=(), hires=hires), today=TODAY)
    assert [str(f) for f in refused.value.findings] == [
        "hires[0].hired_on: 2027-01-05 is in the future",
        "hires[0].contract_months: must be at least 1",
        "hires[1].unit: is required",
        "hires[1].skill_rise_on: 2025-12-01 is before hired_on 2026-01-05",
    ]


def test_a_date_time_and_values_of_the_wrong_shape_are_refused_not_crashed_on():
    assert problems(HEAD.replace("2026-01-01", "2026-01-01T08:00:00") + PER_SKILL) == [
        "valid_from: must be a date (YYYY-MM-DD)"]
    assert problems(HEAD + PER_SKILL.replace('"unit_per_skill"', "[1]")) == [
        "rules[0].kind: [1] is not a rule kind (one of " + ", ".join(sorted(KINDS)) + ")"]
    assert problems(HEAD + PER_SKILL.replace('act = "hosting"', "act = {a = 1}")) == [
        "rules[0].act: {'a': 1} is not one of hosting, organizing, participation"]

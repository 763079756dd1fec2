"""Promotion rule sets as TOML (formats.md "rule sets"): the shipped seven load cleanly, and a file
with problems is refused with every problem listed, each where it is (``rules[1].target``).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scoring.promotion import (
    SHIPPED,
    Awards,
    OneLevelUp,
    Ranks,
    Target,
    TopPercent,
    load_rule_set,
    read_rule_set,
    shipped_rule_set,
)
from scoring.rulesets import RuleSetError, parse_rule_set, shipped_codes, shipped_text

GOOD = """
kind = "promotion"
code = "test-2025"
name = "测试规则"
source = "a test"
valid_from = 2025-01-01
one_per_year = false

[[rules]]
id = "top5"
source = "row 1"
tiers = ["provincial"]
classes = [1]
groups = ["employee", "student"]
ranks = [1, 5]
target = "level2"
if_holds = "level2"
then = "level1"
student_target = "level3"
"""


def with_rule(**fields: str) -> str:
    """GOOD with its rule's lines replaced or added: ``field="toml value"``; ``None``-like ``""`` drops."""
    head, rule = GOOD.split("[[rules]]")
    lines = {line.split(" = ")[0]: line for line in rule.strip().splitlines()}
    for key, value in fields.items():
        if value == "":
            lines.pop(key, None)
        else:
            lines[key] = f"{key} = {value}"
    return head + "[[rules]]\n" + "\n".join(lines.values()) + "\n"


def with_head(**fields: str) -> str:
    head, rule = GOOD.split("[[rules]]")
    lines = {line.split(" = ")[0]: line for line in head.strip().splitlines()}
    for key, value in fields.items():
        if value == "":
            lines.pop(key, None)
        else:
            lines[key] = f"{key} = {value}"
    return "\n".join(lines.values()) + "\n\n[[rules]]" + rule


def problems(text: str) -> list[str]:
    rule_set, found = load_rule_set(text)
    assert (rule_set is None) == bool(found)
    return [str(f) for f in found]


# --- a good file ---------------------------------------------------------------------------------

def test_a_good_rule_set_loads_as_values():
    rule_set, found = load_rule_set(GOOD)
    assert found == [] and rule_set is not None
    assert (rule_set.code, rule_set.name, rule_set.valid_from, rule_set.one_per_year) == (
        "test-2025", "测试规则", date(2025, 1, 1), False)
    (rule,) = rule_set.rules
    assert (rule.id, rule.source, rule.tiers, rule.classes, rule.groups) == (
        "top5", "row 1", ("provincial",), ("1",), ("employee", "student"))
    assert rule.placing == Ranks(1, 5)
    assert rule.outcome == Target("level2", "level2", "level1")
    assert rule.student_outcome == Target("level3")
    assert rule.title is None and rule.team_sizes == ()


def test_other_placings_and_outcomes_load():
    rule_set = read_rule_set(with_rule(ranks="", top_percent="30", target="", if_holds="", then="",
                                       student_target="", one_level_up="true", cap='"level2"'))
    assert rule_set.rules[0].placing == TopPercent(Decimal(30))
    assert rule_set.rules[0].outcome == OneLevelUp("level2")
    rule_set = read_rule_set(with_rule(ranks="", awards='["gold", "excellence"]'))
    assert rule_set.rules[0].placing == Awards(("gold", "excellence"))


def test_one_level_up_without_a_cap_stops_at_level1():
    rule_set = read_rule_set(with_rule(target="", if_holds="", then="", student_target="",
                                       one_level_up="true"))
    assert rule_set.rules[0].outcome == OneLevelUp("level1")


def test_a_percentage_may_have_two_decimals_and_a_date_may_be_a_string():
    text = with_head(valid_from='"2025-03-01"').replace("ranks = [1, 5]", "top_percent = 12.25")
    rule_set = read_rule_set(text)
    assert rule_set.valid_from == date(2025, 3, 1)
    assert rule_set.rules[0].placing == TopPercent(Decimal("12.25"))


def test_levels_may_be_written_in_chinese():
    rule_set = read_rule_set(with_rule(target='"技师"', if_holds='"技师"', then='"高级技师"',
                                       student_target='"高级工"'))
    assert rule_set.rules[0].outcome == Target("level2", "level2", "level1")
    assert rule_set.rules[0].student_outcome == Target("level3")


TITLE_RULE = """
[[rules]]
id = "top5-title"
source = "row 2"
tiers = ["provincial"]
groups = ["employee"]
ranks = [1, 5]
title = "national_technical_expert"
team_sizes = [1]
"""


def test_a_title_rule_loads():
    rule = read_rule_set(GOOD + TITLE_RULE).rules[1]
    assert (rule.title, rule.outcome, rule.team_sizes) == ("national_technical_expert", None, (1,))


# --- the shipped seven ---------------------------------------------------------------------------

@pytest.mark.parametrize("code", SHIPPED)
def test_each_shipped_rule_set_loads_with_its_sources(code):
    text = shipped_text("promotion", code)
    rule_set, found = load_rule_set(text)
    assert found == [], [str(f) for f in found]
    assert rule_set is not None and rule_set.code == code
    assert rule_set.name and rule_set.source and rule_set.rules
    assert all(rule.source for rule in rule_set.rules)
    assert shipped_rule_set(code) == rule_set


def test_the_shipped_files_are_exactly_the_seven_codes():
    assert sorted(shipped_codes("promotion")) == sorted(SHIPPED)


def test_only_tianjin_sets_one_per_year():
    assert [code for code in SHIPPED if shipped_rule_set(code).one_per_year] == ["tianjin-2024"]


def test_an_unknown_shipped_code_is_refused():
    with pytest.raises(KeyError):
        shipped_rule_set("atlantis-2099")


# --- refusals: every problem, where it is ------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(with_head(colour='"blue"'), "colour: unknown key", id="unknown top-level key"),
    pytest.param(with_head(kind='"medals"'), "kind: 'medals' is not a kind of rule set: grants, promotion",
                 id="unknown kind"),
    pytest.param(with_head(kind='"grants"', one_per_year=""),
                 "kind: this is a grants rule set, not a promotion rule set", id="the other kind"),
    pytest.param(with_head(code=""), "code: is required", id="missing code"),
    pytest.param(with_head(code='"Test 2025"'),
                 "code: 'Test 2025' must be lower-case letters, digits and hyphens (at most 64)",
                 id="bad code"),
    pytest.param(with_head(name=""), "name: is required", id="missing name"),
    pytest.param(with_head(name='"  "'), "name: must be a non-empty string", id="blank name"),
    pytest.param(with_head(source=""), "source: is required", id="missing source"),
    pytest.param(with_head(valid_from=""), "valid_from: is required", id="missing valid_from"),
    pytest.param(with_head(valid_from='"1 May 2025"'), "valid_from: must be a date YYYY-MM-DD",
                 id="bad date"),
    pytest.param(with_head(valid_from="2025-01-01T08:00:00"), "valid_from: must be a date YYYY-MM-DD",
                 id="a date-time is not a date"),
    pytest.param(with_head(one_per_year=""), "one_per_year: is required", id="missing one_per_year"),
    pytest.param(with_head(one_per_year='"yes"'), "one_per_year: must be true or false",
                 id="one_per_year text"),
    pytest.param(GOOD.split("[[rules]]")[0], "rules: a rule set needs at least one rule", id="no rules"),
    pytest.param(GOOD.split("[[rules]]")[0] + "rules = []\n", "rules: a rule set needs at least one rule",
                 id="empty rules"),
    pytest.param(GOOD.split("[[rules]]")[0] + 'rules = ["top5"]\n',
                 "rules[0]: must be a table ([[rules]])", id="a rule that is not a table"),
    pytest.param(with_rule(id=""), "rules[0].id: is required", id="rule without id"),
    pytest.param(with_rule(id='"Top 5"'),
                 "rules[0].id: 'Top 5' must be lower-case letters, digits, '-' and '_' (at most 40)",
                 id="bad rule id"),
    pytest.param(with_rule(source=""), "rules[0].source: is required", id="rule without source"),
    pytest.param(with_rule(colour='"blue"'), "rules[0].colour: unknown key", id="unknown rule key"),
    pytest.param(with_rule(tiers=""), "rules[0].tiers: is required", id="missing tiers"),
    pytest.param(with_rule(tiers='"provincial"'), "rules[0].tiers: must be a list", id="tiers not a list"),
    pytest.param(with_rule(tiers='["galactic"]'), "rules[0].tiers: 'galactic' is not a tier",
                 id="unknown tier"),
    pytest.param(with_rule(tiers='["special"]'),
                 "rules[0].tiers: a special contest is matched by its effective tier; name that tier",
                 id="special"),
    pytest.param(with_rule(classes="[4]"), "rules[0].classes: '4' is not a class of tier provincial",
                 id="unknown class"),
    pytest.param(with_rule(tiers='["national_industry"]'),
                 "rules[0].classes: '1' is not a class of tier national_industry",
                 id="a tier without classes"),
    pytest.param(with_rule(groups=""), "rules[0].groups: is required", id="missing groups"),
    pytest.param(with_rule(groups='["retirees"]'),
                 "rules[0].groups: 'retirees' is not a group: employee, student", id="unknown group"),
    pytest.param(with_rule(groups="[]"), "rules[0].groups: must list at least one group", id="no group"),
    pytest.param(with_rule(ranks=""), "rules[0]: needs one placing condition: awards, ranks or top_percent",
                 id="no placing"),
    pytest.param(with_rule(awards='["gold"]'),
                 "rules[0]: has more than one placing condition (awards, ranks); give one",
                 id="two placings"),
    pytest.param(with_rule(ranks="", awards='["platinum"]'),
                 "rules[0].awards: 'platinum' is not an award: bronze, excellence, first_prize, gold, "
                 "second_prize, silver, third_prize", id="unknown award"),
    pytest.param(with_rule(ranks="", awards="[]"), "rules[0].awards: must list at least one award",
                 id="no award"),
    pytest.param(with_rule(ranks="[5, 1]"),
                 "rules[0].ranks: must be [first, last] with whole numbers 1 ≤ first ≤ last",
                 id="ranks reversed"),
    pytest.param(with_rule(ranks="[0, 5]"),
                 "rules[0].ranks: must be [first, last] with whole numbers 1 ≤ first ≤ last", id="rank 0"),
    pytest.param(with_rule(ranks="5"),
                 "rules[0].ranks: must be [first, last] with whole numbers 1 ≤ first ≤ last",
                 id="ranks a number"),
    pytest.param(with_rule(ranks="", top_percent="0"),
                 "rules[0].top_percent: must be a number above 0 and at most 100 with at most 2 decimals",
                 id="0 %"),
    pytest.param(with_rule(ranks="", top_percent="100.5"),
                 "rules[0].top_percent: must be a number above 0 and at most 100 with at most 2 decimals",
                 id="above 100 %"),
    pytest.param(with_rule(ranks="", top_percent="12.345"),
                 "rules[0].top_percent: must be a number above 0 and at most 100 with at most 2 decimals",
                 id="3 decimals"),
    pytest.param(with_rule(target='"level6"'), "rules[0].target: 'level6' is not a skill level",
                 id="no such level"),
    pytest.param(with_rule(target='"apprentice"', if_holds="", then=""),
                 "rules[0].target: no contest grants apprentice; the lowest is level5 (初级工)",
                 id="nor apprentice"),
    pytest.param(with_rule(target='"principal"', if_holds="", then=""),
                 "rules[0].target: no contest grants principal; the highest is level1 (高级技师)",
                 id="principal is never granted"),
    pytest.param(with_rule(then='"chief"'),
                 "rules[0].then: no contest grants chief; the highest is level1 (高级技师)", id="nor chief"),
    pytest.param(with_rule(target="", if_holds="", then="", student_target=""),
                 "rules[0]: needs an outcome: target, one_level_up or title", id="no outcome"),
    pytest.param(with_rule(one_level_up="true", if_holds="", then=""),
                 "rules[0]: has both target and one_level_up; give one", id="target and one level up"),
    pytest.param(with_rule(one_level_up='"yes"'), "rules[0].one_level_up: must be true or false",
                 id="one_level_up text"),
    pytest.param(with_rule(then=""), "rules[0].if_holds: needs then (the level a holder of if_holds gets)",
                 id="if_holds without then"),
    pytest.param(with_rule(if_holds=""), "rules[0].then: needs if_holds", id="then without if_holds"),
    pytest.param(with_rule(if_holds='"level3"', then='"level3"', target='"level3"'),
                 "rules[0].then: must be above if_holds (level3)", id="then not above if_holds"),
    pytest.param(with_rule(if_holds='"level4"', then='"level3"'),
                 "rules[0].if_holds: must be at least target (level2); a lower level already gets target",
                 id="if_holds below target"),
    pytest.param(with_rule(cap='"level2"'), "rules[0].cap: only with one_level_up",
                 id="cap without one_level_up"),
    pytest.param(with_rule(target="", if_holds="", then="", one_level_up="true", cap='"principal"'),
                 "rules[0].cap: no contest grants principal; the highest is level1 (高级技师)",
                 id="cap too high"),
    pytest.param(with_rule(groups='["employee"]'),
                 "rules[0].student_target: the rule does not cover students",
                 id="student variant without students"),
    pytest.param(with_rule(groups='["student"]'),
                 "rules[0].student_target: the rule covers students only; write their outcome in target",
                 id="student variant on a students-only rule"),
    pytest.param(with_rule(student_if_holds='"level3"'),
                 "rules[0].student_if_holds: needs student_then "
                 "(the level a holder of student_if_holds gets)",
                 id="student_if_holds without student_then"),
    pytest.param(with_rule(student_target="", student_then='"level2"', student_if_holds='"level3"'),
                 "rules[0].student_if_holds: needs student_target",
                 id="student clause without student_target"),
    pytest.param(with_rule(target="", if_holds="", then="", student_target="", title='"nobel_prize"'),
                 "rules[0].title: 'nobel_prize' is not a title: china_skills_award, "
                 "national_technical_expert, provincial_skills_award, provincial_technical_expert",
                 id="unknown title"),
    pytest.param(with_rule(title='"national_technical_expert"'),
                 "rules[0]: proposes both a level and a title; write two rules", id="level and title"),
    pytest.param(with_rule(team_sizes="[0]"), "rules[0].team_sizes: must list whole numbers from 1",
                 id="team size 0"),
])
def test_a_bad_rule_set_is_refused(text, expected):
    assert expected in problems(text)


def test_not_toml_is_refused_with_the_parser_s_words():
    (found,) = problems('kind = "promotion"\ncode = \n')
    assert found.startswith("file: not valid TOML: ")


def test_duplicate_rule_ids_are_refused():
    text = GOOD + GOOD.split("[[rules]]")[1].join(["[[rules]]", ""])
    assert "rules[1].id: rule top5 appears more than once" in problems(text)


def test_every_problem_is_listed_at_once():
    text = with_head(code="", colour='"blue"').replace('target = "level2"', 'target = "level9"').replace(
        'groups = ["employee", "student"]', 'groups = ["robots"]')
    assert problems(text) == [
        "colour: unknown key",
        "code: is required",
        "rules[0].groups: 'robots' is not a group: employee, student",
        "rules[0].target: 'level9' is not a skill level",
    ]


def test_read_rule_set_raises_with_every_problem():
    with pytest.raises(RuleSetError) as caught:
        read_rule_set(with_head(code="", name=""))
    assert [str(f) for f in caught.value.findings] == ["code: is required", "name: is required"]
    assert "code: is required" in str(caught.value)


def test_a_rule_set_of_title_rules_only_is_refused():
    text = with_rule(target="", if_holds="", then="", student_target="", title='"national_technical_expert"')
    assert "rules: a promotion rule set needs at least one rule with a level outcome" in problems(text)


# --- the generic reader (shared with grants) --------------------------------------------------------

def test_the_generic_reader_returns_plain_data():
    doc, found = parse_rule_set(GOOD)
    assert found == [] and doc is not None
    assert (doc.kind, doc.code, doc.valid_from, doc.settings) == ("promotion", "test-2025", date(2025, 1, 1),
                                                                  {"one_per_year": False})
    assert doc.rules[0]["target"] == "level2" and doc.rules[0]["classes"] == [1]


def test_the_generic_reader_reads_decimals_not_floats():
    doc, _ = parse_rule_set(GOOD.replace("ranks = [1, 5]", "top_percent = 12.25"))
    assert doc is not None and doc.rules[0]["top_percent"] == Decimal("12.25")


def test_the_generic_reader_knows_the_grant_keys():
    text = with_head(kind='"grants"', one_per_year="", national_tiers='["national"]', exclusive="true")
    doc, found = parse_rule_set(text)
    assert found == [] and doc is not None
    assert doc.settings == {"national_tiers": ["national"], "exclusive": True}
    assert "one_per_year: unknown key" in [str(f) for f in parse_rule_set(with_head(kind='"grants"'))[1]]


def test_the_generic_reader_refuses_an_unexpected_kind():
    _, found = parse_rule_set(GOOD, kind="grants")
    assert [str(f) for f in found] == ["kind: this is a promotion rule set, not a grants rule set"]


def test_values_of_the_wrong_shape_are_refused_not_crashed_on():
    assert "rules[0].title: [] is not a title: china_skills_award, national_technical_expert, " \
           "provincial_skills_award, provincial_technical_expert" in problems(with_rule(title="[]"))
    assert "kind: ['promotion'] is not a kind of rule set: grants, promotion" in problems(
        with_head(kind='["promotion"]'))
    assert "rules[0].awards: [1] is not an award: bronze, excellence, first_prize, gold, second_prize, silver, " \
           "third_prize" in problems(with_rule(ranks="", awards="[[1]]"))
    assert "rules[0].tiers: [1] is not a tier" in problems(with_rule(tiers="[[1]]"))


def test_every_bad_value_of_one_key_is_listed():
    assert [p for p in problems(with_rule(tiers='["galactic", "special"]')) if ".tiers" in p] == [
        "rules[0].tiers: 'galactic' is not a tier",
        "rules[0].tiers: a special contest is matched by its effective tier; name that tier"]

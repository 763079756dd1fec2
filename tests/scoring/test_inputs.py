"""The input layer: located problems in the product's words, and the field types' refusals."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field, model_validator

from scoring.inputs import (
    Day,
    Flag,
    Refusal,
    StrictModel,
    Text,
    WholeNumber,
    exact,
    exact_number,
    one_of,
    read,
    refuse,
    refusing,
    whole_number_from,
    within_places,
)


class Skill(StrictModel):
    code: Text = Field(max_length=8)
    quota_per_unit: WholeNumber = Field(ge=1)
    team: Flag = False


class Event(StrictModel):
    code: Text
    starts: Day
    kind: Literal["solo", "team"] = "solo"
    skills: list[Skill] = Field(max_length=3)


def problems(data, where: str = "") -> list[str]:
    value, found = read(Event, data, where)
    assert (value is None) == bool(found)
    return [str(f) for f in found]


def test_a_good_document_reads_into_the_model():
    event, found = read(Event, {"code": " EV1 ", "starts": "2026-05-01",
                                "skills": [{"code": "WELD", "quota_per_unit": Decimal("2.0")}]})
    assert found == []
    assert event.code == "EV1" and event.starts == date(2026, 5, 1)
    assert event.skills[0].quota_per_unit == 2 and event.skills[0].team is False


def test_every_problem_is_listed_with_its_location():
    assert problems({"starts": "1 May", "kind": "pair", "extra": 1,
                     "skills": [{"code": "", "quota_per_unit": 0, "team": 1}, {"code": "TOO-LONG-CODE"}]}) == [
        "code: is required",
        "starts: must be a date YYYY-MM-DD",
        "kind: 'pair' is not one of 'solo' or 'team'",
        "skills[0].code: must be a non-empty string",
        "skills[0].quota_per_unit: must be at least 1",
        "skills[0].team: must be true or false",
        "skills[1].code: must be at most 8 characters",
        "skills[1].quota_per_unit: is required",
        "extra: unknown key",
    ]


def test_locations_go_under_the_callers_prefix_and_a_non_object_is_one_problem():
    assert problems({"code": "E", "starts": "2026-01-01", "skills": "x"}, "events[2]") == [
        "events[2].skills: must be a list"]
    assert problems([1, 2]) == ["file: must be an object"]


def test_values_are_never_coerced_across_types():
    for bad in ("5", True, Decimal("2.5"), 2.0, 10 ** 19):
        assert problems({"code": "E", "starts": "2026-01-01", "skills": [{"code": "W", "quota_per_unit": bad}]}) \
            == ["skills[0].quota_per_unit: must be a whole number"], bad
    assert problems({"code": 7, "starts": date(2026, 1, 1), "skills": []}) == ["code: must be a non-empty string"]
    assert problems({"code": "a\x00", "starts": "2026-02-30", "skills": []}) == [
        "code: a text holds a NUL character", "starts: must be a date YYYY-MM-DD"]


def test_a_validator_refuses_in_the_products_words():
    from pydantic import field_validator

    class Window(StrictModel):
        opens: Day
        closes: Day

        @field_validator("closes")
        @classmethod
        def _after_opening(cls, closes, info):
            if "opens" in info.data and closes < info.data["opens"]:
                refuse("must not be before %(day)s", day=info.data["opens"].isoformat())
            return closes

    _, found = read(Window, {"opens": "2026-05-02", "closes": "2026-05-01"})
    assert [(f.where, f.template, f.params) for f in found] == [
        ("closes", "must not be before %(day)s", {"day": "2026-05-02"})]


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                    max_leaves=12))
def test_any_json_value_is_read_or_refused_with_located_problems(data):
    json.dumps(data)
    value, found = read(Event, data)
    assert value is not None or found
    assert all(f.where and f.text for f in found)


# --- the generic field types of rule files: exact numbers, choices, counts ----------------------------

class Rule(StrictModel):
    act: Annotated[str, one_of(("hosting", "organizing"))]
    share: exact_number("must be a number above 0 and at most 1", above=0, at_most=1) = Decimal(1)
    amount: exact_number("must be 0 or more yuan to the fen", at_least=0, at_most=10 ** 8, places=2) = Decimal(0)
    months: whole_number_from(1) | None = None


def rule_problems(**data) -> list[str]:
    return [str(f) for f in read(Rule, {"act": "hosting", **data})[1]]


def test_exact_numbers_are_decimals_never_binary_floats():
    rule, found = read(Rule, {"act": "hosting", "share": "0.8", "amount": Decimal("12.50")})
    assert found == [] and rule.share == Decimal("0.8") and rule.amount == Decimal("12.50")
    for bad in (0.5, True, "half", Decimal("NaN"), Decimal("Infinity"), 0, Decimal("1.01")):
        assert rule_problems(share=bad) == ["share: must be a number above 0 and at most 1"], bad
    assert rule_problems(amount=Decimal("1.000")) == []
    for bad in (Decimal("0.001"), -1, "1E+30000000000"):
        assert rule_problems(amount=bad) == ["amount: must be 0 or more yuan to the fen"], bad
    assert exact(" 2.5 ") == Decimal("2.5") and exact(2.5) is None
    assert within_places(Decimal("1E+30"), 2) and not within_places(Decimal("0.125"), 2)


def test_choices_and_counts_are_refused_in_the_products_words():
    assert rule_problems(act="sponsoring") == ["act: 'sponsoring' is not one of hosting, organizing"]
    assert rule_problems(act=["hosting"]) == ["act: ['hosting'] is not one of hosting, organizing"]
    for bad in (0, True, Decimal("5.0"), "5"):
        assert rule_problems(months=bad) == ["months: must be a whole number of at least 1"], bad


class OneSource(StrictModel):
    """A table giving one of two keys: the refusal of the table is listed where its keys are."""

    first: Flag = False
    awards: Text | None = None
    places: Text | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _one_of_two(cls, data, handler):
        given = [key for key in ("awards", "places") if key in data]
        refusals = [(Refusal("give one of awards or places"), None, "awards")] if len(given) != 1 else []
        if "places" in data and "first" not in data:
            refusals.append((Refusal("only with %(key)s", key="first"), "places", None))
        return refusing(data, handler, refusals, list(cls.model_fields))


def test_a_refusal_of_the_whole_table_keeps_the_order_of_the_keys():
    _, found = read(OneSource, {"first": 1, "awards": "", "places": "x", "extra": 1}, "rules[1]")
    assert [str(f) for f in found] == [
        "rules[1].first: must be true or false", "rules[1]: give one of awards or places",
        "rules[1].awards: must be a non-empty string", "rules[1].extra: unknown key"]
    assert [str(f) for f in read(OneSource, {})[1]] == ["file: give one of awards or places"]
    assert [str(f) for f in read(OneSource, {"places": "x"})[1]] == ["places: only with first"]
    assert read(OneSource, {"places": "x", "first": True})[0] == OneSource(places="x", first=True)


def test_the_context_reaches_the_validators():
    from pydantic import ValidationInfo, field_validator

    class Once(StrictModel):
        id: Text

        @field_validator("id")
        @classmethod
        def _once(cls, value, info: ValidationInfo):
            if value in info.context["seen"]:
                refuse("%(id)s is used by an earlier rule", id=value)
            info.context["seen"].add(value)
            return value

    context = {"seen": set()}
    assert read(Once, {"id": "a"}, "rules[0]", context)[1] == []
    assert [str(f) for f in read(Once, {"id": "a"}, "rules[1]", context)[1]] == [
        "rules[1].id: a is used by an earlier rule"]


def test_an_optional_null_is_the_key_left_out_and_a_required_null_is_refused():
    event, found = read(Event, {"code": "E", "starts": "2026-01-01", "kind": None,
                                "skills": [{"code": "W", "quota_per_unit": 1, "team": None}]})
    assert found == [] and event.kind == "solo" and event.skills[0].team is False
    assert problems({"code": None, "starts": None, "skills": [{"code": "W", "quota_per_unit": None}]}) == [
        "code: must not be null", "starts: must not be null", "skills[0].quota_per_unit: must not be null"]


def test_a_validator_may_locate_several_problems_inside_its_value_and_see_the_context():
    from pydantic import ValidationInfo, field_validator

    from scoring.inputs import refuse_all
    from scoring.marks import problem

    class Roster(StrictModel):
        window: dict[str, Day]
        units: list[Text]

        @field_validator("window")
        @classmethod
        def _closes_after_opening(cls, window):
            if window["closes"] < window["opens"]:
                refuse("is before %(day)s", below="closes", day=window["opens"].isoformat())
            return window

        @field_validator("units")
        @classmethod
        def _known(cls, units, info: ValidationInfo):
            refuse_all([problem(f"[{i}]", "unknown unit %(code)s", code=code)
                        for i, code in enumerate(units) if code not in info.context])
            return units

    data = {"window": {"opens": "2026-05-02", "closes": "2026-05-01"}, "units": ["JX", "X", "Y"]}
    _, found = read(Roster, data, context={"JX"})
    assert [str(f) for f in found] == [
        "window.closes: is before 2026-05-02", "units[1]: unknown unit X", "units[2]: unknown unit Y"]
    roster, found = read(Roster, data | {"window": {"opens": "2026-05-01", "closes": "2026-05-01"}},
                         context={"JX", "X", "Y"})
    assert found == [] and roster.units == ["JX", "X", "Y"]


def test_a_refused_document_is_salvaged_field_by_field_for_whole_document_checks():
    from scoring.inputs import salvage

    event = salvage(Event, {"code": "E", "starts": "1 May", "colour": "red",
                            "skills": [{"code": "W", "quota_per_unit": 0}, "not an object", {"code": 7}]})
    assert (event.code, event.starts, event.kind) == ("E", None, None)
    assert [(s.code, s.quota_per_unit, s.team) for s in event.skills] == [
        ("W", 0, None), (None, None, None), (None, None, None)]  # bounds are not needed to read a value
    assert salvage(Event, [1]).skills is None

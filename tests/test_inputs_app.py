"""The input layer's app side: refusals carry every problem, English here and translated on the web."""
from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import Field

from app.errors import InputRefused
from app.inputs import Hundredths, problems_of, read_or_refuse
from app.messages import translated
from scoring.inputs import StrictModel, WholeNumber, read


class Quota(StrictModel):
    quota: WholeNumber = Field(ge=1)


def test_a_refusal_lists_every_problem_located_under_the_prefix():
    assert read_or_refuse(Quota, {"quota": 3}).quota == 3
    with pytest.raises(InputRefused) as refused:
        read_or_refuse(Quota, {"quota": 0, "other": 1}, "skills[1]")
    assert [str(p) for p in refused.value.problems] == [
        "skills[1].quota: must be at least 1", "skills[1].other: unknown key"]


def test_messages_are_translated_on_the_web(app):
    _, found = read(Quota, {"quota": "x"})
    message = problems_of(found, "rules.toml: ")[0]
    assert (message.where, str(message.message)) == ("rules.toml: quota", "must be a whole number")
    with app.test_request_context(headers={"Cookie": "lang=zh_Hans_CN"}):
        assert translated(message.message) == "必须是整数"


class Band(StrictModel):
    top_percent: Hundredths = Field(ge=Decimal("0.01"))


def test_hundredths_are_read_like_every_number_a_person_types():
    for given, stored in (("12.5", "12.50"), (12, "12.00"), (Decimal("0.25"), "0.25"), (" 7 ", "7.00")):
        assert str(read_or_refuse(Band, {"top_percent": given}).top_percent) == stored
    refused = {"10.001": "top_percent: '10.001' has more than 2 decimals",
               "1e2": "top_percent: '1e2': write the number in plain digits, without an exponent",
               "x": "top_percent: 'x' is not a number",
               "": "top_percent: is empty: a number is needed",
               "0": "top_percent: must be at least 0.01",
               "-1": "top_percent: must be at least 0.01"}
    for given, problem in [*refused.items(), (True, "top_percent: must be a decimal number"),
                           ([1], "top_percent: must be a decimal number"), (None, "top_percent: must not be null")]:
        assert [str(p) for p in read_or_refuse_problems(Band, {"top_percent": given})] == [problem], given


def read_or_refuse_problems(model, data):
    with pytest.raises(InputRefused) as refused:
        read_or_refuse(model, data)
    return refused.value.problems

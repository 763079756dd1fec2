"""The input layer's app side: refusals carry every problem, English here and translated on the web."""
from __future__ import annotations

import pytest
from pydantic import Field

from app.errors import InputRefused
from app.inputs import problems_of, read_or_refuse
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

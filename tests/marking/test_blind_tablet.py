"""Blind marking on the tablet: no contestant name, bib or unit reaches a judge's tablet page, desk
JSON or batch answers — competitors are their secret numbers — while the server still refuses a
judge's own unit's competitor (conflict of interest, checked with the real units)."""
from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import select

from app.extensions import db
from app.units.models import Unit
from tests.events.helpers import login_en
from tests.marking.test_blind_marking import BIBS, NAMES, secrets, world  # noqa: F401  (the blind contest)

DESK = "/api/v1/tablet/EV1/WELD"


def forbidden_words() -> set[str]:
    units = db.session.scalars(select(Unit)).all()
    return {*NAMES.values(), *BIBS, *(u.name for u in units), *(u.code for u in units)} - {""}


def leaks(text: str) -> set[str]:
    """Whole words only: a two-letter unit code such as "JX" turns up inside random tokens."""
    return {word for word in forbidden_words()
            if re.search(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", text)}


def post(client, competitor: str, aspect: str = "B1.1", value: str = "10") -> dict:
    response = client.post("/api/v1/marks/batch", json={"marks": [{
        "uuid": str(uuid.uuid4()), "event": "EV1", "skill": "WELD", "aspect": aspect, "competitor": competitor,
        "value": value, "base_version": 0}]})
    assert response.status_code == 200
    return response.get_json()["results"][0]


@pytest.mark.parametrize("name", ["j1", "nc2", "res", "chief"])
def test_no_name_bib_or_unit_reaches_the_tablet(world, client, name):  # noqa: F811
    login_en(client, name)
    page = client.get("/events/EV1/skills/WELD/tablet").text
    desk = client.get(DESK)
    assert desk.status_code == 200
    assert leaks(page) == set() and leaks(desk.text) == set()
    keys = {key for criterion in desk.get_json()["criteria"] for key in criterion["competitors"]}
    assert keys <= set(secrets(world).values())
    assert all(k.split("|")[1] in keys for k in desk.get_json()["marks"])
    answers = [post(client, key, "A1.1", "2") for key in sorted(keys)] + [post(client, "999")]
    assert leaks(json.dumps(answers, ensure_ascii=False)) == set()


def test_a_bib_is_not_a_key_when_marking_blind_and_is_refused_like_any_unknown_key(world, client):  # noqa: F811
    login_en(client, "j1")
    known, unknown = post(client, "W-02"), post(client, "W-99")
    assert known["outcome"] == unknown["outcome"] == "refused"
    assert known["reason"].replace("W-02", "?") == unknown["reason"].replace("W-99", "?")


def test_conflicts_are_enforced_with_the_real_units_behind_the_secret_numbers(world, client):  # noqa: F811
    login_en(client, "nc2")  # NC-E2, like W-03
    hidden = secrets(world)["W-03"]
    desk = client.get(DESK).get_json()
    assert all(hidden not in c["competitors"] for c in desk["criteria"])
    answer = post(client, hidden, "A1.1", "2")
    assert answer["outcome"] == "refused" and "conflict of interest" in answer["reason"]
    assert leaks(answer["reason"]) == set()

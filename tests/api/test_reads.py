"""Read endpoints: pages with bounds, filters, located refusals, ETags with 304, and public results
of published skills only, without a token."""
from __future__ import annotations

import pytest

from app.auth.models import Role
from app.extensions import db
from app.results.publication import publish
from tests.api.helpers import bearer, token_for
from tests.results.builders import finished_world


@pytest.fixture()
def events(ctx, make):
    root = make.unit("ROOT")
    for n in range(5):
        event = make.event(f"E{n}", organizers=[root], tier="national" if n == 0 else "provincial")
        make.skill(event, "WELD", group="student" if n else None)
    secret = token_for(make.user("org", role=Role.ORGANIZER, unit=root))
    db.session.commit()
    return bearer(secret)


def test_lists_are_paginated_within_a_bound(client, events):
    first = client.get("/api/v1/events?per_page=2", headers=events).get_json()
    third = client.get("/api/v1/events?per_page=2&page=3", headers=events).get_json()
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (5, 1, 2, 2)
    assert len(third["items"]) == 1
    assert {e["code"] for e in first["items"]}.isdisjoint({e["code"] for e in third["items"]})


@pytest.mark.parametrize("query, where", [("per_page=201", "per_page"), ("page=0", "page"), ("page=x", "page"),
                                          ("colour=red", "colour"), ("year=20x6", "year")])
def test_a_bad_query_is_refused_with_located_problems(client, events, query, where):
    refused = client.get(f"/api/v1/events?{query}", headers=events)
    assert refused.status_code == 400
    body = refused.get_json()
    assert body["error"] == "the query parameters are not valid"
    assert [p["where"] for p in body["problems"]] == [where]


def test_filters(client, events):
    assert [e["code"] for e in client.get("/api/v1/events?tier=national", headers=events).get_json()["items"]] == ["E0"]
    assert client.get("/api/v1/events/E0/skills?group=student", headers=events).get_json()["total"] == 0
    assert client.get("/api/v1/events/E1/skills?group=student", headers=events).get_json()["total"] == 1
    assert client.get("/api/v1/events/NOPE/skills", headers=events).status_code == 404


def test_an_unchanged_answer_is_304(client, events):
    first = client.get("/api/v1/events/E1", headers=events)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/api/v1/events/E1", headers={**events, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_reads_need_a_token_or_session(client, events):
    assert client.get("/api/v1/events").status_code == 401


@pytest.fixture()
def results(ctx, make):
    world = finished_world(make)
    db.session.commit()
    return world


def test_public_results_of_published_skills_only_without_a_token(client, results):
    assert client.get("/api/v1/results/EV1/WELD").status_code == 404
    assert client.get("/api/v1/results/EV1").get_json()["items"] == []
    publish(results.event, skill=results.weld)
    db.session.commit()
    table = client.get("/api/v1/results/EV1/WELD")
    assert table.status_code == 200
    body = table.get_json()
    assert body["publication"] != "private" and body["total"] == len(body["items"]) > 0
    assert all("id_number" not in line for line in body["items"])
    assert [s["skill"] for s in client.get("/api/v1/results/EV1").get_json()["items"]] == ["WELD"]
    assert client.get("/api/v1/results/EV1/WELD", headers={"If-None-Match": table.headers["ETag"]}).status_code == 304
    assert client.get(f"/api/v1/results/EV1/{results.care.code}").status_code == 404

"""Approved promotions and grant lines through the API: the export's columns and shapes, for the
organizers (and admins) the web pages admit, within their jurisdiction; every forbidden path tried."""
from __future__ import annotations

import pytest

from app.auth.models import Role, TokenScope
from app.extensions import db
from app.grants.services import Scope, ledger, ledger_document, recompute
from app.promotion.export import approved_rows
from app.promotion.services import approve, propose
from tests.api.helpers import bearer, token_for
from tests.grants.builders import GrantsWorld
from tests.promotion.world import promotion_world


@pytest.fixture()
def promoted(ctx, make):
    world = promotion_world(make)
    rows = {p.registration.contestant_no: p for p in propose(world.event)}
    approve([rows["W-02"], rows["W-01"]])
    tokens = {name: bearer(token_for(make.user(name, role=role, unit=unit), scope=TokenScope.READ))
              for name, role, unit in (("org", Role.ORGANIZER, world.hrss),
                                       ("other-org", Role.ORGANIZER, make.unit("ELSEWHERE")),
                                       ("unit-admin", Role.UNIT_ADMIN, world.units["JX-NC"]))}
    db.session.commit()
    return world, tokens


def test_organizers_read_the_approved_promotions_in_the_exports_columns(client, promoted):
    world, tokens = promoted
    answer = client.get("/api/v1/events/EV1/promotions", headers=tokens["org"])
    assert answer.status_code == 200
    assert answer.get_json()["items"] == approved_rows(world.event)
    assert [r["contestant_no"] for r in answer.get_json()["items"]] == ["W-01", "W-02"]
    page = client.get("/api/v1/events/EV1/promotions?per_page=1&page=2&skill=WELD", headers=tokens["org"]).get_json()
    assert [r["contestant_no"] for r in page["items"]] == ["W-02"] and page["total"] == 2
    assert client.get("/api/v1/events/EV1/promotions?skill=CARE", headers=tokens["org"]).get_json()["total"] == 0


def test_promotions_are_out_of_reach_of_everyone_else(client, promoted):
    _world, tokens = promoted
    assert client.get("/api/v1/events/EV1/promotions", headers=tokens["other-org"]).status_code == 404
    assert client.get("/api/v1/events/EV1/promotions", headers=tokens["unit-admin"]).status_code == 403
    assert client.get("/api/v1/events/EV1/promotions").status_code == 401


@pytest.fixture()
def ledgered(ctx, make):
    world = GrantsWorld(make)
    recompute(Scope("jiangxi-2019", year=2026))
    u = world.units
    tokens = {name: bearer(token_for(make.user(name, role=role, unit=unit), **extra))
              for name, role, unit, extra in (
                  ("admin", Role.ADMIN, None, {}), ("jx-org", Role.ORGANIZER, u["JX"], {}),
                  ("tc-org", Role.ORGANIZER, u["JX-TC1"], {}), ("unit-admin", Role.UNIT_ADMIN, u["JX"], {}),
                  ("nat-bound", Role.ORGANIZER, u["JX"], {"event": world.nat}))}
    db.session.commit()
    return world, tokens


URL = "/api/v1/grants/jiangxi-2019/lines"


def test_grant_lines_are_the_exports_json_within_the_callers_tree(client, ledgered):
    _world, tokens = ledgered
    everything = client.get(URL, headers=tokens["admin"]).get_json()
    expected = ledger_document("jiangxi-2019", ledger(Scope("jiangxi-2019")))
    assert everything["items"] == expected["lines"] and everything["totals"] == expected["totals"]
    assert everything["total_amount"] == "800000.00" and everything["total"] == 6
    province = client.get(URL, headers=tokens["jx-org"]).get_json()  # by default their own unit's tree
    assert province["total_amount"] == "700000.00" and "BJ-S1" not in province["totals"]
    school = client.get(URL, headers=tokens["tc-org"]).get_json()
    assert set(school["totals"]) == {"JX-TC1"} and school["total_amount"] == "500000.00"
    wide = client.get(f"{URL}?unit=JX", headers=tokens["tc-org"])
    assert wide.status_code == 400
    assert wide.get_json()["problems"] == [{"where": "unit", "message": "unknown unit JX"}]
    paged = client.get(f"{URL}?per_page=2&page=3&status=computed&year=2026", headers=tokens["admin"]).get_json()
    assert len(paged["items"]) == 2 and paged["total"] == 6 and paged["total_amount"] == "800000.00"


def test_grant_lines_forbidden_paths(client, ledgered):
    _world, tokens = ledgered
    assert client.get(URL, headers=tokens["unit-admin"]).status_code == 403
    assert client.get(URL).status_code == 401
    assert client.get("/api/v1/grants/nope/lines", headers=tokens["admin"]).status_code == 404
    bound = client.get(URL, headers=tokens["nat-bound"]).get_json()  # an event-bound token: its event only
    assert {line["trigger"].split("/")[0] for line in bound["items"]} == {"NAT"}
    other = client.get(f"{URL}?event=PROV", headers=tokens["nat-bound"])
    assert other.status_code == 403 and other.get_json()["error"] == "this token is for event NAT only"
    unknown = client.get(f"{URL}?event=NOPE", headers=tokens["admin"])
    assert unknown.status_code == 400 and unknown.get_json()["problems"][0]["message"] == "unknown event NOPE"

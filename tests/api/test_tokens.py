"""Personal API tokens: made on the account page and shown once, stored hashed, bearer without
CSRF, refused when revoked, expired or ended, narrowed by scope and event, never beyond the user's
role and unit tree, rate-limited per token, and every use and change audited."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.audit import AuditEntry
from app.auth.models import ApiToken, Role, TokenScope
from app.extensions import db
from tests.api.helpers import bearer, token_for
from tests.conftest import login


@pytest.fixture()
def world(ctx, make):
    root = make.unit("ROOT")
    city = make.unit("CITY", parent=root)
    school = make.unit("SCHOOL", parent=city)
    other = make.unit("OTHER")
    ev1 = make.event("EV1", organizers=[root])
    ev2 = make.event("EV2", organizers=[root])
    make.skill(ev1, "SK1")
    make.skill(ev2, "SK2")
    users = {name: make.user(name, role=role, unit=unit) for name, role, unit in (
        ("admin", Role.ADMIN, None), ("org", Role.ORGANIZER, root), ("cityadmin", Role.UNIT_ADMIN, city),
        ("judge", Role.EXPERT, None), ("otheradmin", Role.UNIT_ADMIN, other))}
    db.session.commit()
    return {"users": users, "ev1": ev1, "ev2": ev2, "units": (root, city, school, other)}


def _made_secret(html: str) -> str:
    return re.search(r'id="new-token" value="(jst_[^"]+)"', html)[1]


def test_a_token_is_made_on_the_account_page_shown_once_and_stored_hashed(client, world):
    login(client, "org")
    assert "/account/tokens" in client.get("/password").get_data(as_text=True)
    made = client.post("/account/tokens/new", data={"name": "HR platform", "scope": "read", "event": "EV1",
                                                     "days": "30"})
    assert made.status_code == 200
    secret = _made_secret(made.get_data(as_text=True))
    token = db.session.scalar(select(ApiToken))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.hint, token.name} and len(token.hint) < len(secret) / 4
    assert token.scope == TokenScope.READ and token.event.code == "EV1"
    assert token.expires_at == clock.now() + timedelta(days=30)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "HR platform" in listing and secret not in listing
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "token.create"))
    assert entry.actor == "user:org" and entry.after["scope"] == "read" and secret not in str(entry.after)


@pytest.mark.parametrize("days", ["0", "366", "x"])
def test_a_lifetime_outside_the_bounds_is_refused(client, world, days):
    login(client, "org")
    assert client.post("/account/tokens/new", data={"name": "n", "scope": "read", "event": "",
                                                    "days": days}).status_code == 400
    assert db.session.scalar(select(ApiToken)) is None


def test_a_user_revokes_their_own_token_only(client, world):
    secret = token_for(world["users"]["org"])
    theirs = db.session.scalar(select(ApiToken))
    login(client, "cityadmin")
    assert client.post("/account/tokens/revoke", data={"target": theirs.id}).status_code == 404
    assert client.get("/api/v1/events", headers=bearer(secret)).status_code == 200
    client.post("/logout")
    login(client, "org")
    assert client.post("/account/tokens/revoke", data={"target": theirs.id}).status_code == 302
    assert client.get("/api/v1/events", headers=bearer(secret)).status_code == 401
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "token.revoke")).actor == "user:org"


@pytest.fixture()
def csrf_on(ctx):
    ctx.config["WTF_CSRF_ENABLED"] = True
    yield
    ctx.config["WTF_CSRF_ENABLED"] = False


def test_bearer_requests_need_no_csrf_token_and_sessions_still_do(client, world, csrf_on):
    secret = token_for(world["users"]["judge"])
    answer = client.post("/api/v1/marks/batch", json={"marks": []}, headers=bearer(secret))
    assert answer.status_code == 200 and answer.get_json() == {"results": []}
    client.post("/login", data={"username": "judge", "password": "correct-horse-42",
                                "csrf_token": _csrf(client)})
    assert client.post("/api/v1/marks/batch", json={"marks": []}).status_code == 400  # CSRF refused


def _csrf(client) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))[1]


def test_a_bad_bearer_token_never_falls_back_to_the_session(client, world, csrf_on):
    client.post("/login", data={"username": "judge", "password": "correct-horse-42", "csrf_token": _csrf(client)})
    assert client.get("/api/v1/events").status_code == 200  # the session works on its own
    for header in ({"Authorization": "Bearer jst_forged"}, {"Authorization": "Bearer "}):
        refused = client.post("/api/v1/marks/batch", json={"marks": []}, headers=header)
        assert refused.status_code == 401
        assert refused.get_json()["error"] == "the token is unknown, revoked or expired"


def test_expired_disabled_and_logged_out_everywhere_tokens_stop(client, world, ctx):
    users = world["users"]
    expired = token_for(users["org"], days=1)
    assert client.get("/api/v1/events", headers=bearer(expired)).status_code == 200
    with clock.frozen(clock.now() + timedelta(days=1, seconds=1)):
        assert client.get("/api/v1/events", headers=bearer(expired)).status_code == 401

    ended = token_for(users["cityadmin"])
    login(client, "cityadmin")
    client.post("/logout/everywhere")
    assert client.get("/api/v1/events", headers=bearer(ended)).status_code == 401

    disabled = token_for(users["admin"])
    users["admin"].active = False
    db.session.commit()
    assert client.get("/api/v1/events", headers=bearer(disabled)).status_code == 401


def test_a_read_token_cannot_write(client, world):
    secret = token_for(world["users"]["judge"], scope=TokenScope.READ)
    refused = client.post("/api/v1/marks/batch", json={"marks": []}, headers=bearer(secret))
    assert refused.status_code == 403
    assert refused.get_json() == {"error": "this token may only read", "problems": []}


def test_an_event_bound_token_reaches_its_event_only(client, world):
    secret = token_for(world["users"]["org"], event=world["ev1"])
    assert client.get("/api/v1/events/EV1/skills", headers=bearer(secret)).status_code == 200
    assert client.get("/api/v1/events/EV2/skills", headers=bearer(secret)).status_code == 403
    assert client.get("/api/v1/events/EV2", headers=bearer(secret)).status_code == 403
    listed = client.get("/api/v1/events", headers=bearer(secret)).get_json()
    assert [e["code"] for e in listed["items"]] == ["EV1"] and listed["total"] == 1
    unbound = token_for(world["users"]["org"])
    assert {e["code"] for e in client.get("/api/v1/events", headers=bearer(unbound)).get_json()["items"]} \
        == {"EV1", "EV2"}
    assert client.post("/api/v1/marks/batch", json={"marks": []}, headers=bearer(secret)).status_code == 403


def test_a_token_never_reaches_beyond_its_users_role_and_tree(client, world):
    users = world["users"]
    city = token_for(users["cityadmin"])
    assert [u["code"] for u in client.get("/api/v1/units", headers=bearer(city)).get_json()["items"]] \
        == ["CITY", "SCHOOL"]
    login(client, "cityadmin")  # the web shows the same units
    page = client.get("/units/").get_data(as_text=True)
    assert "CITY" in page and "SCHOOL" in page and "OTHER" not in page
    admin = token_for(users["admin"])
    assert client.get("/api/v1/units", headers=bearer(admin)).get_json()["total"] == 4
    judge = token_for(users["judge"])
    assert client.get("/api/v1/units", headers=bearer(judge)).status_code == 403  # no role for units
    organizer = token_for(users["org"])
    assert client.post("/api/v1/marks/batch", json={"marks": []}, headers=bearer(organizer)).status_code == 403


def test_each_token_has_its_own_rate_limit(client, world, ctx):
    ctx.config["API_TOKEN_RATE_LIMIT"] = "3 per minute"
    try:
        first, second = token_for(world["users"]["org"]), token_for(world["users"]["org"])
        statuses = [client.get("/api/v1/events", headers=bearer(first)).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert client.get("/api/v1/events", headers=bearer(second)).status_code == 200
        login(client, "org")
        assert all(client.get("/api/v1/events").status_code == 200 for _ in range(4))  # sessions: not counted
    finally:
        ctx.config["API_TOKEN_RATE_LIMIT"] = "300 per minute"


def test_every_use_is_audited_with_method_and_path(client, world):
    secret = token_for(world["users"]["org"])
    client.get("/api/v1/events?page=1", headers=bearer(secret))
    client.get("/api/v1/events/EV1/skills", headers=bearer(secret))
    uses = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "token.use").order_by(AuditEntry.id)).all()
    assert [(u.actor, u.note) for u in uses] == [("user:org", "GET /api/v1/events"),
                                                  ("user:org", "GET /api/v1/events/EV1/skills")]
    assert db.session.scalar(select(ApiToken)).last_used_at == clock.now()

"""A full exchange as an HR platform runs it, with one write token bound to the event and nothing
else (no session, no cookie): list the event, register three contestants in one call where one row
is refused (so nothing is saved) and then the two valid ones, read the standings once published,
fetch a certificate's credential and verify it with PyJWT against the published JWKS, and receive the
signed ``results.published`` webhook the organizers registered for the event."""
from __future__ import annotations

import jwt
import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.certificates.issuing import issue_for_results
from app.events.models import Registration
from app.extensions import db
from app.results.publication import publish
from app.webhooks import services as webhooks
from tests.api.helpers import bearer, token_for
from tests.events.contest import values
from tests.results.builders import finished_world
from tests.webhooks.test_delivery import receiver, verified  # noqa: F401  (receiver: a fixture)

JWKS = "/.well-known/jwks.json"


@pytest.fixture()
def keys_dir(app, tmp_path, monkeypatch):
    """The app signs with keys in a temporary directory, never the developer's instance/keys."""
    monkeypatch.setitem(app.config, "CERTIFICATE_KEYS_DIR", str(tmp_path / "keys"))


@pytest.fixture()
def world(ctx, make, keys_dir):
    """The results tests' marked contest (EV1: WELD and CARE locked), a skill still taking entries
    (PAINT, no marking scheme yet: no standings) and the organizer the platform acts for."""
    world = finished_world(make)
    world.paint = make.skill(world.event, "PAINT", quota_per_unit=5)
    world.organizer = make.user("hr-platform", role=Role.ORGANIZER, unit=world.hrss)
    db.session.commit()
    return world


def paint_entry(bib: str, **overrides: str) -> dict[str, str]:
    return values(**{"skill_code": "PAINT", "unit_code": "NC-E2", "contestant_no": bib, **overrides})


def registered() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration).where(Registration.contestant_no
                                                                                   .like("P-%")))


def test_a_full_exchange_with_a_token_only(client, world, receiver):
    headers = bearer(token_for(world.organizer, event=world.event))
    # the platform's receiver, registered by the organizers on the event's Webhooks page
    hook = webhooks.add_hook(world.event, receiver.url, ["results.published"])
    db.session.commit()

    # 1. the event, as the token sees the list of events
    events = client.get("/api/v1/events", headers=headers)
    assert events.status_code == 200 and [e["code"] for e in events.get_json()["items"]] == ["EV1"]

    # 2. three contestants in one call; one is refused with its row's message, so none is saved
    batch = [paint_entry("P-01"), paint_entry("P-02", unit_code="NOPE"), paint_entry("P-03")]
    refused = client.post("/api/v1/events/EV1/registrations/batch", json={"registrations": batch}, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["problems"] == [{"where": "registrations[1].unit_code",
                                               "message": "unknown unit NOPE"}]
    assert registered() == 0
    accepted = client.post("/api/v1/events/EV1/registrations/batch",
                           json={"registrations": [batch[0], batch[2]]}, headers=headers)
    assert accepted.status_code == 201
    assert [(r["contestant_no"], r["status"]) for r in accepted.get_json()["items"]] == [
        ("P-01", "approved"), ("P-03", "approved")]
    assert registered() == 2
    listed = client.get("/api/v1/events/EV1/registrations?skill=PAINT", headers=headers).get_json()
    assert [r["contestant_no"] for r in listed["items"]] == ["P-01", "P-03"]

    # 3. the standings once the organizers publish WELD (done on the web, here by the service)
    publish(world.event, skill=world.weld, final=True)
    db.session.commit()
    issue_for_results(world.event, world.weld)   # a second action on the web, after publishing
    db.session.commit()
    standings = client.get("/api/v1/events/EV1/standings?skill=WELD", headers=headers)
    assert standings.status_code == 200
    weld = standings.get_json()["skills"][0]
    assert weld["skill"] == "WELD" and weld["complete"] is True
    assert [(r["contestant_no"], r["rank"], r["award"]) for r in weld["results"][:3]] == [
        ("W-01", 1, "gold"), ("W-02", 2, "silver"), ("W-03", 3, "bronze")]

    # 4. a certificate's credential, verified by an independent library with the published keys
    certificates = client.get("/api/v1/events/EV1/certificates?kind=award", headers=headers).get_json()
    gold = next(c for c in certificates["items"] if c["contestant_no"] == "W-01")
    fetched = client.get(f"/api/v1/events/EV1/certificates/{gold['id']}/credential", headers=headers)
    assert fetched.status_code == 200
    token = fetched.get_json()["credential"]
    keys = jwt.PyJWKSet.from_dict(client.get(JWKS).get_json())
    key = next(k for k in keys.keys if k.key_id == jwt.get_unverified_header(token)["kid"])
    claims = jwt.decode(token, key=key, algorithms=["EdDSA"], options={"require": ["iss", "nbf", "jti"]})
    assert claims["id"] == gold["credential_id"] == fetched.get_json()["id"]
    assert "OpenBadgeCredential" in claims["type"]
    status = client.get(f"/api/v1/verify/{gold['verify_url'].rsplit('/', 1)[1]}")
    assert status.status_code == 200 and status.get_json()["valid"] is True

    # 5. the signed ``results.published`` webhook of step 3's publication, checked as the README says
    [delivered] = receiver.of_type("results.published")
    body = verified(delivered, hook.secret)
    assert (body["event"], body["data"]["skill"], body["data"]["publication"]) == ("EV1", "WELD", "final")

    assert client.get_cookie("session") is None  # the whole exchange ran without a session

"""Signed deliveries reach a real HTTP server: results published and certificates issued and revoked,
written in the committing transaction and sent after it (a rollback sends nothing); a receiver that
answers 500 is retried with a doubling backoff until it answers 200, and one that keeps failing ends
``failed`` until an organizer sends it again."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.auth.models import Role
from app.certificates.issuing import issue_for_results, revoke
from app.extensions import db
from app.queue import huey
from app.results.publication import publish
from app.webhooks import services
from app.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery
from tests.events.helpers import login_en
from tests.results.builders import finished_world
from tests.webhooks.receiver import Receiver


@pytest.fixture()
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture(autouse=True)
def _empty_queue():
    huey.flush()
    yield
    huey.flush()


@pytest.fixture()
def world(ctx, make):
    world = finished_world(make, care=False)
    make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    db.session.commit()
    return world


def hook(world, receiver, *types: str) -> Webhook:
    added = services.add_hook(world.event, receiver.url, types or ["results.published"])
    db.session.commit()
    return added


def verified(received, secret: str) -> dict:
    """The README's check, as a receiver writes it."""
    timestamp = received.headers["X-Jingsai-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + received.body,
                                    hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, received.headers["X-Jingsai-Signature"])
    return received.json


def deliveries() -> list[WebhookDelivery]:
    """The rows as they are now, detached: the read's transaction ends (on SQLite it holds the write
    lock, which the next attempt's own session needs)."""
    db.session.expire_all()
    rows = list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))
    for row in rows:
        db.session.expunge(row)
    db.session.rollback()
    return rows


def test_publishing_on_the_web_sends_a_signed_results_published(world, receiver, client):
    added = hook(world, receiver, "results.published", "certificate.issued")
    secret = added.secret
    login_en(client, "org")
    response = client.post("/events/EV1/skills/WELD/results/publish")
    assert response.status_code == 302
    [received] = receiver.received
    body = verified(received, secret)
    assert received.headers["X-Jingsai-Event"] == "results.published"
    assert received.headers["Content-Type"] == "application/json"
    assert body["type"] == "results.published" and body["event"] == "EV1"
    assert body["data"] == {"skill": "WELD", "publication": "provisional", "version": body["data"]["version"],
                            "appeals_close_at": None}
    datetime.fromisoformat(body["created"])
    [delivery] = deliveries()
    assert received.headers["X-Jingsai-Delivery"] == delivery.uuid and body["id"] == delivery.message_id
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1 and delivery.response_code == 200
    assert delivery.response_body.startswith("answer 200") and len(delivery.response_body) == 1000


def test_a_wrong_secret_or_an_edited_body_fails_the_check(world, receiver):
    hook(world, receiver)
    publish(world.event, skill=world.weld)
    db.session.commit()
    [received] = receiver.received
    with pytest.raises(AssertionError):
        verified(received, "not-the-secret")
    edited = type(received)(received.path, received.headers, received.body.replace(b"WELD", b"WELX"))
    with pytest.raises(AssertionError):
        verified(edited, db.session.scalar(select(Webhook.secret)))


def test_certificates_issued_and_revoked_arrive_with_their_state(world, receiver):
    added = hook(world, receiver, "certificate.issued", "certificate.revoked")
    secret = added.secret
    publish(world.event, skill=world.weld, final=True)
    issued = issue_for_results(world.event, world.weld)
    db.session.commit()
    bodies = [verified(r, secret) for r in receiver.of_type("certificate.issued")]
    assert sorted(b["data"]["contestant_no"] for b in bodies) == ["W-01", "W-02", "W-03"]
    gold = next(b["data"] for b in bodies if b["data"]["contestant_no"] == "W-01")
    certificate = next(c for c in issued.certificates if c.contestant_no == "W-01")
    assert gold["number"] == certificate.number and gold["kind"] == "award" and gold["award"] == "gold"
    assert gold["skill"] == "WELD" and gold["status"] == "issued" and gold["verify_url"].startswith(
        "http://localhost:5000/verify/")
    assert receiver.of_type("results.published") == []    # not subscribed
    revoke(certificate, "wrong name")
    db.session.commit()
    [revoked] = receiver.of_type("certificate.revoked")
    data = verified(revoked, secret)["data"]
    assert data["number"] == certificate.number and data["status"] == "revoked"
    assert data["revoked_reason"] == "wrong name" and data["revoked_at"]


def test_a_rolled_back_change_sends_nothing(world, receiver):
    hook(world, receiver)
    publish(world.event, skill=world.weld)
    db.session.rollback()
    assert receiver.received == [] and deliveries() == []


def test_a_disabled_hook_or_an_unwanted_type_gets_no_delivery(world, receiver):
    added = hook(world, receiver, "results.amended")
    publish(world.event, skill=world.weld)
    db.session.commit()
    services.change_hook(added, types=["results.published"], enabled=False)
    db.session.commit()
    publish(world.event, skill=world.weld, final=True)
    db.session.commit()
    assert receiver.received == [] and deliveries() == []


def _retry_in_seconds(task) -> float:
    return (task.eta - datetime.utcnow()).total_seconds()  # huey's eta: naive UTC


def _run_scheduled() -> list[float]:
    """Run every task waiting in the (immediate) queue's schedule now; returns their waits."""
    tasks = huey.scheduled()
    waits = [_retry_in_seconds(t) for t in tasks]
    for task in huey.read_schedule(datetime(2100, 1, 1)):
        huey.execute(task, timestamp=task.eta)   # as the consumer does once the eta has come
    return waits


def test_a_failing_receiver_is_retried_with_a_doubling_backoff(world, receiver):
    hook(world, receiver)
    receiver.statuses = [500, 503]
    publish(world.event, skill=world.weld)
    db.session.commit()
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 1 and delivery.response_code == 500
    assert delivery.next_attempt_at is not None
    [first_wait] = _run_scheduled()
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 2 and delivery.response_code == 503
    [second_wait] = _run_scheduled()
    assert 25 < first_wait <= 30 and 55 < second_wait <= 60
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3 and delivery.response_code == 200
    assert delivery.next_attempt_at is None and huey.scheduled() == []
    assert len({r.headers["X-Jingsai-Delivery"] for r in receiver.received}) == 1   # one delivery, three attempts
    assert len({r.body for r in receiver.received}) == 1


def test_a_receiver_that_keeps_failing_ends_failed_and_is_sent_again_by_the_organizer(app, world, receiver, client):
    app.config["WEBHOOK_ATTEMPTS"] = 2
    try:
        hook(world, receiver)
        receiver.statuses = [500, 500]
        publish(world.event, skill=world.weld)
        db.session.commit()
        _run_scheduled()
    finally:
        app.config["WEBHOOK_ATTEMPTS"] = 5
    [failed] = deliveries()
    assert failed.status == DeliveryStatus.FAILED and failed.attempts == 2 and huey.scheduled() == []
    login_en(client, "org")
    page = client.get("/events/EV1/webhooks/deliveries").get_data(as_text=True)
    assert "failed" in page and "HTTP 500" in page and "results.published" in page
    response = client.post(f"/events/EV1/webhooks/deliveries/{failed.uuid}/again")
    assert response.status_code == 302
    failed_again, sent = deliveries()
    assert failed_again.status == DeliveryStatus.FAILED
    assert sent.status == DeliveryStatus.DELIVERED and sent.message_id == failed.message_id and sent.body == failed.body
    assert receiver.received[-1].headers["X-Jingsai-Delivery"] == sent.uuid
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "webhook.send_again")).actor == "user:org"


def test_an_unreachable_receiver_is_a_failed_attempt_not_an_error(world, receiver):
    added = hook(world, receiver)
    added.url = "http://127.0.0.1:9/hook"   # the discard port: nothing listens
    db.session.commit()
    publish(world.event, skill=world.weld)
    db.session.commit()
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.response_code is None
    assert "ConnectionError" in delivery.error


def test_without_private_addresses_a_name_resolving_inside_is_refused_before_any_request(app, world, receiver):
    added = hook(world, receiver)
    added.url = receiver.url.replace("127.0.0.1", "localhost")
    db.session.commit()
    app.config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"] = False
    try:
        publish(world.event, skill=world.weld)
        db.session.commit()
    finally:
        app.config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"] = True
    [delivery] = deliveries()
    assert receiver.received == [] and "not a public address" in delivery.error


def test_an_approved_promotion_arrives_with_its_level_certificate_number_and_no_id_number(ctx, make, receiver):
    from app.promotion.services import approve, propose
    from tests.promotion.world import promotion_world
    world = promotion_world(make)
    added = hook(world, receiver, "promotion.approved")
    secret = added.secret
    rows = {p.registration.contestant_no: p for p in propose(world.event)}
    approve([rows["W-01"]])
    db.session.commit()
    [received] = receiver.received
    data = verified(received, secret)["data"]
    record = rows["W-01"].level_record
    assert data["contestant_no"] == "W-01" and data["level"] == "level2" and data["event"] == "EV1"
    assert data["certificate_no"] and data["certificate_no"] == record.certificate_no  # issued by the same commit
    assert "id_number" not in data and "id_type" not in data

"""One attempt at a delivery, run by the task queue (:func:`app.webhooks.tasks.deliver_webhook`).

The attempt works in a session of its own, never the caller's: on a queue that runs tasks at once
(tests) it runs inside the commit that queued it, when the caller's session can emit nothing. No
transaction is open while the receiver is called (on SQLite a transaction holds the write lock): the
row is read, the POST made, then the outcome written.

- A 2xx answer delivers it. Anything else (another status, a timeout, a refused connection, a
  redirect, which is not followed) is a failed attempt: the next comes after ``WEBHOOK_RETRY_SECONDS``
  doubled at each attempt, up to ``WEBHOOK_ATTEMPTS`` attempts; then the delivery has failed, until an
  organizer sends it again.
- Timeouts: ``WEBHOOK_CONNECT_TIMEOUT`` and ``WEBHOOK_READ_TIMEOUT`` seconds; at most
  :data:`RESPONSE_KEPT` characters of the answer are read and kept for the log.
- A delivery whose row is gone (its hook was removed) is dropped; one whose hook is disabled fails
  without a request.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import requests
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.extensions import db
from app.messages import msg
from app.webhooks.addresses import resolution_problem
from app.webhooks.models import DeliveryStatus, WebhookDelivery
from app.webhooks.signing import headers

RESPONSE_KEPT = 1000
ERROR_KEPT = 500


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    response_code: int | None = None
    response_body: str | None = None
    error: str | None = None


def backoff_seconds(attempts: int) -> int:
    """The wait after the ``attempts``-th failed attempt: doubling, so a receiver that is down for a
    while is not hammered, and one that blinked is retried soon."""
    return current_app.config["WEBHOOK_RETRY_SECONDS"] * 2 ** (attempts - 1)


def attempt(delivery_uuid: str) -> int | None:
    """Try the delivery once and store the outcome; returns the seconds until the next attempt, or
    ``None`` when there is none (delivered, failed for good, or nothing to deliver)."""
    with Session(db.engine, expire_on_commit=False) as session:
        delivery = session.scalar(select(WebhookDelivery).where(WebhookDelivery.uuid == delivery_uuid))
        if delivery is None or delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
            return None
        hook = delivery.webhook
        url, secret, enabled = hook.url, hook.secret, hook.enabled
        session.commit()
        outcome = post(url, secret, delivery) if enabled else Outcome(False, error=msg("the webhook is disabled"))
        return _store(session, delivery, outcome, may_retry=enabled)


def post(url: str, secret: str, delivery: WebhookDelivery) -> Outcome:
    """One signed POST of the delivery's body; never raises for what the network or receiver does."""
    config = current_app.config
    if not config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"]:
        problem = resolution_problem(url)
        if problem is not None:
            return Outcome(False, error=str(problem))
    body = delivery.body.encode()
    signed = headers(secret, int(time.time()), body, event_type=delivery.type, delivery_id=delivery.uuid)
    try:
        with requests.post(url, data=body, headers=signed, allow_redirects=False, stream=True,
                           timeout=(config["WEBHOOK_CONNECT_TIMEOUT"], config["WEBHOOK_READ_TIMEOUT"])) as answer:
            text = _head(answer)
            return Outcome(200 <= answer.status_code < 300, answer.status_code, text)
    except requests.RequestException as error:
        return Outcome(False, error=f"{type(error).__name__}: {error}"[:ERROR_KEPT])


def _head(answer: requests.Response) -> str:
    """The first :data:`RESPONSE_KEPT` characters of the answer, reading no more than that many bytes
    times four (UTF-8), so a receiver answering with a huge body cannot hold the worker."""
    raw = answer.raw.read(RESPONSE_KEPT * 4, decode_content=True) or b""
    return raw.decode(answer.encoding or "utf-8", errors="replace")[:RESPONSE_KEPT]


def _store(session: Session, delivery: WebhookDelivery, outcome: Outcome, *, may_retry: bool) -> int | None:
    now = clock.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_code, delivery.response_body = outcome.response_code, outcome.response_body
    delivery.error = outcome.error[:ERROR_KEPT] if outcome.error else None
    retry_in = None
    if outcome.delivered:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.DELIVERED, None
    elif may_retry and delivery.attempts < current_app.config["WEBHOOK_ATTEMPTS"]:
        retry_in = backoff_seconds(delivery.attempts)
        delivery.status, delivery.next_attempt_at = DeliveryStatus.RETRYING, now + timedelta(seconds=retry_in)
    else:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    session.commit()
    if not outcome.delivered:
        current_app.logger.warning("webhook delivery %s to hook %s failed (attempt %s): %s", delivery.uuid,
                                   delivery.webhook_id, delivery.attempts,
                                   outcome.error or f"HTTP {outcome.response_code} {outcome.response_body[:200]!r}")
    return retry_in

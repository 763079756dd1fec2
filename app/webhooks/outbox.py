"""From an occurrence to delivery rows and queued tasks, bound to the transaction that caused it.

:func:`emit` only notes the occurrence (type, event, a function building its ``data``) on the
session. At ``before_commit`` each noted occurrence becomes one :class:`WebhookDelivery` row per
enabled hook of its event that wants the type — written in the committing transaction, so the log
holds a delivery exactly when the change happened; the data is built then, once every receiver of
the same signal has run (a promotion's level certificate number is known by then). After the commit
the deliveries go to the task queue (a queue that cannot be reached is logged, and the delivery stays
pending for "send again"); on a rollback the notes are dropped and nothing is sent.

The body (``{"id", "type", "created", "event", "data"}``) is serialized once here, and its exact
bytes are what every attempt signs and sends.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.events.models import Event
from app.extensions import db
from app.webhooks.models import EVENT_TYPES, DeliveryStatus, Webhook, WebhookDelivery

_NOTED = "webhooks.noted"    # occurrences of this transaction: (event_id, type, build, created)
_QUEUED = "webhooks.queued"  # uuids of deliveries written in this transaction, queued after it commits


def emit(event_id: int, event_type: str, build: Callable[[], dict[str, Any]]) -> None:
    """Note that ``event_type`` happened to the event; ``build`` makes its ``data`` at commit time
    (and is never called when no hook wants it)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    db.session.info.setdefault(_NOTED, []).append((event_id, event_type, build, clock.now()))


def new_delivery(session: Session, hook: Webhook, message_id: str, event_type: str, body: str) -> WebhookDelivery:
    """A delivery row, queued when its transaction commits (also "send again")."""
    delivery = WebhookDelivery(uuid=str(uuid.uuid4()), webhook_id=hook.id, message_id=message_id, type=event_type,
                               body=body, status=DeliveryStatus.PENDING, attempts=0, created_at=clock.now())
    session.add(delivery)
    session.info.setdefault(_QUEUED, []).append(delivery.uuid)
    return delivery


def message_body(message_id: str, event_type: str, created: datetime, event_code: str, data: dict[str, Any]) -> str:
    """The body, serialized once: every attempt signs and sends these exact bytes."""
    return json.dumps({"id": message_id, "type": event_type, "created": created.isoformat(), "event": event_code,
                       "data": data}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _write_deliveries(session: Session) -> None:
    noted = session.info.pop(_NOTED, [])
    hooks_of: dict[int, list[Webhook]] = {}
    for event_id, event_type, build, created in noted:
        if event_id not in hooks_of:
            hooks_of[event_id] = list(session.scalars(select(Webhook).where(Webhook.event_id == event_id,
                                                                            Webhook.enabled.is_(True))))
        wanting = [hook for hook in hooks_of[event_id] if event_type in hook.types]
        if not wanting:
            continue
        message_id = str(uuid.uuid4())
        body = message_body(message_id, event_type, created, session.get(Event, event_id).code, build())
        for hook in wanting:
            new_delivery(session, hook, message_id, event_type, body)


def _queue_deliveries(session: Session) -> None:
    from app.webhooks.tasks import deliver_webhook
    for delivery_uuid in session.info.pop(_QUEUED, []):
        try:
            deliver_webhook(delivery_uuid)
        except Exception:  # the change is committed: a queue that is down must not fail its request
            current_app.logger.exception("webhook delivery %s could not be queued; it stays pending "
                                         "(the deliveries page sends it again)", delivery_uuid)


def _forget(session: Session) -> None:
    session.info.pop(_NOTED, None)
    session.info.pop(_QUEUED, None)


def connect() -> None:
    """Listen to every session's commits (idempotent: ``create_app`` may run more than once)."""
    for name, listener in (("before_commit", _write_deliveries), ("after_commit", _queue_deliveries),
                           ("after_rollback", _forget)):
        if not sa_event.contains(Session, name, listener):
            sa_event.listen(Session, name, listener)

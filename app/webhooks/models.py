"""A hook (an event's URL, its secret and the types it wants) and the log of its deliveries.

The secret is stored as is, not hashed: it keys the HMAC of every delivery, and the organizer reads
it on the hook's page to check signatures. A delivery keeps the exact body that is signed and sent,
so a retry or "send again" posts the same bytes; its ``uuid`` is the ``X-Jingsai-Delivery`` header
and the task's argument (known before the row is flushed).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.db import Moment, enum_column
from app.events.models import Event
from app.extensions import db

EVENT_TYPES = ("results.published", "results.amended", "certificate.issued", "certificate.revoked",
               "promotion.approved")
URL_MAX_LENGTH = 500


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"


class Webhook(db.Model):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(URL_MAX_LENGTH))
    secret: Mapped[str] = mapped_column(String(64))
    types: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)

    event: Mapped[Event] = relationship()


class WebhookDelivery(db.Model):
    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    # The occurrence's id (the body's "id"): the same for every hook, retry and redelivery of it.
    message_id: Mapped[str] = mapped_column(String(36))
    type: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(String(1000))
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(Moment, default=clock.now, index=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(Moment)
    next_attempt_at: Mapped[datetime | None] = mapped_column(Moment)

    webhook: Mapped[Webhook] = relationship()

"""The append-only audit log: who, when, what, before and after.

Every write path calls :func:`record` inside its own transaction, so an entry exists exactly
when the change does. The actor is ``user:<username>`` on the web and ``cli:<os user>`` from the
command line (set with :func:`acting_as`).
"""
from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.db import Moment
from app.extensions import db

_actor: ContextVar[str | None] = ContextVar("audit_actor", default=None)


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(Moment, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80), index=True)
    entity: Mapped[str] = mapped_column(String(80))
    entity_id: Mapped[str] = mapped_column(String(80))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    before: Mapped[Any] = mapped_column(JSON)
    after: Mapped[Any] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(500))


def cli_actor() -> str:
    return f"cli:{getpass.getuser()}"


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str:
    explicit = _actor.get()
    if explicit:
        return explicit
    from flask import has_request_context
    from flask_login import current_user

    if has_request_context() and current_user.is_authenticated:
        return f"user:{current_user.username}"
    return "system"


def _plain(value: Any) -> Any:
    """Make a value JSON-safe (dates, decimals and enums as strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime | Decimal):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(action: str, entity: str, entity_id: Any, *, before: Any = None, after: Any = None,
           event_id: int | None = None, note: str | None = None) -> AuditEntry:
    entry = AuditEntry(at=clock.now(), actor=current_actor(), action=action, entity=entity,
                       entity_id=str(entity_id), event_id=event_id, before=_plain(before),
                       after=_plain(after), note=note)
    db.session.add(entry)
    return entry

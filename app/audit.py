"""The append-only audit log: who, when, what, before and after, sealed in a hash chain.

Every write path calls :func:`record` inside its own transaction, so an entry exists exactly
when the change does. The actor is ``user:<username>`` on the web and ``cli:<os user>`` from the
command line (set with :func:`acting_as`).

Tamper evidence: each entry carries ``digest`` = SHA-256 of the previous entry's digest and its
own sealed fields (:func:`seal`), and ``prev_digest``, the digest it follows. The chain head (the
newest entry's id and digest) is kept in the one row of ``audit_chain_head``, so entries deleted
from the end are missed too; ``flask --app wsgi audit verify`` (:mod:`app.audit_check`) walks the
chain. ``event_id`` is an index for the event's audit page, not sealed: deleting an event (demo
``--reset``) clears it. Writers are serialized while they extend the chain: a transaction-scoped
advisory lock on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite (``app.db``); the lock is held to the
commit, so chain order is commit order. The app never updates or deletes an entry (the ORM refuses).
"""
from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event, text
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
    prev_digest: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))


class AuditChainHead(db.Model):
    """The newest entry of the chain (one row, ``id`` 1); absent while the log is empty."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column()
    digest: Mapped[str] = mapped_column(String(64))


GENESIS = "0" * 64  # what the first entry follows
SEALED_FIELDS = ("at", "actor", "action", "entity", "entity_id", "before", "after", "note")
_HEAD_ID = 1
_CHAIN_LOCK = 0x4A53_4155  # PostgreSQL advisory lock key of the chain ("JSAU")


def seal(prev_digest: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the previous digest and the sealed fields as canonical JSON; ``fields``
    holds :data:`SEALED_FIELDS` as read from the database (``at`` an aware datetime)."""
    content = {name: fields[name] for name in SEALED_FIELDS}
    content["at"] = fields["at"].astimezone(UTC).isoformat()
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_digest}\n{canonical}".encode()).hexdigest()


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
@event.listens_for(AuditChainHead, "before_delete")
def _append_only(_mapper, _connection, target) -> None:
    raise RuntimeError(f"the audit log is append-only: refusing to change {target!r}")


def cli_actor() -> str:
    """The actor of a command-line change: the operating-system user who ran ``jingsai``."""
    return f"cli:{getpass.getuser()}"


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Record every audit entry written inside the block as made by ``actor`` (the command line, or a
    person acting through a token or a scripted demo step)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str:
    """Who an audit entry is by: the actor set with :func:`acting_as`, else the signed-in user, else ``system``."""
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
    """The named fields of an object as JSON-safe values, for an entry's ``before`` and ``after``."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(action: str, entity: str, entity_id: Any, *, before: Any = None, after: Any = None,
           event_id: int | None = None, note: str | None = None) -> AuditEntry:
    """Append one entry to the sealed chain in the caller's transaction, so it exists exactly when the change
    does; the chain head is locked until commit, so chain order is commit order."""
    head = _locked_head()
    entry = AuditEntry(at=clock.now(), actor=current_actor(), action=action, entity=entity,
                       entity_id=str(entity_id), event_id=event_id, before=_plain(before),
                       after=_plain(after), note=note, prev_digest=head.digest)
    entry.digest = seal(head.digest, {name: getattr(entry, name) for name in SEALED_FIELDS})
    db.session.add(entry)
    db.session.flush()
    head.entry_id, head.digest = entry.id, entry.digest
    return entry


def _locked_head() -> AuditChainHead:
    """The chain head, with every other writer kept out until this transaction ends."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    head = db.session.get(AuditChainHead, _HEAD_ID, populate_existing=True)
    if head is None:
        head = AuditChainHead(id=_HEAD_ID, entry_id=0, digest=GENESIS)
        db.session.add(head)
    return head

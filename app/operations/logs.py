"""Structured logs: one line per request (app.operations.request_hooks) and one per committed
audit entry, each with the request id.

``LOG_FORMAT=json`` writes one JSON object per line (for a log shipper); otherwise ``key=value``
text. Every record logged while a request is served carries that request's id (``cli`` on the
command line), so a domain event — a publication, a certificate issue, a promotion approval: each
is an audit entry — can be matched with the request that made it and the error page its user saw.
Audit entries are logged after their transaction commits, so a rolled-back action is never logged
as done.
"""
from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from flask import Flask, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

LOGGER = "jingsai"
_PENDING = "jingsai_audit_log"


def fields(**values: object) -> dict:
    """``extra=`` for a log call: the values become keys of the structured line."""
    return {"fields": values}


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from app.operations.request_hooks import request_id
        record.request_id = request_id() if has_request_context() else "cli"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": _timestamp(record), "level": record.levelname.lower(), "logger": record.name,
                "message": record.getMessage(), "request_id": getattr(record, "request_id", None),
                **getattr(record, "fields", {})}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        pairs = {"request_id": getattr(record, "request_id", None), **getattr(record, "fields", {})}
        text = " ".join([_timestamp(record), record.levelname, record.name, record.getMessage(),
                         *(f"{key}={value}" for key, value in pairs.items())])
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


def configure(app: Flask) -> None:
    """One stderr handler (journald or the container collects it) for our logger and Flask's."""
    # No line shows a thread or process name: skip gathering them for every record (logging HOWTO,
    # "Optimization"), a share of what each request's log line costs.
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if app.config["LOG_FORMAT"] == "json" else TextFormatter())
    handler.addFilter(_RequestIdFilter())
    for logger in (logging.getLogger(LOGGER), app.logger):
        for old in list(logger.handlers):
            logger.removeHandler(old)  # Flask's default handler, or a previous app's in this process
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    _watch_audit_entries()


def _watch_audit_entries() -> None:
    if not event.contains(Session, "after_flush", _collect_audit_entries):
        event.listen(Session, "after_flush", _collect_audit_entries)
        event.listen(Session, "after_commit", _log_audit_entries)
        event.listen(Session, "after_rollback", _forget_audit_entries)


def _collect_audit_entries(session: Session, _context: object) -> None:
    from app.audit import AuditEntry
    entries = [o for o in session.new if isinstance(o, AuditEntry)]
    if entries:
        session.info.setdefault(_PENDING, []).extend(
            {"audit_id": e.id, "action": e.action, "entity": e.entity, "entity_id": e.entity_id,
             "event_id": e.event_id, "actor": e.actor} for e in entries)


def _log_audit_entries(session: Session) -> None:
    logger = logging.getLogger(f"{LOGGER}.events")
    for entry in session.info.pop(_PENDING, []):
        logger.info("domain event", extra=fields(**entry))


def _forget_audit_entries(session: Session) -> None:
    session.info.pop(_PENDING, None)

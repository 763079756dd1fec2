"""An event's audit log for its organizers: every entry filed under the event, newest first,
filtered by actor, action and dates (Asia/Shanghai days), one page at a time.

Filters come from the query string and are taken only when well formed (a known actor or action of
this event, an ISO date, a page number of plain digits); anything else is ignored, never an error.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.auth.permissions import allow
from app.clock import SHANGHAI
from app.events.models import Event
from app.events.organized import organized_event
from app.events.views import ORGANIZERS, bp
from app.extensions import db

PAGE_SIZE = 50
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PAGE = re.compile(r"[0-9]{1,6}")


def _choices(event: Event, column) -> list[str]:
    return list(db.session.scalars(select(column).distinct().where(AuditEntry.event_id == event.id)
                                   .order_by(column)))


def _day(name: str) -> date | None:
    text = request.args.get(name, "")
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _filters(event: Event, choices: dict[str, list[str]]) -> tuple[dict[str, str], list]:
    """The chosen filters (for links) and the SQL conditions they make."""
    chosen: dict[str, str] = {}
    conditions = [AuditEntry.event_id == event.id]
    for name, column in (("actor", AuditEntry.actor), ("action", AuditEntry.action)):
        value = request.args.get(name, "")
        if value in choices[name]:
            chosen[name] = value
            conditions.append(column == value)
    since, until = _day("from"), _day("to")
    if since is not None:
        chosen["from"] = since.isoformat()
        conditions.append(AuditEntry.at >= datetime.combine(since, time(), SHANGHAI))
    if until is not None:
        chosen["to"] = until.isoformat()
        conditions.append(AuditEntry.at < datetime.combine(until + timedelta(days=1), time(), SHANGHAI))
    return chosen, conditions


def _page() -> int:
    text = request.args.get("page", "")
    return int(text) if _PAGE.fullmatch(text) and int(text) > 0 else 1


def shown(value) -> str:
    """Before/after as compact JSON for the page (Chinese left readable)."""
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@bp.route("/<code>/audit")
@allow(*ORGANIZERS)
def audit_log(code: str):
    """The event's audit log (its organizers and admins), so they can see who changed what in their event;
    well-formed query-string filters narrow it, anything else is ignored."""
    event = organized_event(code)
    choices = {"actor": _choices(event, AuditEntry.actor), "action": _choices(event, AuditEntry.action)}
    filters, conditions = _filters(event, choices)
    matching = db.session.scalar(select(func.count(AuditEntry.id)).where(*conditions))
    pages = max(1, -(-matching // PAGE_SIZE))
    page = min(_page(), pages)
    entries = db.session.scalars(select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc())
                                 .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return render_template("events/audit.html", event=event, entries=entries, filters=filters,
                           choices=choices,
                           page=page, pages=pages, matching=matching, shown=shown)

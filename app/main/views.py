"""The home page, the start of each role's work: organizers and admins see their events grouped by
tier and year with what waits in each, and each event's contest board (:mod:`app.main.board`);
judges their panels; unit admins their entries, appeal windows and results; arbiters the appeals
waiting; contestants their entries, results and certificates (:mod:`app.main.worklists`)."""
from __future__ import annotations

from itertools import groupby

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import Role
from app.auth.permissions import allow, allow_authenticated
from app.auth.scope import manageable_unit_ids
from app.events.models import Event, EventOrganizer
from app.events.organized import organized_event
from app.extensions import db
from app.main import board, worklists
from app.numbers import parse_whole
from app.results.labels import template_helpers
from scoring.tiers import TIERS

bp = Blueprint("main", __name__)
bp.context_processor(template_helpers)  # award and publication names on the home page


def visible_events(user) -> list[Event]:
    """Admins see every event; organizers those organized within their unit tree."""
    query = select(Event)
    ids = manageable_unit_ids(user)
    if ids is not None:
        query = query.where(Event.id.in_(select(EventOrganizer.event_id).where(EventOrganizer.unit_id.in_(ids))))
    return list(db.session.scalars(query))


@bp.route("/")
@allow_authenticated
def home():
    """The signed-in user's start page: organizers and admins get their events by tier and year (``?year=``
    narrows it) with what waits in each; every other role its own work list."""
    if current_user.role not in (Role.ADMIN, Role.ORGANIZER):
        return render_template("main/home.html", **_worklists(current_user))
    events = visible_events(current_user)
    years = sorted({e.year for e in events}, reverse=True)
    year = request.args.get("year", type=lambda text: parse_whole(text, digits=4))
    if year is not None:
        events = [e for e in events if e.year == year]
    events.sort(key=lambda e: (TIERS[e.tier].rank, -e.year, e.starts_on, e.code))
    by_tier = [(tier, list(items)) for tier, items in groupby(events, key=lambda e: e.tier)]
    waits = {e.id: board.board(e) for e in events}
    return render_template("main/dashboard.html", by_tier=by_tier, years=years, year=year, waits=waits)


@bp.route("/events/<code>/board")
@allow(Role.ADMIN, Role.ORGANIZER)
def contest_board(code: str):
    """One row per skill with its stage and next action; the event's pages grouped by stage."""
    event = organized_event(code)
    return render_template("main/board.html", event=event, waits=board.board(event), stages=board.STAGES)


def _worklists(user) -> dict:
    """What the role's home page lists (one role, one set of queries)."""
    if user.role == Role.EXPERT:
        return {"seats": worklists.expert_seats(user)}
    if user.role == Role.UNIT_ADMIN:
        return {"entries": worklists.unit_entries(user), "appeals": worklists.unit_appeals(user),
                "results": worklists.unit_results(user)}
    if user.role == Role.ARBITER:
        return {"appeals": worklists.arbiter_appeals(user)}
    if user.role == Role.CONTESTANT:
        return {"own": worklists.contestant_entries(user)}
    return {}

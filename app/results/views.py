"""The organizer's results pages: a skill's standings with publication, the standings downloads and
the event's medal table. The public pages and the contestant's page are in :mod:`public_views`,
on the same blueprint.

Who (checked here, on top of the role table): a skill's results page is for the event's organizers
(and admins) and the skill's chief expert — anyone else gets 404, which does not confirm the skill
exists. Publishing and the downloads are the organizers' alone (a chief expert who posts gets 403).
The medal table is public for published skills; the event's organizers see every skill in it.

Every publication is one transaction: the service moves the state and audits, the view commits, or
rolls back and shows the refusal, then redirects back to the page (post/redirect/get).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import Role
from app.auth.permissions import allow, allow_public
from app.auth.scope import require
from app.events.eligibility import delegation_of
from app.events.models import Attendance, Event, Skill
from app.events.organized import organized_event
from app.events.panels import skill_for_chief_or_organizer
from app.events.scope import can_organize
from app.events.services import event_by_code
from app.extensions import db
from app.marking.models import SchemeCriterion
from app.results import caching
from app.results.chart import histogram
from app.results.export import event_unit_points, standings_document, standings_rows
from app.results.forms import PublishForm
from app.results.labels import template_helpers
from app.results.medal_table import award_columns, medal_table
from app.results.models import Publication
from app.results.publication import publish, refusals
from app.results.tables import SkillTable, skill_tables
from app.tabular import csv_bytes, xlsx_bytes
from app.transaction import refusals_return_to

bp = Blueprint("results", __name__)
bp.context_processor(template_helpers)
SKILL_URL = "/events/<code>/skills/<skill_code>"
ORGANIZERS = (Role.ADMIN, Role.ORGANIZER)
MIMETYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class Viewer:
    skill: Skill
    organizer: bool

    @property
    def event(self) -> Event:
        return self.skill.event


def _viewer(code: str, skill_code: str) -> Viewer:
    """404 unless the user organizes the event or is the skill's chief expert."""
    return Viewer(*skill_for_chief_or_organizer(current_user, code, skill_code))


def _table(skill: Skill) -> SkillTable | None:
    tables = skill_tables(skill.event, published_only=False, skill=skill)
    return tables[0] if tables else None


def criterion_names(skill: Skill) -> dict[str, str]:
    """Names for the criterion codes of the table's header (one query)."""
    rows = db.session.execute(select(SchemeCriterion.code, SchemeCriterion.name)
                              .where(SchemeCriterion.skill_id == skill.id))
    return {code: name for code, name in rows}


def raw_totals(table: SkillTable) -> list:
    """The raw totals of the competitors who competed, for the score histogram on the results page."""
    return [line.standing.raw_total for line in table.lines
            if line.standing.status == Attendance.COMPETED and line.standing.raw_total is not None]


@bp.route(f"{SKILL_URL}/results")
@allow(Role.ADMIN, Role.ORGANIZER, Role.EXPERT)
def page(code: str, skill_code: str):
    """A skill's results page (the event's organizers and admins, and the skill's chief expert): standings
    and the score histogram; organizers also see what still blocks the next publication step."""
    viewer = _viewer(code, skill_code)
    table = _table(viewer.skill)
    hints = {}
    if table is not None and viewer.organizer:
        state = table.results.publication
        if state == Publication.PRIVATE:
            hints["provisional"] = refusals(table.results, Publication.PROVISIONAL)
        elif state == Publication.PROVISIONAL:
            hints["final"] = refusals(table.results, Publication.FINAL)
    chart = histogram(raw_totals(table), table.median) if table is not None else None
    return render_template("results/skill.html", viewer=viewer, skill=viewer.skill, event=viewer.event,
                           table=table, chart=chart, hints=hints, names=criterion_names(viewer.skill),
                           form=PublishForm(formdata=None))


def _publish(code: str, skill_code: str, *, final: bool, done: Callable[[], str]):
    viewer = _viewer(code, skill_code)
    if not viewer.organizer:
        abort(403)
    back = url_for("results.page", code=code, skill_code=skill_code)
    refusals_return_to(back)
    publish(viewer.event, skill=viewer.skill, final=final)
    flash(done(), "info")
    return redirect(back)


@bp.route(f"{SKILL_URL}/results/publish", methods=["POST"])
@allow(*ORGANIZERS)
def publish_provisional(code: str, skill_code: str):
    """Publish a skill's results provisionally (the event's organizers and admins), which opens the appeal
    window; refused with the reasons while something still blocks it."""
    return _publish(code, skill_code, final=False,
                    done=lambda: _("The results of %(skill)s are published provisionally.", skill=skill_code))


@bp.route(f"{SKILL_URL}/results/publish-final", methods=["POST"])
@allow(*ORGANIZERS)
def publish_final(code: str, skill_code: str):
    """Publish a skill's results as final (the event's organizers and admins), only with the confirmation
    box ticked, since final results are then changed only by an amendment."""
    form = PublishForm()
    if not form.confirm.data:
        _viewer(code, skill_code)  # 404 before telling an outsider anything
        flash(_("Tick the box to confirm the final publication."), "error")
        return redirect(url_for("results.page", code=code, skill_code=skill_code))
    return _publish(code, skill_code, final=True,
                    done=lambda: _("The results of %(skill)s are final.", skill=skill_code))


def export_bytes(event: Event, tables: list[SkillTable], fmt: str) -> bytes:
    """What ``flask results export`` writes in that format, byte for byte."""
    if fmt == "json":
        return (json.dumps(standings_document(event, tables), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    header, rows = standings_rows(tables)
    return csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes(header, rows, title=event.code)


@bp.route("/events/<code>/results/standings.<any(json, csv, xlsx):fmt>")
@allow(*ORGANIZERS)
def export(code: str, fmt: str):
    """Every skill with standings, private ones included (the organizer's file)."""
    event = organized_event(code)
    data = export_bytes(event, skill_tables(event, published_only=False), fmt)
    return Response(data, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f"attachment; filename={event.code}-standings.{fmt}",
        "Cache-Control": "private, no-store"})


@bp.route("/events/<code>/medals")
@allow_public
def medals(code: str):
    """Organizers see every skill, without caching; everyone else the published ones, stored and
    cached by the event's results version like the public results pages. An anonymous reader (no
    session cookie) is served without opening the session."""
    if caching.may_be_signed_in() and current_user.is_authenticated:
        event = event_by_code(code)
        require(event is not None)
        if can_organize(current_user, event):
            response = Response(_medals_page(event, organizer=True))
            response.headers["Cache-Control"] = "private, no-store"
            return response

    def render() -> str:
        event = event_by_code(code)
        require(event is not None)
        return _medals_page(event, organizer=False)

    return caching.public(code, "medals", render)


def _medals_page(event: Event, *, organizer: bool) -> str:
    tables = skill_tables(event, published_only=not organizer)
    columns = award_columns(event.award_rules)
    rows = medal_table((line for t in tables for line in t.lines),
                       lambda line: delegation_of(line.unit, event.delegation_kind), columns)
    points = event_unit_points(event, tables) if event.awards == "worldskills" else None
    return render_template("results/medals.html", event=event, tables=tables, rows=rows,
                           columns=columns, points=points, organizer=organizer)


# Last, not on top: public_views adds its routes to ``bp`` and imports it from here (a cycle otherwise).
from app.results import public_views  # noqa: E402, F401

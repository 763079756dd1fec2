"""Registration pages: unit administrators enter contestants, organizers review them.

Unit administrators see the events taking registrations (window open or upcoming) and their own
tree's entries; they register one contestant with the form or many with a file (the parser and
checks of ``import contestants``), and their entries wait as ``submitted``. Organizers of an event
(and admins) register with the command line's powers (approved at once, any unit, also outside the
window), filter the event's registrations, approve or reject them one by one or in bulk, and set
each approved contestant's attendance. Registrations are named by id in forms only, never in URLs.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app import clock
from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import manageable_unit_ids, require
from app.errors import InputRefused, Problem
from app.events.acting import Acting, acting_for
from app.events.models import Attendance, Event, RegistrationStatus
from app.events.organized import organized_event
from app.events.registration import (
    CONTESTANT_COLUMNS,
    approve,
    events_for_units,
    late_entry_reasons,
    register_one,
    register_rows,
    registrations_by_id,
    registrations_of,
    reject,
    set_attendance,
)
from app.events.registration_forms import (
    AttendanceForm,
    ContestantForm,
    ReviewForm,
    skill_choices,
    unit_choices,
)
from app.events.services import event_by_code
from app.extensions import db
from app.form_problems import attach_problems
from app.messages import translated
from app.numbers import NotANumber, parse_whole
from app.tabular import read_table, xlsx_template
from app.transaction import refusals_return_to
from app.units.models import Unit
from app.upload_form import UploadForm

bp = Blueprint("registration", __name__, url_prefix="/registrations")
ORGANIZERS = (Role.ADMIN, Role.ORGANIZER)
REGISTRARS = (Role.ADMIN, Role.ORGANIZER, Role.UNIT_ADMIN)


def _event(code: str) -> Event:
    event = event_by_code(code)
    require(event is not None)
    return event


def _after_registering(event: Event, acting: Acting):
    endpoint = "registration.manage" if acting.organizer else "registration.entries"
    return redirect(url_for(endpoint, code=event.code))


# --- unit administrators ------------------------------------------------------------------------

@bp.route("/")
@allow(Role.UNIT_ADMIN)
def index():
    """A unit administrator's start page for registering: events open or upcoming for registration, and past
    ones their units have entries in, with the count of those entries."""
    ids = manageable_unit_ids(current_user) or set()
    return render_template("registration/index.html", rows=events_for_units(ids, clock.today()),
                           today=clock.today())


@bp.route("/<code>/entries")
@allow(Role.UNIT_ADMIN)
def entries(code: str):
    """A unit administrator's own entries in an event (their unit tree only), with each one's status."""
    event = _event(code)
    ids = manageable_unit_ids(current_user) or set()
    return render_template("registration/entries.html", event=event, today=clock.today(),
                           registrations=registrations_of(event, unit_ids=ids))


# --- registering (unit administrators, and organizers with their own powers) --------------------

def _unit_choices(acting: Acting) -> list[tuple[str, str]]:
    query = select(Unit) if acting.unit_ids is None else select(Unit).where(Unit.id.in_(acting.unit_ids))
    return unit_choices(sorted(db.session.scalars(query), key=lambda u: u.code))


@bp.route("/<code>/new", methods=["GET", "POST"])
@allow(*REGISTRARS)
def create(code: str):
    """Register one contestant with the form: unit administrators within their unit tree and window (the
    entry waits as submitted), organizers and admins with the command line's powers (approved at once)."""
    event = _event(code)
    acting = acting_for(current_user, event)
    form = ContestantForm()
    form.unit_code.choices = _unit_choices(acting)
    form.skill_code.choices = skill_choices(event.skills)
    problems: list[Problem] = []
    status = 200
    if form.validate_on_submit():
        values = form.row(CONTESTANT_COLUMNS)
        try:
            registration = register_one(event, values, actor_is_organizer=acting.organizer,
                                        unit_scope=acting.unit_ids)
        except InputRefused as refused:
            problems = attach_problems(form, refused.problems, {})
            status = 422  # the page shows the refusal: the request rolls back
        else:
            flash(_("Contestant %(no)s registered.", no=registration.contestant_no), "info")
            return _after_registering(event, acting)
    return render_template("registration/form.html", form=form, event=event, acting=acting, problems=problems,
                           today=clock.today()), status


@bp.route("/<code>/upload", methods=["GET", "POST"])
@allow(*REGISTRARS)
def upload(code: str):
    """Register many contestants from a spreadsheet, with the same parser and checks as ``import contestants``
    and the same powers as the form; a refused file saves none of its rows."""
    event = _event(code)
    acting = acting_for(current_user, event)
    form = UploadForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        file = form.file.data
        try:
            saved = register_rows(event, read_table(file.read(), file.filename or "", CONTESTANT_COLUMNS),
                                  actor_is_organizer=acting.organizer, unit_scope=acting.unit_ids)
        except InputRefused as refused:
            problems = refused.problems
        else:
            flash(_("Registered %(n)d contestants.", n=len(saved)), "info")
            return _after_registering(event, acting)
    return render_template("imports/upload.html", form=form, problems=problems,
                           title=_("Register contestants from a file: %(event)s", event=event.name),
                           columns=CONTESTANT_COLUMNS, template_url=url_for("registration.template")), \
        422 if problems else 200


@bp.route("/template.xlsx")
@allow(*REGISTRARS)
def template():
    """An empty contestants spreadsheet with the columns the upload expects (anyone who may register)."""
    return Response(xlsx_template(CONTESTANT_COLUMNS),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=contestants-template.xlsx"})


# --- organizers ---------------------------------------------------------------------------------

PAGE_SIZE = 100  # rows per page of the organizer's list: a provincial event has thousands


def _filters(event: Event) -> dict[str, str]:
    """The list's filters (and page) from the query string, only those that name something real."""
    chosen = {}
    if request.args.get("skill") in {s.code for s in event.skills}:
        chosen["skill"] = request.args["skill"]
    if request.args.get("status") in {s.value for s in RegistrationStatus}:
        chosen["status"] = request.args["status"]
    try:
        page = parse_whole(request.args.get("page", ""), digits=6)
    except NotANumber:
        page = 1
    if page > 1:
        chosen["page"] = str(page)
    return chosen


def _list_url(event: Event) -> str:
    return url_for("registration.manage", code=event.code, **_filters(event))


def _back_to_list(event: Event):
    return redirect(_list_url(event))


@bp.route("/<code>")
@allow(*ORGANIZERS)
def manage(code: str):
    """The organizers' registration list of an event (its organizers and admins), filtered by skill and
    status, one page at a time, with the review and attendance forms."""
    event = organized_event(code)
    filters = _filters(event)
    skill = event.skill(filters.get("skill"))
    status = RegistrationStatus(filters["status"]) if "status" in filters else None
    matching = registrations_of(event, skill=skill, status=status)
    pages = max(1, -(-len(matching) // PAGE_SIZE))
    page = min(int(filters.get("page", 1)), pages)
    registrations = matching[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    submitted = [r.id for r in registrations if r.status == RegistrationStatus.SUBMITTED]
    return render_template("registration/manage.html", event=event, filters=filters,
                           registrations=registrations, submitted=submitted, review=ReviewForm(),
                           attendance=AttendanceForm(), statuses=list(RegistrationStatus),
                           page=page, pages=pages, matching=len(matching))


@bp.route("/<code>/review", methods=["POST"])
@allow(*ORGANIZERS)
def review(code: str):
    """Approve or reject the ticked registrations (organizers and admins); an approval after the draw or a
    lock first asks for confirmation naming what follows, and a rejection needs a reason the unit reads."""
    event = organized_event(code)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = registrations_by_id(event, form.registrations.data or [])
    if not chosen:
        flash(_("Tick at least one registration."), "error")
        return _back_to_list(event)
    if form.action.data == "approve" and not form.confirm_late.data:
        late = late_entry_reasons(chosen)
        if late:  # after the draw or a lock: the organizer confirms knowing what follows
            return render_template("registration/confirm_late.html", event=event, chosen=chosen,
                                   reasons=[translated(r) for r in late], form=ReviewForm(formdata=None))
    refusals_return_to(_list_url(event))
    if form.action.data == "approve":
        flash(_("%(n)d registrations approved.", n=approve(chosen)), "info")
    else:
        flash(_("%(n)d registrations rejected.", n=reject(chosen, form.reason.data or "")), "info")
    return _back_to_list(event)


@bp.route("/<code>/attendance", methods=["POST"])
@allow(*ORGANIZERS)
def attendance(code: str):
    """Set the check-in status of one approved contestant (organizers and admins)."""
    event = organized_event(code)
    form = AttendanceForm()
    if not form.validate_on_submit() or not form.registration.data.isdigit():
        abort(400)
    chosen = registrations_by_id(event, [int(form.registration.data)])
    require(bool(chosen))
    refusals_return_to(_list_url(event))
    if set_attendance(chosen[0], Attendance(form.status.data)):
        flash(_("Attendance of %(no)s saved.", no=chosen[0].contestant_no), "info")
    return _back_to_list(event)

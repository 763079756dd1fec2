"""Ticket downloads and the check-in desk's scan.

Downloads, one PDF each: a skill's tickets for its event's organizers, an event's tickets of a unit
admin's tree, a contestant's own. Rendered in the request: a skill's tickets are a few dozen pages
(about 30 ms a page); the font subset is embedded once.

The scan: the check-in page's camera reads the QR code (its script, static/js/check-in-scan.js) and
posts its text, or the desk types a bib, into one field. Text longer than any bib is a ticket (the
URL or the bare token); a forged, altered or cut token is refused with its reason, and a ticket of
another skill is refused naming it. Who may scan is who may check in (the skill's organizers and
chief expert; 404 for anyone else). A phone's own camera app opens the ticket's URL,
``/check-in/<token>``, which shows the contestant and the button that checks them in.
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import manageable_unit_ids, require
from app.certificates.keyring import app_keyring
from app.certificates.signing import TokenRefused
from app.errors import DomainError
from app.events.attendance import mark_arrived
from app.events.models import Registration, RegistrationStatus, Skill
from app.events.organized import organized_event
from app.events.panels import skill_for_chief_or_organizer
from app.events.services import event_by_code
from app.extensions import db
from app.messages import msg
from app.tickets.services import tickets_pdf
from app.tickets.token import read_check_in_token
from app.transaction import refusals_return_to

bp = Blueprint("tickets", __name__)
DESK = (Role.ADMIN, Role.ORGANIZER, Role.EXPERT)
MAX_BIB = 40
MAX_SCAN = 300  # a ticket URL with its 92-character token and a base URL; anything longer is not one


class ScanForm(FlaskForm):
    ticket = StringField(validators=[DataRequired(), Length(max=MAX_SCAN)])


def _pdf(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _approved(query) -> list[Registration]:
    return list(db.session.scalars(query.where(Registration.status == RegistrationStatus.APPROVED)))


@bp.route("/events/<code>/skills/<skill_code>/tickets.pdf")
@allow(Role.ADMIN, Role.ORGANIZER)
def skill_tickets(code: str, skill_code: str):
    """The admission tickets of a skill's approved contestants as one PDF (the event's organizers and admins)."""
    event = organized_event(code)
    skill = event.skill(skill_code)
    require(skill is not None)
    registrations = _approved(select(Registration).where(Registration.skill_id == skill.id))
    require(bool(registrations))
    data = tickets_pdf(registrations, f"准考证 {event.code} {skill.code}")  # makes claim codes on first printing
    return _pdf(data, f"tickets-{event.code}-{skill.code}.pdf")


@bp.route("/events/<code>/tickets.pdf")
@allow(Role.UNIT_ADMIN)
def unit_tickets(code: str):
    """A unit admin's tickets for an event: the approved contestants of their own unit tree, as one PDF."""
    event = event_by_code(code)
    require(event is not None)
    registrations = _approved(select(Registration).where(
        Registration.event_id == event.id, Registration.unit_id.in_(manageable_unit_ids(current_user) or set())))
    require(bool(registrations))
    data = tickets_pdf(registrations, f"准考证 {event.code}")
    return _pdf(data, f"tickets-{event.code}-{current_user.unit.code}.pdf")


@bp.route("/events/<code>/ticket.pdf")
@allow(Role.CONTESTANT)
def own_ticket(code: str):
    """A contestant's own admission ticket for an event, as a PDF."""
    event = event_by_code(code)
    require(event is not None and current_user.person_id is not None)
    registrations = _approved(select(Registration).where(Registration.event_id == event.id,
                                                         Registration.person_id == current_user.person_id))
    require(bool(registrations))
    data = tickets_pdf(registrations, f"准考证 {event.code}")
    return _pdf(data, f"ticket-{event.code}-{registrations[0].contestant_no}.pdf")


def _token_of(text: str) -> str:
    """The token in a scanned ticket URL (…/check-in/<token>), or the text itself."""
    return text.rsplit("/check-in/", 1)[-1].split("?")[0].split("#")[0]


def find_registration(skill: Skill, text: str) -> Registration:
    """The approved registration of ``skill`` that a scan or a typed bib names; raises
    :class:`DomainError` saying why not."""
    text = text.strip()
    if len(text) > MAX_BIB:
        found = read_check_in_token(_token_of(text), app_keyring())
        if isinstance(found, TokenRefused):
            raise DomainError(found.reason)
        registration = db.session.get(Registration, found)
        if registration is None or registration.status != RegistrationStatus.APPROVED:
            raise DomainError(msg("this ticket's entry is no longer approved"))
    else:
        registration = db.session.scalar(select(Registration).where(
            Registration.event_id == skill.event_id, Registration.contestant_no == text,
            Registration.status == RegistrationStatus.APPROVED))
        if registration is None:
            raise DomainError(msg("no approved contestant %(bib)s in %(skill)s", bib=text, skill=skill.code))
    if registration.skill_id != skill.id:
        raise DomainError(msg("%(bib)s is registered in %(skill)s, not %(wanted)s", bib=registration.contestant_no,
                              skill=registration.skill.code, wanted=skill.code))
    return registration


@bp.route("/events/<code>/skills/<skill_code>/check-in/scan", methods=["POST"])
@allow(*DESK)
def scan(code: str, skill_code: str):
    """Check a contestant in from a scanned ticket or a typed bib (the event's organizers and admins, the
    skill's chief expert); a forged ticket or one of another skill is refused with the reason."""
    skill, _organizer = skill_for_chief_or_organizer(current_user, code, skill_code)
    form = ScanForm()
    back = redirect(url_for("draw.check_in_page", code=code, skill_code=skill_code) + "#scan")
    if not form.validate():
        flash(_("Scan a ticket or type a bib."), "error")
        return back
    refusals_return_to(back.location)
    registration = find_registration(skill, form.ticket.data)
    first = mark_arrived(registration)
    text = _("%(bib)s %(name)s checked in.", bib=registration.contestant_no, name=registration.person.name) \
        if first else _("%(bib)s %(name)s was checked in already.", bib=registration.contestant_no,
                        name=registration.person.name)
    flash(text, "info")
    return back


@bp.route("/check-in/<token>")
@allow(*DESK)
def ticket_page(token: str):
    """What a phone's camera app opens: the ticket's contestant and the button that checks them in."""
    found = read_check_in_token(token[:MAX_SCAN], app_keyring())
    require(not isinstance(found, TokenRefused))
    registration = db.session.get(Registration, found)
    require(registration is not None)
    skill, _organizer = skill_for_chief_or_organizer(current_user, registration.event.code, registration.skill.code)
    return render_template("tickets/ticket.html", registration=registration, skill=skill, token=token,
                           form=ScanForm(formdata=None))

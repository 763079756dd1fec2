"""The contest floor of a skill before marking: check-in (检录) and the draw (抽签) with its sealed list.

Who (checked here, on top of the role table): the event's organizers (and admins) and the skill's
chief expert; every other panel member — judges must not see names and units — and everyone else
gets 404, which does not confirm the skill exists. Only they may post either.

Every post is one transaction: the service writes and audits, the view commits, or rolls back and
shows the refusal (a check-in refused by a later feature's signal handler — final results — is such a
refusal too), then redirects back (post/redirect/get). A check-in form with a bad bib or status
answers with the page and every problem, nothing saved.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField

from app.audit import AuditEntry
from app.auth.models import Role, User
from app.auth.permissions import allow
from app.errors import InputRefused, Problem
from app.events.attendance import check_in
from app.events.models import RegistrationStatus, Skill
from app.events.panels import skill_for_chief_or_organizer
from app.events.registration import registrations_of
from app.extensions import db
from app.i18n import LABELS
from app.marking.competitors import Competitor, competitors
from app.marking.draw import by_workstation, draw_of, extend_draw, make_draw, undrawn
from app.marking.models import Draw, DrawEntry
from app.marking.schemes import has_marks
from app.transaction import refusals_return_to

bp = Blueprint("draw", __name__)
SKILL_URL = "/events/<code>/skills/<skill_code>"
DESK = (Role.ADMIN, Role.ORGANIZER, Role.EXPERT)
STATUS_FIELD = "status-"


class CheckInForm(FlaskForm):
    """Only the CSRF token: the statuses are one select per contestant, named ``status-<bib>``."""


class DrawForm(FlaskForm):
    confirm = BooleanField()


@dataclass(frozen=True)
class Line:
    """One drawn competitor as the draw page and the sealed list show it."""

    entry: DrawEntry
    competitor: Competitor | None  # None: no longer an approved registration

    @property
    def competed(self) -> bool:
        return self.competitor is not None and self.competitor.competed


class Actors:
    """The account behind an audit actor (``user:<username>``), for the ``actor`` macro."""

    def __init__(self, actors: list[str | None]):
        names = {a[5:] for a in actors if a and a.startswith("user:")}
        users = db.session.scalars(select(User).where(User.username.in_(names))).all() if names else []
        self.users = {f"user:{u.username}": u for u in users}

    def actor(self, text: str | None) -> User | None:
        return self.users.get(text or "")


@dataclass(frozen=True)
class Desk:
    """The skill and whether the user is one of its organizers (else its chief expert)."""

    skill: Skill
    organizer: bool


def _desk(code: str, skill_code: str) -> Desk:
    """404 unless the user organizes the event or is the skill's chief expert."""
    return Desk(*skill_for_chief_or_organizer(current_user, code, skill_code))


# --------------------------------------------------------------------------- check-in

def _render_check_in(desk: Desk, problems: list[Problem] | None = None):
    skill = desk.skill
    event = skill.event
    registrations = registrations_of(event, skill=skill, status=RegistrationStatus.APPROVED)
    draw = draw_of(skill)
    return render_template("marking/check_in.html", skill=skill, event=event, registrations=registrations,
                           statuses=list(LABELS["attendance"].items()), form=CheckInForm(formdata=None),
                           problems=problems or [], draw=draw, late=undrawn(skill, draw) if draw else [],
                           desk=desk)


@bp.route(f"{SKILL_URL}/check-in")
@allow(*DESK)
def check_in_page(code: str, skill_code: str):
    """The check-in page of a skill (the event's organizers and admins, the skill's chief expert): each
    approved contestant's attendance, and who checked in late after the draw."""
    return _render_check_in(_desk(code, skill_code))


@bp.route(f"{SKILL_URL}/check-in", methods=["POST"])
@allow(*DESK)
def check_in_save(code: str, skill_code: str):
    """Save the check-in form (same people): every status at once, or none when one bib or status is wrong;
    a later feature's refusal (e.g. final results) is flashed on the check-in page."""
    desk = _desk(code, skill_code)
    skill = desk.skill
    form = CheckInForm()
    if not form.validate():
        flash(_("The form expired: nothing was saved. Please try again."), "error")
        return redirect(url_for("draw.check_in_page", code=code, skill_code=skill_code))
    statuses = {key.removeprefix(STATUS_FIELD): value for key, value in request.form.items()
                if key.startswith(STATUS_FIELD)}
    # A refusal other than the form's (e.g. final results refuse the rebuild the change triggers)
    # is flashed on the check-in page.
    refusals_return_to(url_for("draw.check_in_page", code=code, skill_code=skill_code))
    try:
        changed = check_in(skill, statuses)
    except InputRefused as refused:
        return _render_check_in(desk, refused.problems), 422  # shown on the page: the request rolls back
    flash(ngettext("Check-in saved: %(num)d status changed.", "Check-in saved: %(num)d statuses changed.",
                   changed) if changed else _("Check-in saved: nothing changed."), "info")
    return redirect(url_for("draw.check_in_page", code=code, skill_code=skill_code))


# --------------------------------------------------------------------------- the draw

def _lines(skill: Skill, draw: Draw | None) -> list[Line]:
    if draw is None:
        return []
    found = {c.id: c for c in competitors(skill)}
    return [Line(entry, found.get(entry.competitor_id)) for entry in by_workstation(draw.entries)]


def _extensions(skill: Skill) -> list[AuditEntry]:
    """The late check-ins drawn since the standing draw was made (its audit entries)."""
    key = f"{skill.event.code}/{skill.code}"
    made = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "draw.make",
                                                         AuditEntry.entity_id == key)
                             .order_by(AuditEntry.id.desc()).limit(1))
    return db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "draw.extend", AuditEntry.entity_id == key, AuditEntry.id > (made or 0))
        .order_by(AuditEntry.id)).all()


@bp.route(f"{SKILL_URL}/draw")
@allow(*DESK)
def page(code: str, skill_code: str):
    """The draw page of a skill with its sealed list (organizers, admins and the chief expert only, since it
    joins names to secret numbers that judges must not see)."""
    desk = _desk(code, skill_code)
    skill = desk.skill
    draw = draw_of(skill)
    extensions = _extensions(skill) if draw else []
    actors = Actors([draw.drawn_by if draw else None, *(e.actor for e in extensions)])
    return render_template("marking/draw.html", skill=skill, event=skill.event, draw=draw,
                           lines=_lines(skill, draw), late=undrawn(skill, draw), marked=has_marks(skill),
                           extensions=extensions, actors=actors, form=DrawForm(formdata=None), desk=desk)


@bp.route(f"{SKILL_URL}/draw", methods=["POST"])
@allow(*DESK)
def make(code: str, skill_code: str):
    """Make the draw of a skill (same people); drawing again replaces the standing draw only when confirmed
    with the box, and is refused once the skill has marks."""
    skill = _desk(code, skill_code).skill
    form = DrawForm()
    if not form.validate() or (draw_of(skill) is not None and not form.confirm.data):
        flash(_("Tick the box to confirm that the draw is made again."), "error")
    else:
        refusals_return_to(url_for("draw.page", code=code, skill_code=skill_code))
        make_draw(skill)
        flash(_("The draw of %(skill)s is made.", skill=skill.code), "info")
    return redirect(url_for("draw.page", code=code, skill_code=skill_code))


@bp.route(f"{SKILL_URL}/draw/late", methods=["POST"])
@allow(*DESK)
def extend(code: str, skill_code: str):
    """Draw the late check-ins into the standing draw (same people), leaving everyone else's workstation and
    number as they were."""
    skill = _desk(code, skill_code).skill
    if DrawForm().validate():
        refusals_return_to(url_for("draw.page", code=code, skill_code=skill_code))
        extend_draw(skill)
        flash(_("The late check-ins of %(skill)s are drawn.", skill=skill.code), "info")
    return redirect(url_for("draw.page", code=code, skill_code=skill_code))


@bp.route(f"{SKILL_URL}/draw/sealed")
@allow(*DESK)
def sealed(code: str, skill_code: str):
    """The printable list for the chief expert's sealed envelope, by secret number."""
    skill = _desk(code, skill_code).skill
    draw = draw_of(skill)
    lines = sorted(_lines(skill, draw), key=lambda line: int(line.entry.secret_no))
    return render_template("marking/sealed.html", skill=skill, event=skill.event, draw=draw, lines=lines,
                           actors=Actors([draw.drawn_by if draw else None]))

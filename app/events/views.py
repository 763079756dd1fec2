"""Events and their skills: detail, create, edit, skill forms and the JSON upload.

Forms are turned into an event document and go through the same validation as ``import event``,
so the web and the command line can never disagree about what a valid event is.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import manageable_unit_ids, require
from app.errors import InputRefused, Problem
from app.events.forms import EventForm, SkillForm
from app.events.models import Event, Skill
from app.events.organized import organized_event
from app.events.scope import can_organize
from app.events.self_registration import allows as allows_self_registration
from app.events.self_registration import not_open
from app.events.services import (
    event_document,
    import_event,
    save_event_document,
    skill_document,
)
from app.form_problems import attach_problems
from app.i18n import label, tier_name
from app.messages import translated
from app.upload_form import UploadForm
from scoring.tiers import TIERS

bp = Blueprint("events", __name__, url_prefix="/events")
ORGANIZERS = (Role.ADMIN, Role.ORGANIZER)


def _organizes_one_of(codes: list[str]) -> bool:
    """An organizer may only create events that a unit of their own tree organizes."""
    from app.units.services import unit_by_code
    ids = manageable_unit_ids(current_user)
    if ids is None:
        return True
    return any((u := unit_by_code(c)) is not None and u.id in ids for c in codes)


@bp.route("/<code>")
@allow(*ORGANIZERS)
def detail(code: str):
    """An event's page for its organizers and admins, with the public self-registration link to share and,
    when the form is not open today, why."""
    event = organized_event(code)
    # For the organizer to share: the public form's link and why it is not open, if it is not.
    self_registration = None
    if allows_self_registration(event):
        closed = not_open(event, clock.today())
        self_registration = {"closed": translated(closed) if closed else None,
                             "url": current_app.config["PUBLIC_BASE_URL"]
                             + url_for("events.self_register", code=event.code)}
    return render_template("events/detail.html", event=event, self_registration=self_registration)


def _set_event_choices(form: EventForm) -> None:
    form.tier.choices = [(code, tier_name(code)) for code in TIERS]
    form.event_class.choices = [("", "—")] + [(c, label("event_class", c)) for c in ("1", "2", "3", "comprehensive")]
    form.effective_tier.choices = [("", "—")] + [(c, tier_name(c)) for c in TIERS if c != "special"]


def _form_to_document(form: EventForm, base: dict[str, Any]) -> dict[str, Any]:
    doc = dict(base)
    doc.update({
        "code": form.code.data.strip(), "name": form.name.data.strip(), "tier": form.tier.data,
        "year": form.year.data, "organizers": [c for c in re.split(r"[\s,，;；]+", form.organizers.data) if c],
        "starts_on": form.starts_on.data.isoformat(), "ends_on": form.ends_on.data.isoformat(),
        "delegation_kind": form.delegation_kind.data or None, "awards": form.awards.data,
        "tie_breakers": list(form.tie_breakers.data or []),
        "blind_marking": form.blind_marking.data, "self_registration": form.self_registration.data,
        "bar_previous_medallists": form.bar_previous_medallists.data,
        "employees_of_organizers_only": form.employees_of_organizers_only.data,
    })
    opens, closes = form.registration_opens.data, form.registration_closes.data
    window = {key: day.isoformat() for key, day in (("opens", opens), ("closes", closes)) if day}
    doc["registration"] = window or None
    doc.pop("class", None)
    doc.pop("effective_tier", None)
    if form.event_class.data:
        doc["class"] = form.event_class.data
    if form.effective_tier.data:
        doc["effective_tier"] = form.effective_tier.data
    return doc


# Where a problem's JSON path lands on the event form.
_EVENT_FIELD_OF = {"class": "event_class", "registration.opens": "registration_opens",
                   "registration.closes": "registration_closes"}


def _event_form(event: Event | None):
    form = EventForm()
    _set_event_choices(form)
    if event is not None and not form.is_submitted():
        doc = event_document(event)
        form.process(data={
            **doc, "organizers": " ".join(doc["organizers"]), "event_class": event.event_class or "",
            "effective_tier": event.effective_tier or "", "delegation_kind": doc["delegation_kind"] or "",
            "starts_on": event.starts_on, "ends_on": event.ends_on, "registration_opens": event.registration_opens,
            "registration_closes": event.registration_closes, "awards": doc["awards"]
            if isinstance(doc["awards"], str) else "cn_standard"})
    problems: list[Problem] | None = None
    if form.validate_on_submit():
        base = event_document(event) if event is not None else {"skills": []}
        doc = _form_to_document(form, base)
        if not _organizes_one_of(doc["organizers"]):
            form.organizers.errors = [_("Name at least one organizer from your own unit tree.")]
        else:
            try:
                saved = save_event_document(doc, update=event is not None,
                                            expected_code=event.code if event else None)
            except InputRefused as refused:
                problems = attach_problems(form, refused.problems, _EVENT_FIELD_OF)
            else:
                flash(_("Event %(code)s saved.", code=saved.code), "info")
                return redirect(url_for("events.detail", code=saved.code))
    return render_template("events/form.html", form=form, event=event, problems=problems or []), _status(problems)


def _status(problems: list[Problem] | None) -> int:
    """422 for a page that shows a refusal: the request's transaction rolls back (app.transaction)."""
    return 200 if problems is None else 422


@bp.route("/new", methods=["GET", "POST"])
@allow(*ORGANIZERS)
def create():
    """A new event from the form (organizers and admins), checked like ``import event``; it must name an
    organizer from the user's own unit tree, so nobody creates an event they could not then manage."""
    return _event_form(None)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@allow(*ORGANIZERS)
def edit(code: str):
    """Edit an event the user organizes, through the same event document and checks as ``import event``."""
    return _event_form(organized_event(code))


def _skill_form(event: Event, skill: Skill | None):
    form = SkillForm()
    if skill is not None and not form.is_submitted():
        doc = skill_document(skill)
        form.process(data={**doc, "group": doc["group"] or "", "min_level": doc["min_level"] or "",
                           "host_unit": doc["host_unit"] or "", "occupation_code": skill.occupation_code,
                           "occupation_name": skill.occupation_name, "age_reference": skill.age_reference})
    problems: list[Problem] | None = None
    if form.validate_on_submit():
        doc = event_document(event)
        new_skill = {
            "code": form.code.data.strip(), "name": form.name.data.strip(), "group": form.group.data or None,
            "team_size": form.team_size.data, "quota_per_unit": form.quota_per_unit.data,
            "host_unit": (form.host_unit.data or "").strip() or None, "min_age": form.min_age.data,
            "max_age": form.max_age.data, "min_level": form.min_level.data or None,
            "age_reference": form.age_reference.data.isoformat() if form.age_reference.data else None,
            "components": skill_document(skill)["components"] if skill else None,
        }
        if form.occupation_code.data or form.occupation_name.data:
            new_skill["occupation"] = {"code": form.occupation_code.data, "name": form.occupation_name.data}
        position = next((i for i, s in enumerate(doc["skills"]) if skill and s["code"] == skill.code), None)
        if position is None:
            position = len(doc["skills"])
            doc["skills"].append(new_skill)
        else:
            doc["skills"][position] = new_skill
        try:
            save_event_document(doc, update=True, expected_code=event.code)
        except InputRefused as refused:
            prefix = f"skills[{position}]."
            field_of = {f"{prefix}{k}": k for k in form._fields}
            field_of |= {f"{prefix}occupation.code": "occupation_code", f"{prefix}occupation.name": "occupation_name"}
            problems = attach_problems(form, refused.problems, field_of)
        else:
            flash(_("Skill %(code)s saved.", code=new_skill["code"]), "info")
            return redirect(url_for("events.detail", code=event.code))
    return (render_template("events/skill_form.html", form=form, event=event, skill=skill, problems=problems or []),
            _status(problems))


@bp.route("/<code>/skills/new", methods=["GET", "POST"])
@allow(*ORGANIZERS)
def skill_create(code: str):
    """Add a skill to an event the user organizes; the whole event document is checked again, as on import."""
    return _skill_form(organized_event(code), None)


@bp.route("/<code>/skills/<skill_code>/edit", methods=["GET", "POST"])
@allow(*ORGANIZERS)
def skill_edit(code: str, skill_code: str):
    """Edit a skill of an event the user organizes (its marking components are kept); checked as on import."""
    event = organized_event(code)
    skill = event.skill(skill_code)
    require(skill is not None)
    return _skill_form(event, skill)


@bp.route("/import", methods=["GET", "POST"])
@allow(*ORGANIZERS)
def upload():
    """Import an event from a JSON file (organizers and admins), the same reader and checks as ``import event``;
    refused unless it names an organizer from the user's own unit tree."""
    form = UploadForm()
    problems: list[Problem] | None = None
    if form.validate_on_submit():
        try:
            event = import_event(form.file.data.read())
            if not can_organize(current_user, event):
                raise InputRefused([Problem("organizers", _("name at least one organizer from your own unit tree"))])
        except InputRefused as refused:
            problems = refused.problems
        else:
            flash(_("Event %(code)s imported.", code=event.code), "info")
            return redirect(url_for("events.detail", code=event.code))
    return render_template("imports/upload.html", form=form, problems=problems or [],
                           title=_("Import an event (JSON)"), columns=None, template_url=None), _status(problems)


# Last, not on top: these modules add their routes to ``bp`` and import it from here (a cycle otherwise).
from app.events import audit_views, self_registration_views  # noqa: E402, F401

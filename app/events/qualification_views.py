"""The organizer's qualification page: the feeder event's approved contestants, ticked to advance.

Only the higher event's organizers (and admins) open it; reading the feeder's list is part of
running the higher event. The skill each feeder skill advances into is chosen on the page (it
defaults to the skill with the same code) and goes through :func:`advance_from_feeder`.
"""
from __future__ import annotations

from itertools import groupby

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import require
from app.errors import InputRefused, Problem
from app.events.models import Event, Skill
from app.events.organized import organized_event
from app.events.qualification import QualificationError, advance_from_feeder, feeder_entries, target_skill

bp = Blueprint("qualification", __name__)


def _matching_code(event: Event, feeder_skill: Skill) -> str:
    """The skill preselected on the page: the one with the feeder skill's code, if any."""
    target = target_skill(event, feeder_skill, {})
    return target.code if target else ""


@bp.route("/events/<code>/qualification", methods=["GET", "POST"])
@allow(Role.ADMIN, Role.ORGANIZER)
def advance(code: str):
    """The qualification page of a higher event (its organizers and admins): tick the feeder event's
    approved contestants and advance them into this event's skills; a refusal advances none of them."""
    event = organized_event(code)
    require(event.feeder_event is not None)
    entries = feeder_entries(event)
    by_skill = [(skill, list(items)) for skill, items in groupby(entries, key=lambda e: e.registration.skill)]
    form = FlaskForm()  # the CSRF token; the ticked boxes and skill choices are read from the request
    problems: list[Problem] = []
    status = 200
    ticked: set[int] = set()
    skill_map: dict[str, str] = {}
    if form.validate_on_submit():
        ticked = set(request.form.getlist("registration", type=int))
        skill_map = {s.code: request.form.get(f"skill-{s.code}", "") for s, _items in by_skill}
        try:
            advanced = advance_from_feeder(event, sorted(ticked), {k: v for k, v in skill_map.items() if v})
        except InputRefused as refused:
            problems, status = refused.problems, 422  # shown on the page: the request rolls back
        except QualificationError as error:
            problems, status = [Problem("", error.args[0])], 422  # a Message: the page translates it
        else:
            flash(_("%(n)d contestants advanced into %(code)s.", n=len(advanced), code=event.code), "info")
            return redirect(url_for("qualification.advance", code=event.code))
    targets = {s.code: skill_map.get(s.code) or _matching_code(event, s) for s, _items in by_skill}
    return render_template("qualification/advance.html", event=event, feeder=event.feeder_event,
                           by_skill=by_skill, targets=targets, ticked=ticked, problems=problems, form=form), status

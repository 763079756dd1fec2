"""Advancing qualifiers from the feeder's final results: the button on the qualification page.

The qualification page belongs to the events feature, which must not import results; its template
only posts to this route (by endpoint name). The organizer picks the rule (top N or medal winners)
and the feeder skills; the skills they advance into are the page's own choices (``skill-<code>``,
preselected to the same code). Refusals and the outcome come back to that page as flashed
messages, and nothing is saved when anything is refused.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import require
from app.events.organized import organized_event
from app.form_problems import valid_or_flashed
from app.results.qualification import advance_qualifiers, qualifiers
from app.results.qualification_forms import AdvanceFromResultsForm
from app.transaction import refusals_return_to

bp = Blueprint("results_qualification", __name__)


@bp.route("/events/<code>/qualification/from-results", methods=["POST"])
@allow(Role.ADMIN, Role.ORGANIZER)
def advance(code: str):
    """Advance the feeder event's qualifiers by its final results (top N or medal winners) into this event
    (its organizers and admins); all or nothing, the outcome flashed on the qualification page."""
    event = organized_event(code)
    require(event.feeder_event is not None)
    feeder = event.feeder_event
    back = redirect(url_for("qualification.advance", code=event.code))
    form = AdvanceFromResultsForm()
    form.from_skill.choices = [(s.code, s.code) for s in feeder.skills]
    if not valid_or_flashed(form):
        return back
    rule = form.rule.data
    top_n = form.top_n.data if rule == "top" else None
    if rule == "top" and top_n is None:
        flash(_("Enter N for the top N."), "error")
        return back
    skill_map = {s.code: target for s in feeder.skills if (target := request.form.get(f"skill-{s.code}", ""))}
    refusals_return_to(back.location, heading=_("Nothing was advanced:"))
    found = qualifiers(event, rule=rule, top_n=top_n, skills=form.from_skill.data)
    advanced = advance_qualifiers(event, rule=rule, top_n=top_n, skill_map=skill_map,
                                  skills=form.from_skill.data)
    flash(_("%(n)d qualifiers advanced into %(code)s; %(already)d had advanced before.",
            n=len(advanced), code=event.code, already=len(found.already)), "info")
    return back

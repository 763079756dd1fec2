"""The public self-registration page of an event and its confirmation, on the ``events`` blueprint.

Anyone may open ``/events/<code>/self-register`` (no account: the people it is for have none yet).
What a visitor sees:
- **404** when the event does not take self-registrations (the flag is off, or it is not an
  enterprise or school contest): for them the page does not exist, as for any unknown address;
- **403** with a page naming the dates when it does but its registration window is not open today
  ("opens on …" / "closed on …"), so a contestant with an early or late link knows why;
- otherwise the form; a refused submission shows each problem under its field (the messages the
  units read), too many submissions from one address answer 429.
After a submission the browser is sent to ``…/self-register/done``, which shows the registration
this browser session submitted (bib, skill, unit, status) and is never cached. The service
(:mod:`app.events.self_registration`) writes; the view commits once, whatever the outcome, because
the throttle's try is kept even when the registration is refused.
"""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, session, url_for

from app import clock
from app.auth.permissions import allow_public
from app.auth.scope import require
from app.errors import InputRefused, Problem
from app.events.models import Event, Registration
from app.events.registration_forms import SelfRegistrationForm, skill_choices, unit_choices
from app.events.self_registration import (
    FIELDS,
    TooManySubmissions,
    allows,
    not_open,
    skills_of,
    submit,
    units_of,
)
from app.events.services import event_by_code
from app.events.views import bp
from app.extensions import db
from app.form_problems import attach_problems
from app.messages import translated
from app.ratelimit import client_address
from app.transaction import keep_refused_attempt

SESSION_KEY = "self_registration"


def _event(code: str) -> Event:
    event = event_by_code(code)
    require(event is not None and allows(event))
    return event


@bp.route("/<code>/self-register", methods=["GET", "POST"])
@allow_public
def self_register(code: str):
    """The public self-registration form of an event, for contestants without an account: 404 where the
    event takes none, 403 naming the dates outside its window, 429 for too many tries from one address."""
    event = _event(code)
    closed = not_open(event, clock.today())
    if closed is not None:
        return render_template("registration/self_closed.html", event=event, message=translated(closed)), 403
    form = SelfRegistrationForm()
    # No unit or skill chosen in advance: a contestant must pick their own, not take the first one.
    form.unit_code.choices = [("", "—"), *unit_choices(units_of(event))]
    skills = skills_of(event)
    form.skill_code.choices = [("", "—"), *skill_choices(skills)]
    problems: list[Problem] = []
    status = 200
    if form.validate_on_submit():
        values = form.row(FIELDS)
        try:
            registration = submit(event, values, client_address())
        except TooManySubmissions as refused:
            keep_refused_attempt()
            flash(translated(refused.args[0]), "error")
            status = 429
        except InputRefused as refused:
            keep_refused_attempt()  # the try counts; the registration was rolled back to its savepoint
            problems = attach_problems(form, refused.problems, {})
        else:
            session[SESSION_KEY] = registration.id
            return redirect(url_for("events.self_registered", code=event.code))
    return render_template("registration/self_form.html", form=form, event=event, problems=problems,
                           team_skills=len(skills) < len(event.skills)), status


@bp.route("/<code>/self-register/done")
@allow_public
def self_registered(code: str):
    """The confirmation of the entry this browser session submitted (public; nothing in the URL names it,
    so no one can read another person's entry), never cached."""
    event = _event(code)
    registration_id = session.get(SESSION_KEY)
    registration = db.session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    if registration is None or registration.event_id != event.id:
        return redirect(url_for("events.self_register", code=event.code))
    response = make_response(render_template("registration/self_done.html", event=event,
                                             registration=registration))
    response.headers["Cache-Control"] = "private, no-store"  # one person's entry
    return response

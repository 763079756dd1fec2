"""Public results (per event and per skill) and the contestant's own page, on the ``results``
blueprint.

The public pages show published skills only (a private skill is 404, as if it did not exist):
names, units, ranks, awards and scores, never ID numbers or phones, and nothing about the reader,
so they are cached publicly by the event's results version (:mod:`app.results.caching`). They use
their own layout, without the signed-in user's name or flash messages.

The contestant's page shows one person's own lines only: a signed-in contestant's, or the line of
a bib whose ID-number tail was given (:mod:`app.results.lookup`). It is never cached.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import Role
from app.auth.permissions import allow_public
from app.auth.scope import require
from app.events.models import Event, Skill
from app.events.services import event_by_code
from app.extensions import db
from app.messages import translated
from app.results import caching
from app.results.forms import LookupForm
from app.results.lookup import TooManyTries, look_up, own_results, registrations_of
from app.results.models import Publication, SkillResults
from app.results.tables import skill_tables
from app.results.views import bp, criterion_names


@dataclass(frozen=True)
class Summary:
    """One skill with standings, as the event page lists it."""

    skill: Skill
    publication: Publication
    competed: int


def _event(code: str) -> Event:
    event = event_by_code(code)
    require(event is not None)
    return event


def published(event: Event) -> tuple[int, list[Summary]]:
    """The event's results version and its published skills, in one query."""
    rows = db.session.execute(
        select(Skill, SkillResults.publication, SkillResults.version, SkillResults.competed)
        .join(SkillResults, SkillResults.skill_id == Skill.id).where(SkillResults.event_id == event.id)).all()
    version = sum(row.version for row in rows)
    found = [Summary(row.Skill, row.publication, row.competed) for row in rows
             if row.publication != Publication.PRIVATE]
    return version, sorted(found, key=lambda s: s.skill.code)


@bp.route("/results/<code>")
@allow_public
def public_event(code: str):
    event = _event(code)
    version, skills = published(event)
    return caching.public(event, lambda: render_template("results/public_event.html", event=event,
                                                         skills=skills), version)


@bp.route("/results/<code>/<skill_code>")
@allow_public
def public_skill(code: str, skill_code: str):
    event = _event(code)
    version, skills = published(event)
    summary = next((s for s in skills if s.skill.code == skill_code), None)
    require(summary is not None)

    def render() -> str:
        table = skill_tables(event, published_only=True, skill=summary.skill)[0]
        return render_template("results/public_skill.html", event=event, skill=summary.skill, table=table,
                               names=criterion_names(summary.skill))

    return caching.public(event, render, version)


@bp.route("/results/<code>/me", methods=["GET", "POST"])
@allow_public
def me(code: str):
    event = _event(code)
    form = LookupForm()
    contestant = current_user.is_authenticated and current_user.role == Role.CONTESTANT \
        and current_user.person_id is not None
    results, problem, status = None, None, 200
    if request.method == "POST":
        if form.validate():
            try:
                found = look_up(event, form.bib.data, form.id_tail.data)
            except TooManyTries as refused:
                found, problem, status = None, translated(refused.args[0]), 429
            db.session.commit()  # the try is recorded whatever its outcome
            if found is not None:
                results = own_results(event, [found])
            elif problem is None:
                problem = _("No contestant matches this bib number and these ID characters.")
    elif contestant:
        results = own_results(event, registrations_of(event, current_user.person_id))
    body = render_template("results/me.html", event=event, form=form, contestant=contestant,
                           results=results, problem=problem, names=_names(results))
    return caching.private(make_response(body, status))


def _names(results) -> dict[int, dict[str, str]]:
    return {r.skill.id: criterion_names(r.skill) for r in results or [] if r.published}

"""Public results (per event and per skill) and the contestant's own page, on the ``results``
blueprint.

The public pages show published skills only (a private skill is 404, as if it did not exist):
names, units, ranks, awards and scores, never ID numbers or phones, and nothing about the reader,
so they are rendered once per results version and language and served from the cache, with public
HTTP caching (:mod:`app.results.caching`). They use their own layout, without the signed-in user's
name or flash messages. A skill's page shows the first ``PUBLIC_TOP_LINES`` lines (a phone's first
screen, not the whole table of 1,000 contestants), a "find my bib" search, and the whole table as a
CSV or JSON download (:mod:`app.results.public_download`).

The contestant's page shows one person's own lines only: a signed-in contestant's, or the line of
a bib whose ID-number tail was given (:mod:`app.results.lookup`). It is never cached.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import contains_eager

from app.auth.models import Role
from app.auth.permissions import allow_public
from app.auth.scope import require
from app.events.models import Event, Registration, RegistrationStatus, Skill
from app.events.services import event_by_code
from app.extensions import cache, csrf, db
from app.messages import translated
from app.results import caching
from app.results.forms import LookupForm
from app.results.lookup import TooManyTries, look_up, own_results, registrations_of
from app.results.models import Publication, SkillResults, Standing
from app.results.public_download import MIMETYPES, public_csv, public_json
from app.results.tables import SkillTable, published_line, skill_tables, top_of
from app.results.views import bp, criterion_names
from app.transaction import reads_first

MAX_BIB = 40  # Registration.contestant_no: a longer search cannot match and reads nothing


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


def published(event: Event) -> list[Summary]:
    """The event's published skills, in one query."""
    rows = db.session.execute(
        select(Skill, SkillResults.publication, SkillResults.competed)
        .join(SkillResults, SkillResults.skill_id == Skill.id)
        .where(SkillResults.event_id == event.id, SkillResults.publication != Publication.PRIVATE)).all()
    return sorted((Summary(row.Skill, row.publication, row.competed) for row in rows), key=lambda s: s.skill.code)


def _published_results(event: Event, skill_code: str) -> SkillResults:
    """The skill's results row; 404 unless the skill exists and is published."""
    results = db.session.scalar(_published_results_statement(), {"event_id": event.id, "skill_code": skill_code})
    require(results is not None)
    return results


# The statements of the bib search are built once and run with parameters: it is rendered per
# request, on results day, and building a statement cost about what running it does.

@functools.cache
def _published_results_statement() -> Select:
    return (select(SkillResults).join(Skill, Skill.id == SkillResults.skill_id)
            .options(contains_eager(SkillResults.skill))
            .where(SkillResults.event_id == bindparam("event_id"), Skill.code == bindparam("skill_code"),
                   SkillResults.publication != Publication.PRIVATE))


@functools.cache
def _registration_by_bib() -> Select:
    """The (event, bib) index finds it; the skill and status narrow it to this skill's approved entry."""
    return select(Registration).where(
        Registration.event_id == bindparam("event_id"), Registration.contestant_no == bindparam("bib"),
        Registration.skill_id == bindparam("skill_id"), Registration.status == RegistrationStatus.APPROVED)


@bp.route("/results/<code>")
@allow_public
def public_event(code: str):
    """The public results page of an event, its published skills only; the same for every reader, so it is
    rendered once per results version and language and served from the cache."""
    def render() -> str:
        event = _event(code)
        return render_template("results/public_event.html", event=event, skills=published(event))

    return caching.public(code, "event", render)


@bp.route("/results/<code>/<skill_code>")
@allow_public
def public_skill(code: str, skill_code: str):
    """The first lines of the table (stored once per version and language), or with ``?bib=`` the
    line of that bib (one standing row, rendered per request)."""
    bib = request.args.get("bib", "").strip()
    if bib:
        reads_first()  # a search is rendered per request, and only reads: on SQLite, side by side

    def render() -> str:
        event = _event(code)
        results = _published_results(event, skill_code)
        if bib:  # one line, rendered per search: the criterion names come from the cache
            table, names, total = _bib_line(event, results, bib), _published_names(results), None
        else:    # stored, so read once per version
            table, names = top_of(results, current_app.config["PUBLIC_TOP_LINES"]), criterion_names(results.skill)
            total = db.session.scalar(select(func.count(Standing.id)).where(Standing.skill_id == results.skill_id))
        return render_template("results/public_skill.html", event=event, skill=results.skill, table=table,
                               names=names, bib=bib[:MAX_BIB], total=total)

    return caching.public(code, f"skill:{skill_code}", render, store=not bib)


def _bib_line(event: Event, results: SkillResults, bib: str) -> SkillTable:
    """The line of a bib in this skill (a team member finds the team's), by the (event, bib) index."""
    registration = None if len(bib) > MAX_BIB else db.session.scalar(
        _registration_by_bib(), {"event_id": event.id, "bib": bib, "skill_id": results.skill_id})
    found = published_line(registration) if registration is not None else None
    return found or SkillTable(results.skill, results, [])


@bp.route("/results/<code>/<skill_code>/standings.<any(csv, json):fmt>")
@allow_public
def public_download(code: str, skill_code: str, fmt: str):
    """The whole public table of a skill as a file, stored once per version."""
    def render() -> bytes:
        event = _event(code)
        results = _published_results(event, skill_code)
        table = skill_tables(event, published_only=True, skill=results.skill)[0]
        return public_json(table, criterion_names(results.skill)) if fmt == "json" else public_csv(table)

    response = caching.public(code, f"{skill_code}.{fmt}", render, mimetype=MIMETYPES[fmt], by_language=False)
    if response.status_code == 200:
        response.headers["Content-Disposition"] = f"attachment; filename={code}-{skill_code}.{fmt}"
    return response


@bp.route("/results/<code>/me", methods=["GET", "POST"])
@csrf.exempt
@allow_public
def me(code: str):
    """A contestant's own results (public): their lines when signed in as a contestant, else the line of a
    bib whose ID-number tail is given, with wrong tries limited (429) so ID numbers cannot be guessed.

    The look-up takes no CSRF token: it acts on nobody's session (it shows a line to whoever knows the
    bib and the ID tail, and the misses it counts are counted per bib, which anyone can spend directly).
    So the empty form is the same page for every reader without a session, and is served like the
    public pages (rendered once per results version and language); an answer is never cached."""
    if request.method == "GET" and not caching.may_be_signed_in():
        return caching.public(code, "me", lambda: _me_page(_event(code), LookupForm(), contestant=False))
    reads_first()  # a look-up reads, and keeps its misses apart
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
            if found is not None:
                results = own_results([found])
            elif problem is None:
                problem = _("No contestant matches this bib number and these ID characters.")
    elif contestant:
        results = own_results(registrations_of(event, current_user.person_id))
    body = _me_page(event, form, contestant=contestant, results=results, problem=problem)
    return caching.private(make_response(body, status))


def _me_page(event: Event, form: LookupForm, *, contestant: bool, results=None, problem: str | None = None) -> str:
    return render_template("results/me.html", event=event, form=form, contestant=contestant,
                           results=results, problem=problem, names=_names(results))


def _names(results) -> dict[int, dict[str, str]]:
    """The criterion names of the published skills shown, each read once per results version and
    kept in the cache like the public pages, which show the same names (:mod:`app.results.caching`)."""
    return {r.skill.id: _published_names(r.table.results) for r in results or [] if r.published}


def _published_names(results: SkillResults) -> dict[str, str]:
    key = f"criteria:{results.skill_id}:{results.version}"
    names = cache.get(key)
    if names is None:
        names = criterion_names(results.skill)
        cache.set(key, names)
    return names

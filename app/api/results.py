"""Public results through the API: an event's published skills and a published skill's table.

The same data as the public pages and their JSON download (:mod:`app.results.public_download`:
names, units, ranks, awards and scores, never ID numbers), for anyone, without a token; a skill
that is not published is 404, as on the pages. Answers are stored once per results version and
page like the pages are (:func:`app.results.caching.public`), with the version's ETag, so a reader
polling for publication gets 304 from the cache until something changes.
"""
from __future__ import annotations

import json

from flask import Blueprint
from pydantic import BaseModel

from app.api.answers import PageInfo, Paging, read_query
from app.api.spec import PUBLIC, ErrorBody, documented
from app.auth.permissions import allow_public
from app.auth.scope import require
from app.events.services import event_by_code
from app.results import caching
from app.results.public_download import public_json
from app.results.public_views import published
from app.results.tables import skill_tables
from app.results.views import criterion_names

bp = Blueprint("api_results", __name__, url_prefix="/api/v1")


class PublishedSkill(BaseModel):
    """A skill whose results are published (provisionally or final) and how many competed."""

    skill: str
    name: str
    publication: str
    competed: int


class PublishedSkillPage(PageInfo):
    """A page of an event's published skills, by code."""

    event: str
    items: list[PublishedSkill]


class CriterionOut(BaseModel):
    """A criterion of the skill's scheme and its maximum."""

    code: str
    name: str
    max: str


class PenaltyOut(BaseModel):
    """A penalty applied to a line, with its reason."""

    amount: str
    reason: str


class ResultLine(BaseModel):
    """One line of the public table (``team`` for team skills only)."""

    rank: int | None
    contestant_no: str
    name: str
    team: str | None = None
    unit: str
    status: str
    criteria: dict[str, str]
    penalties: list[PenaltyOut]
    raw_total: str | None
    scale: int | None
    award: str | None


class ResultTable(PageInfo):
    """A page of a published skill's public table, in rank order."""

    event: str
    skill: str
    skill_name: str
    publication: str
    criteria: list[CriterionOut]
    items: list[ResultLine]


@bp.route("/results/<code>")
@allow_public
@documented(answers={200: PublishedSkillPage, 400: ErrorBody, 404: ErrorBody}, query=Paging, tags=["results"],
            security=PUBLIC)
def published_skills(code: str):
    """The published skills of an event.

    No token needed. Unpublished skills are not listed."""
    paging = read_query(Paging)

    def render() -> bytes:
        event = event_by_code(code)
        found = published(event)
        start = (paging.page - 1) * paging.per_page
        items = [PublishedSkill(skill=s.skill.code, name=s.skill.name, publication=s.publication.value,
                                competed=s.competed) for s in found[start:start + paging.per_page]]
        return PublishedSkillPage(event=event.code, items=items, page=paging.page, per_page=paging.per_page,
                                  total=len(found)).model_dump_json().encode()

    return caching.public(code, f"api:skills:{paging.page}:{paging.per_page}", render,
                          mimetype="application/json", by_language=False)


@bp.route("/results/<code>/<skill_code>")
@allow_public
@documented(answers={200: ResultTable, 400: ErrorBody, 404: ErrorBody}, query=Paging, tags=["results"],
            security=PUBLIC)
def table(code: str, skill_code: str):
    """The public results table of a published skill, in rank order.

    No token needed; the columns of the public page and its JSON download (never an ID number).
    404 while the skill is not published."""
    paging = read_query(Paging)

    def render() -> bytes:
        event = event_by_code(code)
        summary = next((s for s in published(event) if s.skill.code == skill_code), None)
        require(summary is not None)
        whole = skill_tables(event, published_only=True, skill=summary.skill)[0]
        doc = json.loads(public_json(whole, criterion_names(summary.skill)))
        start = (paging.page - 1) * paging.per_page
        lines = doc.pop("results")
        return ResultTable(**doc, items=lines[start:start + paging.per_page], page=paging.page,
                           per_page=paging.per_page, total=len(lines)).model_dump_json().encode()

    return caching.public(code, f"api:{skill_code}:{paging.page}:{paging.per_page}", render,
                          mimetype="application/json", by_language=False)

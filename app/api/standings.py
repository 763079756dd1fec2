"""An event's standings through the integration API, in the results export's JSON (formats.md).

The document is :func:`app.results.export.standings_document`, the one ``results export`` prints and
the organizers download, key for key. Who sees what: the event's organizers (and admins) every skill
with standings, private ones included, never stored (``private``); everyone else, signed in or not,
the published skills only (provisional or final), stored once per results version like the public
pages (:func:`app.results.caching.public`), so polling for a publication costs a 304. ``skill``
narrows the document to one skill; it stays one document (not a page): consumers read it whole, as
they read the export file.
"""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field

from app.api.answers import answer, error, read_query
from app.api.bearer import uses_bearer
from app.api.spec import PUBLIC, ErrorBody, documented
from app.auth.permissions import allow_public
from app.auth.scope import require
from app.errors import Problem
from app.events.models import Event, Skill
from app.events.scope import can_organize
from app.events.services import event_by_code
from app.messages import msg
from app.results import caching
from app.results.export import standings_document
from app.results.tables import skill_tables
from scoring.inputs import StrictModel, Text

bp = Blueprint("api_standings", __name__, url_prefix="/api/v1")


class StandingsQuery(StrictModel):
    """Which skill (all when absent)."""

    skill: Text | None = Field(None, max_length=40)


class PenaltyLine(BaseModel):
    """A penalty already deducted, with its reason."""

    amount: str
    reason: str


class StandingResult(BaseModel):
    """One result (a team's row carries ``team`` and ``members``; with components, ``components``)."""

    model_config = ConfigDict(extra="allow")
    contestant_no: str
    name: str
    unit: str
    status: str
    raw_total: str | None
    scale: int | None
    rank: int | None
    award: str | None
    criteria: dict[str, str]
    sub_criteria: dict[str, str]
    penalties: list[PenaltyLine]


class SkillStandings(BaseModel):
    """A skill's standings; ``complete`` when every criterion is locked."""

    skill: str
    standardized: bool
    competed: int
    complete: bool
    results: list[StandingResult]


class StandingsDocument(BaseModel):
    """formats.md's standings export (``albert_vidal`` and ``unit_points`` with WorldSkills awards)."""

    model_config = ConfigDict(extra="allow")
    event: str
    skills: list[SkillStandings]
    best_of_unit: list[dict[str, str | int | None]]


def _document(event: Event, skill: Skill | None, *, published_only: bool) -> StandingsDocument:
    tables = skill_tables(event, published_only=published_only, skill=skill)
    return StandingsDocument.model_validate(standings_document(event, tables))


def _skill(event: Event, code: str | None) -> Skill | None:
    if code is None:
        return None
    found = event.skill(code)
    if found is None:
        abort(error(400, "the query parameters are not valid",
                    [Problem("skill", msg("no skill %(skill)s in event %(event)s", skill=code, event=event.code))]))
    return found


def _organizer_of(code: str) -> Event | None:
    """The event when the caller organizes it; without a token or session cookie nobody is asked."""
    if not (uses_bearer() or caching.may_be_signed_in()) or not current_user.is_authenticated:
        return None
    event = event_by_code(code)
    return event if event is not None and can_organize(current_user, event) else None


@bp.route("/events/<code>/standings")
@allow_public
@documented(answers={200: StandingsDocument, 400: ErrorBody, 404: ErrorBody}, query=StandingsQuery,
            tags=["results"], security=PUBLIC)
def standings(code: str):
    """The standings in the results export's JSON.

    The event's organizers read every skill with standings (private ones too); anyone else, without
    a token too, the published skills only. `skill` narrows it to one skill."""
    wanted = read_query(StandingsQuery)
    organized = _organizer_of(code)
    if organized is not None:
        return answer(_document(organized, _skill(organized, wanted.skill), published_only=False))

    def render() -> bytes:
        event = event_by_code(code)
        require(event is not None)
        return _document(event, _skill(event, wanted.skill), published_only=True).model_dump_json().encode()

    return caching.public(code, f"api:standings:{wanted.skill or '*'}", render, mimetype="application/json",
                          by_language=False)

"""Read endpoints of the integration API: events, the skills of an event, and units.

Events and skills are what the public pages and the registration forms already show (code, name,
tier, dates, the skill's eligibility rules), so any signed-in account may read them; a token bound
to one event sees that event only. Units are read as on the units page: admins see all of them,
organizers and unit admins their own unit's tree, other roles none (403).
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint
from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy import false, select

from app.api.answers import PageInfo, Paging, QueryWhole, answer, page_of, read_query
from app.api.bearer import any_event, bound_event_id
from app.api.spec import ErrorBody, documented
from app.auth.models import Role
from app.auth.permissions import allow, allow_authenticated
from app.auth.scope import manageable_unit_ids, require
from app.events.models import Event, Skill, SkillGroup, Unit, UnitKind
from app.events.services import event_by_code
from app.extensions import db
from scoring.inputs import Text

bp = Blueprint("api_reads", __name__, url_prefix="/api/v1")
UNIT_READERS = (Role.ADMIN, Role.ORGANIZER, Role.UNIT_ADMIN)


class EventOut(BaseModel):
    """An event as the public pages name it."""

    code: str
    name: str
    tier: str
    year: int
    starts_on: date
    ends_on: date
    registration_opens: date | None
    registration_closes: date | None
    self_registration: bool

    @classmethod
    def of(cls, event: Event) -> EventOut:
        """The answer for one event row."""
        return cls(code=event.code, name=event.name, tier=event.tier, year=event.year, starts_on=event.starts_on,
                   ends_on=event.ends_on, registration_opens=event.registration_opens,
                   registration_closes=event.registration_closes, self_registration=event.self_registration)


class EventPage(PageInfo):
    """A page of events, by start date then code."""

    items: list[EventOut]


class EventQuery(Paging):
    """Filters of the event list."""

    year: QueryWhole | None = Field(None, ge=1900, le=9999)
    tier: Text | None = Field(None, max_length=32)


class SkillOut(BaseModel):
    """A skill of an event, with the eligibility rules its registration applies."""

    code: str
    name: str
    group: SkillGroup | None
    occupation_code: str | None
    occupation_name: str | None
    team_size: int
    quota_per_unit: int
    min_age: int | None
    max_age: int | None
    min_level: str | None


class SkillPage(PageInfo):
    """A page of an event's skills, by code."""

    items: list[SkillOut]


class SkillQuery(Paging):
    """Filters of the skill list."""

    group: SkillGroup | None = None


class UnitOut(BaseModel):
    """A unit and the code of its parent."""

    code: str
    name: str
    kind: UnitKind
    parent: str | None


class UnitPage(PageInfo):
    """A page of units, by code."""

    items: list[UnitOut]


class UnitQuery(Paging):
    """Filters of the unit list."""

    kind: UnitKind | None = None
    parent: Text | None = Field(None, max_length=20)


@bp.route("/events")
@allow_authenticated
@any_event
@documented(answers={200: EventPage, 400: ErrorBody}, query=EventQuery, tags=["events"])
def events():
    """Events, newest first.

    Filter by `year` or `tier`. A token bound to an event lists that event only."""
    wanted = read_query(EventQuery)
    query = select(Event).order_by(Event.starts_on.desc(), Event.code)
    if wanted.year is not None:
        query = query.where(Event.year == wanted.year)
    if wanted.tier is not None:
        query = query.where(Event.tier == wanted.tier)
    if bound_event_id() is not None:
        query = query.where(Event.id == bound_event_id())
    rows, info = page_of(query, wanted)
    return answer(EventPage(items=[EventOut.of(e) for e in rows], **info.model_dump()))


@bp.route("/events/<code>")
@allow_authenticated
@documented(answers={200: EventOut, 404: ErrorBody}, tags=["events"])
def event(code: str):
    """One event by its code."""
    found = event_by_code(code)
    require(found is not None)
    return answer(EventOut.of(found))


@bp.route("/events/<code>/skills")
@allow_authenticated
@documented(answers={200: SkillPage, 400: ErrorBody, 404: ErrorBody}, query=SkillQuery, tags=["events"])
def skills(code: str):
    """The skills of an event, by code.

    Filter by `group` (student or employee)."""
    wanted = read_query(SkillQuery)
    found = event_by_code(code)
    require(found is not None)
    query = select(Skill).where(Skill.event_id == found.id).order_by(Skill.code)
    if wanted.group is not None:
        query = query.where(Skill.group == wanted.group)
    rows, info = page_of(query, wanted)
    items = [SkillOut(code=s.code, name=s.name, group=s.group, occupation_code=s.occupation_code,
                      occupation_name=s.occupation_name, team_size=s.team_size, quota_per_unit=s.quota_per_unit,
                      min_age=s.min_age, max_age=s.max_age, min_level=s.min_level) for s in rows]
    return answer(SkillPage(items=items, **info.model_dump()))


@bp.route("/units")
@allow(*UNIT_READERS)
@any_event
@documented(answers={200: UnitPage, 400: ErrorBody}, query=UnitQuery, tags=["units"])
def units():
    """Units the caller may manage, by code.

    Admins read every unit; organizers and unit admins their own unit and all below it, as on the
    units page. Filter by `kind`, or by `parent` (a unit code: its direct children)."""
    wanted = read_query(UnitQuery)
    query = select(Unit).order_by(Unit.code)
    ids = manageable_unit_ids(current_user)
    if ids is not None:
        query = query.where(Unit.id.in_(ids))
    if wanted.kind is not None:
        query = query.where(Unit.kind == wanted.kind)
    if wanted.parent is not None:
        parent_id = db.session.scalar(select(Unit.id).where(Unit.code == wanted.parent))
        query = query.where(Unit.parent_id == parent_id) if parent_id is not None else query.where(false())
    rows, info = page_of(query, wanted)
    parents = dict(db.session.execute(select(Unit.id, Unit.code).where(
        Unit.id.in_({u.parent_id for u in rows if u.parent_id is not None}))).all())
    items = [UnitOut(code=u.code, name=u.name, kind=u.kind, parent=parents.get(u.parent_id)) for u in rows]
    return answer(UnitPage(items=items, **info.model_dump()))

"""Reporting through the integration API: an event's approved promotions and a rule set's grant lines.

- Promotions (``/events/<code>/promotions``) are the rows of ``promotion export`` (formats.md's
  columns, the full ID number: the authorities match the person by it), for the event's organizers
  and admins, as the proposals page's download is; anyone else 404.
- Grant lines (``/grants/<policy>/lines``) are the stored ledger of the grants page, in formats.md's
  grant-lines JSON (each line with its ``status``; ``totals`` and ``total_amount``, the export's
  ``total``, over the whole scope, not the page; ``total`` counts the lines as in every list), for
  organizers and admins. Its scope is the page's: ``year``, ``event`` and ``unit``, the unit one of
  the caller's tree and by default their own, so an organizer reads the lines of their jurisdiction
  only; a unit outside it is answered like an unknown one (``unit: unknown unit X``). Unlike the
  page, no year means every year. A token bound to an event reads that event's lines only.
"""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy import select

from app.api.answers import PageInfo, Paging, QueryWhole, answer, error, read_query
from app.api.bearer import any_event, current_token
from app.api.spec import ErrorBody, documented
from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import manageable_unit_ids, require
from app.errors import Problem
from app.events.scope import can_organize
from app.events.services import event_by_code
from app.extensions import db
from app.grants.models import LineStatus
from app.grants.services import LedgerError, Scope, grant_rule_set, ledger, ledger_document
from app.messages import msg
from app.promotion.export import approved_rows
from app.units.models import Unit
from scoring.inputs import Text

bp = Blueprint("api_reporting", __name__, url_prefix="/api/v1")
MANAGERS = (Role.ADMIN, Role.ORGANIZER)


class PromotionOut(BaseModel):
    """One approved promotion in the columns of ``promotion export`` (empty text where not known)."""

    event: str
    skill: str
    contestant_no: str
    name: str
    id_type: str
    id_number: str
    occupation_code: str
    occupation_name: str
    previous_level: str
    level: str
    level_name: str
    rule: str
    rule_set: str
    certificate_no: str
    issue_date: str
    issuer: str


class PromotionPage(PageInfo):
    """A page of an event's approved promotions, by skill code then bib."""

    items: list[PromotionOut]


class PromotionQuery(Paging):
    """Filters of the promotions."""

    skill: Text | None = Field(None, max_length=40)


class GrantLineOut(BaseModel):
    """A stored grant line; ``amount`` null for a manual line not filled in."""

    payee: str = Field(description="a unit code or person:<id_number>")
    rule: str
    trigger: str
    amount: str | None
    explanation: str
    status: LineStatus


class GrantLinePage(PageInfo):
    """A page of a rule set's lines by payee, rule and trigger, with the totals of the whole scope."""

    policy: str
    items: list[GrantLineOut]
    totals: dict[str, str] = Field(description="per payee, over the whole scope")
    total_amount: str = Field(description="the export's `total`, named apart from the count of lines")


class GrantLineQuery(Paging):
    """The scope (as on the grants page) and a status filter."""

    year: QueryWhole | None = Field(None, ge=1900, le=9999)
    event: Text | None = Field(None, max_length=40)
    unit: Text | None = Field(None, max_length=20, description="a unit of your tree; by default your own")
    status: LineStatus | None = None


@bp.route("/events/<code>/promotions")
@allow(*MANAGERS)
@documented(answers={200: PromotionPage, 400: ErrorBody, 404: ErrorBody}, query=PromotionQuery,
            tags=["reporting"])
def promotions(code: str):
    """The approved promotions of an event, for provincial reporting.

    For the event's organizers: the columns of `promotion export`, with the full ID number."""
    wanted = read_query(PromotionQuery)
    event = event_by_code(code)
    require(event is not None and can_organize(current_user, event))
    rows = [r for r in approved_rows(event) if wanted.skill is None or r["skill"] == wanted.skill]
    start = (wanted.page - 1) * wanted.per_page
    items = [PromotionOut(**row) for row in rows[start:start + wanted.per_page]]
    return answer(PromotionPage(items=items, page=wanted.page, per_page=wanted.per_page, total=len(rows)))


def _scope(policy: str, wanted: GrantLineQuery) -> Scope:
    """The caller's scope; 400 with the located problem when it names what they cannot reach."""
    event = wanted.event
    token = current_token()
    if token is not None and token.event_id is not None:
        if event not in (None, token.event.code):
            abort(error(403, f"this token is for event {token.event.code} only"))
        event = token.event.code
    unit = wanted.unit
    if unit is None and current_user.role != Role.ADMIN:
        require(current_user.unit_id is not None)
        unit = db.session.get(Unit, current_user.unit_id).code
    if unit is not None:
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == unit))
        reach = manageable_unit_ids(current_user)
        if unit_id is None or (reach is not None and unit_id not in reach):
            abort(error(400, "the query parameters are not valid",
                        [Problem("unit", msg("unknown unit %(code)s", code=unit))]))
    return Scope(policy, year=wanted.year, event=event, unit=unit)


@bp.route("/grants/<policy>/lines")
@allow(*MANAGERS)
@any_event
@documented(answers={200: GrantLinePage, 400: ErrorBody, 404: ErrorBody}, query=GrantLineQuery, tags=["reporting"])
def grant_lines(policy: str):
    """The stored grant lines of a rule set, in the grant-lines export's shape.

    Scope as on the grants page: `year`, `event`, and `unit` (one of your tree, by default your own);
    filter by `status`. Totals are over the whole scope and filter, not this page."""
    wanted = read_query(GrantLineQuery)
    try:
        grant_rule_set(policy)
    except LedgerError:
        require(False)
    scope = _scope(policy, wanted)
    try:
        lines = ledger(scope, status=wanted.status)
    except LedgerError as refused:
        abort(error(400, "the query parameters are not valid", [Problem("event", refused.args[0])]))
    document = ledger_document(policy, lines)
    start = (wanted.page - 1) * wanted.per_page
    return answer(GrantLinePage(policy=policy, items=document["lines"][start:start + wanted.per_page],
                                totals=document["totals"], total_amount=document["total"], page=wanted.page,
                                per_page=wanted.per_page, total=len(lines)))

"""How the integration API answers: refusals, query parameters, pages of a list, and ETags.

A refusal is ``{"error": "…", "problems": [{"where": "…", "message": "…"}]}`` with the command
line's English messages (formats.md), whatever the reader's language. Query parameters are read
by the input layer (:func:`app.inputs.read_or_refuse`), so an unknown or malformed parameter is a
located problem, not a silent default. A list answers one page: ``page`` from 1, ``per_page`` up to
:data:`MAX_PER_PAGE`. Every JSON answer carries an ETag of its body; ``If-None-Match`` with it gets
304 without the body (the body is still built: what saves is the transfer and the client's work).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, TypeVar

from flask import Response, abort, current_app, jsonify, request
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import Select, func, select

from app.errors import InputRefused, Problem
from app.extensions import db
from app.inputs import read_or_refuse
from scoring.inputs import StrictModel, refuse

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
Query = TypeVar("Query", bound=StrictModel)


def error(status: int, message: str, problems: Iterable[Problem] = ()) -> Response:
    """A refusal in the API's one error shape."""
    response = jsonify(error=str(message), problems=[{"where": p.where, "message": str(p.message)} for p in problems])
    response.status_code = status
    return response


def _query_whole(value: Any) -> int:
    """A whole number written in a query string (ASCII digits only, at most 9 of them)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    refuse("must be a whole number")


QueryWhole = Annotated[int, BeforeValidator(_query_whole)]
"""A whole number in a query string; bound it with ``Field(ge=..., le=...)``."""


class Paging(StrictModel):
    """Which page of a list: ``page`` from 1, ``per_page`` items on it."""

    page: QueryWhole = Field(1, ge=1, le=1_000_000)
    per_page: QueryWhole = Field(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)


class PageInfo(BaseModel):
    """Where this page is in the whole list."""

    page: int
    per_page: int
    total: int


def read_query(model: type[Query]) -> Query:
    """The request's query parameters as ``model``; a 400 refusal with every problem otherwise."""
    data = {name: request.args.get(name) for name in request.args}
    try:
        return read_or_refuse(model, data)
    except InputRefused as refusal:
        abort(error(400, "the query parameters are not valid", refusal.problems))


def page_of(query: Select, paging: Paging) -> tuple[list[Any], PageInfo]:
    """One page of ``query``'s rows (ordered by the caller) and where it lies in the whole list."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.scalars(query.limit(paging.per_page).offset((paging.page - 1) * paging.per_page)).all()
    return list(rows), PageInfo(page=paging.page, per_page=paging.per_page, total=total)


def answer(body: BaseModel) -> Response:
    """``body`` as JSON with its ETag; 304 when the client's copy is the same. Private: the answer may
    depend on who asks."""
    response = current_app.response_class(body.model_dump_json(), mimetype="application/json")
    response.add_etag()
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Authorization", "Cookie"))
    return response.make_conditional(request)

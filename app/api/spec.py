"""The OpenAPI 3.1 document of ``/api/v1``, generated from the code by spectree.

spectree (a maintained library that reads pydantic v2 models and Flask's URL map, and writes OpenAPI
3.1) describes every view decorated with :func:`documented`: the path and its parameters come from
the route, the summary and description from the view's docstring, the query, body and answers from
pydantic models (the request models are the input layer's :class:`scoring.inputs.StrictModel`).
spectree runs in its strict mode (only decorated views are described) and never validates or
rewrites a request or an answer here (``skip_validation``): the views read their input with
:func:`app.inputs.read_or_refuse` and answer in the API's own error shape, so describing the tablet's
endpoints changes nothing for the tablet. A test compares the document's paths with the URL map.

How a caller authenticates: ``Authorization: Bearer <token>`` (:mod:`app.api.bearer`), or the
browser session (with its CSRF header for writes, as the tablet does); public reads need neither.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData

TITLE = "Jingsai API"
VERSION = "1"

BEARER = "bearer"
SESSION = "session"
PUBLIC: list[dict[str, list[str]]] = []  # an operation open to anyone
SIGNED_IN = [{BEARER: []}, {SESSION: []}]


class ProblemOut(BaseModel):
    """One located problem: ``where`` names the parameter or path in the body (``marks[3].value``)."""

    where: str
    message: str


class ErrorBody(BaseModel):
    """Every refusal: one sentence, and each problem with its place when the input had several."""

    error: str
    problems: list[ProblemOut] = Field(default_factory=list)


api = SpecTree(
    "flask",
    mode="strict",
    annotations=False,
    title=TITLE,
    version=VERSION,
    description=("Events, skills, units and public results of the Jingsai competition system. "
                 "Authenticate with `Authorization: Bearer <token>` (tokens are made on the account page), "
                 "or with the browser session. Lists are paginated with `page` and `per_page`; answers carry "
                 "an ETag, and `If-None-Match` gets 304 while nothing changed."),
    validation_error_status=400,
    validation_error_model=ErrorBody,
    # Components named after the models themselves (spectree appends a hash by default).
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    security_schemes=[
        SecurityScheme(name=BEARER, data=SecuritySchemeData(type="http", scheme="bearer",
                                                            description="A personal API token: jst_…")),
        SecurityScheme(name=SESSION, data=SecuritySchemeData(
            type="apiKey", field_in="cookie", name="session",
            description="The browser session (writes also need the X-CSRFToken header)")),
    ],
    security=SIGNED_IN,
)


def documented(*, answers: dict[int, Any], query: type[BaseModel] | None = None,
               body: type[BaseModel] | None = None, tags: Sequence[str] = (),
               security: list[dict[str, list[str]]] | None = None) -> Callable:
    """Describe a view in the OpenAPI document without changing what it does.

    ``answers`` maps a status to its model (``None`` for no body); 401/403/404/429 answers share
    :class:`ErrorBody`. ``security`` is :data:`PUBLIC` for views anyone may call."""
    codes = {f"HTTP_{status}": model for status, model in answers.items()}
    for status in (401, 403, 429) if security != PUBLIC else (429,):
        codes.setdefault(f"HTTP_{status}", ErrorBody)
    return api.validate(query=query, json=body, resp=Response(**codes), tags=tags, security=security,
                        skip_validation=True)


def document() -> dict[str, Any]:
    """The OpenAPI document of the running app (generated once per process from its URL map)."""
    return api.spec

"""HTTP caching of the public results pages, keyed by the event's results version.

Every rebuild and every publication step moves a skill's ``version``, so the sum over the event's
skills changes whenever anything a public page shows may have changed. That sum is one cheap query;
a matching ``If-None-Match`` is answered 304 before any standings are loaded.

The ETag is ``"<event>-<version>"`` in the default language (zh-CN) and
``"<event>-<version>-<language>"`` in another: the page is rendered in the reader's language
(chosen in the session), and a browser that switched language must not be told by a 304 that its
copy in the other language is still good. ``Vary: Cookie`` says the same to shared caches. The
pages carry nothing about the reader (no flash, no name), so ``public`` caching is safe.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, make_response, request
from sqlalchemy import func, select

from app.events.models import Event
from app.extensions import db
from app.i18n import select_locale
from app.results.models import SkillResults

MAX_AGE = 60


def results_version(event: Event) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(SkillResults.version), 0))
                             .where(SkillResults.event_id == event.id))


def etag_of(event: Event, version: int) -> str:
    language = select_locale()
    tag = f"{event.code}-{version}"
    return tag if language == current_app.config["BABEL_DEFAULT_LOCALE"] else f"{tag}-{language}"


def public(event: Event, render: Callable[[], object], version: int | None = None) -> Response:
    """304 when the reader's copy is current, else ``render()`` with the cache headers."""
    tag = etag_of(event, results_version(event) if version is None else version)
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
    else:
        response = make_response(render())
    response.set_etag(tag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.vary.add("Cookie")
    return response


def private(response: Response) -> Response:
    """Pages about one person (the contestant's page) are never stored anywhere."""
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""Public results pages rendered once per results version and language, then served from the cache.

Terms. An event's results *version* is the sum of its skills' ``SkillResults.version``; every
rebuild and every publication step moves it in one place (:func:`app.results.standings.bump`), and
that is the only invalidation there is. A page is stored under
``page:<event>:<version>:<language>:<what>``: a bump makes every stored page of the event
unreachable at once, in every worker and on every server sharing the cache, and old entries simply
expire. Nothing about the reader (session, user, flash) is part of a key or of a page, and a page is
stored only after it rendered, so only real skills get keys.

The version number is cached too (``version:<event>``): a reader whose copy is current gets its
304 after that one cache read, without a database query and without opening the session (the
language has its own cookie, :func:`app.i18n.select_locale`). A bump deletes the number when its
transaction commits. With Redis (``REDIS_URL``) every server sees that at once; with the default
per-process SimpleCache the other workers keep their number for at most ``PUBLIC_VERSION_TTL``
seconds, which also bounds the race of a reader who read the old version just before the commit.
A page is never older than its key: its standings are read after the version.

The ETag is ``"<event>-<version>"`` in the default language (zh-CN) and
``"<event>-<version>-<language>"`` in another: a browser that switched language must not be told by
a 304 that its copy in the other language is still good. ``Vary: Cookie`` says the same to shared
caches. Downloads are the same in every language and carry ``"<event>-<version>-<what>"``.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request
from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.scope import require
from app.events.models import Event
from app.extensions import cache, db
from app.i18n import select_locale
from app.operations.metrics import count_public_answer
from app.results.models import SkillResults

MAX_AGE = 60
_MOVED = "results_versions_moved"  # Session.info key: events whose cached version a commit must drop


def version_key(code: str) -> str:
    """The cache key of an event's results version, the one number every public page's key and ETag derive from."""
    return f"version:{code}"


def results_version(code: str) -> int | None:
    """The event's results version (cached), ``None`` when there is no such event."""
    version = cache.get(version_key(code))
    if version is None:
        version = db.session.scalar(
            select(func.coalesce(func.sum(SkillResults.version), 0)).select_from(Event)
            .outerjoin(SkillResults, SkillResults.event_id == Event.id).where(Event.code == code)
            .group_by(Event.id))
        if version is not None:
            cache.set(version_key(code), version, timeout=current_app.config["PUBLIC_VERSION_TTL"])
    return version


def public(code: str, what: str, render: Callable[[], str | bytes], *, mimetype: str = "text/html",
           by_language: bool = True, store: bool = True) -> Response:
    """304 when the reader's copy is current; else the body stored for this version and language
    (``render()`` once when it is not stored yet; every time with ``store=False``), with the
    public cache headers. 404 when the event does not exist; ``render`` decides the rest."""
    version = results_version(code)
    require(version is not None)
    language = select_locale() if by_language else None
    tag = _etag(code, version, language, what)
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
        count_public_answer("not_modified")
    else:
        key = f"page:{code}:{version}:{language or '-'}:{what}"
        body = cache.get(key) if store else None
        count_public_answer("rendered" if body is None else "cached")
        if body is None:
            body = render()
            if store:
                cache.set(key, body)
        response = Response(body, mimetype=mimetype)
    response.set_etag(tag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    if by_language:
        response.vary.add("Cookie")
    return response


def _etag(code: str, version: int, language: str | None, what: str) -> str:
    tag = f"{code}-{version}"
    if language is None:
        return f"{tag}-{what}"
    return tag if language == current_app.config["BABEL_DEFAULT_LOCALE"] else f"{tag}-{language}"


def may_be_signed_in() -> bool:
    """Whether the request carries a session (or remember-me) cookie at all; without one the reader
    is anonymous and nothing needs to open the session to know it."""
    names = (current_app.config["SESSION_COOKIE_NAME"],
             current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    return any(name in request.cookies for name in names)


def private(response: Response) -> Response:
    """Pages about one person (the contestant's page) are never stored anywhere."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- invalidation


def version_moved(results: SkillResults) -> None:
    """Called by the bump: the event's cached version is dropped when this transaction commits (not
    before: a reader could cache the old number again in between; not at all on rollback)."""
    event = db.session.get(Event, results.event_id)
    db.session.info.setdefault(_MOVED, set()).add(event.code)


def _forget_moved(session: Session) -> None:
    for code in session.info.pop(_MOVED, ()):
        cache.delete(version_key(code))


def _drop_moved(session: Session) -> None:
    session.info.pop(_MOVED, None)


def connect() -> None:
    """Listen to every session's commits (idempotent: ``create_app`` may run more than once)."""
    for name, listener in (("after_commit", _forget_moved), ("after_rollback", _drop_moved)):
        if not sa_event.contains(Session, name, listener):
            sa_event.listen(Session, name, listener)

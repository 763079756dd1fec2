"""``Authorization: Bearer <token>`` on ``/api/v1``: who the token is, what it may do, how often.

A request to ``/api/v1`` that presents a bearer token is authenticated by that token alone: the
session cookie is not read (:func:`app.auth.sessions.load` steps aside), so such a request cannot
ride on a browser's cookie, and therefore needs no CSRF token (:class:`BearerExemptCSRF`; every
other request is checked as before). Elsewhere the header is ignored.

:func:`load_user` (Flask-Login's request loader) finds the token and records its use. :func:`enforce`
(before the permission table) answers 401 for a token that is unknown, revoked, expired or whose user
is disabled, and 403 when the token's scope does not cover the request: a ``read`` token only reads
(GET, HEAD, OPTIONS), and a token bound to one event reaches only views of that event (the event's
``code`` in the URL) and views that answer for the token's event alone or touch no event
(:func:`any_event`). Everything else is the user's own role and unit tree, checked by the views as
on the web.

Each token has its own rate limit across the whole API (``API_TOKEN_RATE_LIMIT``), counted by the
token presented, before it is even looked up.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache

from flask import Blueprint, Flask, current_app, g, request
from flask_login import current_user

from app.bearer import presented_secret, uses_bearer

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def any_event(view: Callable) -> Callable:
    """Mark a view an event-bound token may call: it answers for the token's event only
    (:func:`bound_event_id`) or touches no event at all."""
    view.any_event = True  # type: ignore[attr-defined]
    return view


def current_token():
    """The :class:`~app.auth.models.ApiToken` of this request, or ``None`` (session or anonymous)."""
    return g.get("api_token")


def bound_event_id() -> int | None:
    """The event this request's token is bound to, if any: list views show that event only."""
    token = current_token()
    return token.event_id if token is not None else None


def load_user(_request):
    """Flask-Login's request loader: the token's user, its use recorded and committed at once."""
    from app.accounts import tokens
    from app.transaction import commit_token_use

    secret = presented_secret()
    token = tokens.authenticate(secret) if secret else None
    if token is None:
        return None
    tokens.record_use(token, request.method, request.path)
    commit_token_use()
    g.api_token = token
    return token.user


def enforce():
    """before_request: refuse a bad token (401) and a request outside the token's scope (403)."""
    from app.api.answers import error
    from app.auth.models import TokenScope

    if request.endpoint is None or not uses_bearer():
        return None
    if not current_user.is_authenticated:
        return error(401, "the token is unknown, revoked or expired")
    token = current_token()
    if token.scope == TokenScope.READ and request.method not in READ_METHODS:
        return error(403, "this token may only read")
    if token.event_id is not None and not _within_event(token):
        return error(403, f"this token is for event {token.event.code} only")
    return None


def _within_event(token) -> bool:
    view = current_app.view_functions[request.endpoint]
    if getattr(view, "any_event", False):
        return True
    return (request.view_args or {}).get("code") == token.event.code


def token_rate_limit() -> str:
    """The limit of one token across the API."""
    return current_app.config["API_TOKEN_RATE_LIMIT"]


def token_key() -> str:
    """The rate-limit key of a bearer request: the token presented (hashed; never stored in clear)."""
    from app.accounts.tokens import digest
    return f"token:{digest(presented_secret() or '')[:24]}"


def _not_bearer() -> bool:
    return not uses_bearer()


@cache
def _per_token_limit():
    """One limit object for the process: Flask-Limiter keeps a blueprint's limits in a set, and
    ``create_app`` may run more than once."""
    from app.extensions import limiter
    return limiter.shared_limit(token_rate_limit, scope="api-token", key_func=token_key, exempt_when=_not_bearer)


def limit_per_token(*blueprints: Blueprint) -> None:
    """One shared budget per token over all the given API blueprints; session requests are not counted."""
    for blueprint in blueprints:
        _per_token_limit()(blueprint)


def register(app: Flask) -> None:
    """Install the token check; it runs before the permission table (``create_app`` orders them)."""
    from app.extensions import login_manager
    login_manager.request_loader(load_user)
    app.before_request(enforce)

"""Around every request: its id, its duration, its metrics and its log line.

The id is the proxy's ``X-Request-Id`` when it looks like one (nginx sets ``$request_id``), else a
new one; it goes back in the response header and on error pages, so a user's report leads to the
log lines of that request.
"""
from __future__ import annotations

import logging
import re
import secrets
import time

from flask import Flask, Response, g, request
from flask_login import AnonymousUserMixin
from sqlalchemy import inspect

from app.operations import metrics
from app.operations.logs import LOGGER, fields

REQUEST_ID_HEADER = "X-Request-Id"
_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Probes and scrapes come every few seconds: counted in the metrics, not logged.
_QUIET_ENDPOINTS = {"operations.healthz", "operations.readyz", "operations.metrics"}
# Kept in the WSGI environ, which belongs to one request (``g`` may outlive it, as in tests).
_ID_KEY, _STARTED_KEY = "jingsai.request_id", "jingsai.request_started"

log = logging.getLogger(f"{LOGGER}.requests")


def request_id() -> str:
    """The current request's id (made at its first use)."""
    if _ID_KEY not in request.environ:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.environ[_ID_KEY] = incoming if _INCOMING_ID.fullmatch(incoming) else secrets.token_hex(16)
    return request.environ[_ID_KEY]


def _start() -> None:
    request.environ[_STARTED_KEY] = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    duration = time.perf_counter() - request.environ.get(_STARTED_KEY, time.perf_counter())
    endpoint = request.endpoint or "unmatched"
    response.headers[REQUEST_ID_HEADER] = request_id()
    metrics.observe_request(endpoint, request.method, response.status_code, duration)
    if endpoint not in _QUIET_ENDPOINTS:
        log.info("request", extra=fields(
            method=request.method, route=request.url_rule.rule if request.url_rule else None,
            endpoint=endpoint,
            status=response.status_code, duration_ms=round(duration * 1000, 1),
            user_id=_user_id()))
    return response


def _user_id() -> str | None:
    """The user this request loaded, if any: reading the session here would add ``Vary: Cookie``
    to public pages, and the cookie's id also carries the session version."""
    user = g.get("_login_user")
    if user is None or isinstance(user, AnonymousUserMixin):  # no attribute read: it could load the row
        return None
    # The identity the session keeps: the end-of-request commit has expired the user, and reading
    # ``user.id`` would cost a query per signed-in request just to log it.
    identity = inspect(user).identity
    return str(identity[0]) if identity else None


def register(app: Flask) -> None:
    """Time, log and number every request: the first hook before and the last one after everything else."""
    # First of the before-request hooks (before CSRF and permissions), so every answer is timed.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    # After-request hooks run last-registered first: registered first, this one sees the final answer.
    app.after_request(_finish)
    app.jinja_env.globals["request_id"] = request_id

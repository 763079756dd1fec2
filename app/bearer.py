"""The bearer header of an API request, read in core: the session loader (app.auth.sessions) and the CSRF
protection (app.extensions) sit below the API and must step aside for it. Who the token is and what it may
do is the API's business (app.api.bearer)."""
from __future__ import annotations

from flask import current_app, request
from flask_wtf.csrf import CSRFProtect

API_PREFIX = "/api/v1/"


def presented_secret() -> str | None:
    """The bearer token of an API request, or ``None``."""
    if not request.path.startswith(API_PREFIX):
        return None
    kind, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if kind.lower() == "bearer" else None


def uses_bearer() -> bool:
    """Whether this request authenticates with a bearer token (and so never with the session)."""
    return presented_secret() is not None


class BearerExemptCSRF(CSRFProtect):
    """Flask-WTF's CSRF protection, except for bearer-authenticated API requests."""

    def protect(self, *args, **kwargs):
        """A bearer request carries no cookie credential a third-party page could make it send. A safe
        method has nothing to check, and is let through before anything else is read."""
        if request.method not in current_app.config["WTF_CSRF_METHODS"] or uses_bearer():
            return None
        return super().protect(*args, **kwargs)

"""Rate limits (``app.extensions.limiter``, Flask-Limiter): who a limit counts, and the limits
the views declare.

Counters live in Redis when ``REDIS_URL`` is set, so every gunicorn worker and every app server
behind the load balancer counts together; in memory otherwise (one process, as in development).

A limit counts per account when someone is logged in, per client address otherwise
(:func:`account_or_address`): a venue's Wi-Fi puts hundreds of people behind one address, and one of
them must not use up everyone's budget. The address is the proxy-reported one only for a proxy
listed in ``TRUSTED_PROXIES`` (:mod:`app.proxies`).

What stays in the database: failed logins per username (``login_attempts``) and self-registration
tries (``self_registration_tries``), which are also the record of who tried what from where.
"""
from __future__ import annotations

from flask import Response, current_app, request
from flask_login import current_user


def client_address() -> str:
    """The client's address as the trusted proxies report it; ``?`` when unknown, so a limit still has a key."""
    return request.remote_addr or "?"


def account_or_address() -> str:
    """The default limit key: the account when signed in, else the address, so people sharing a venue's
    address do not share one budget."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{client_address()}"



def login_failures_per_address() -> str:
    """The failed-login limit per address; a callable, because the view's decorator runs before any settings exist."""
    return current_app.config["LOGIN_FAILURES_PER_ADDRESS"]


def verify_rate_limit() -> str:
    """The certificate-verification limit; a callable, because the view's decorator runs before any settings exist."""
    return current_app.config["VERIFY_RATE_LIMIT"]


def failed_login(response: Response) -> bool:
    """Only a wrong name or password counts against an address, not every visit to the form."""
    return response.status_code == 401

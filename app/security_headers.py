"""Security headers on every response.

The Content-Security-Policy allows scripts and styles from this site's own files only: no inline
``<script>``, ``<style>``, ``style=`` or ``on…=`` in any template (a test reads them all), so an
injected tag that escaped escaping still cannot run. ``<script type="application/json">`` data
blocks are not scripts and stay (the tablet page's configuration). No page may be framed
(clickjacking a judge's sign-off), and pages link out without their address (a verification URL
is a certificate's token).

HSTS is sent on HTTPS responses only when ``HSTS`` is configured (production); behind a proxy, the
request counts as HTTPS when a trusted proxy says so (:mod:`app.proxies`).
"""
from __future__ import annotations

from flask import Flask, Response, current_app, request

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    """Add the policy headers to a response, and HSTS only on HTTPS when configured (production)."""
    response.headers.update(HEADERS)
    hsts = current_app.config.get("HSTS")
    if hsts and request.is_secure:
        response.headers["Strict-Transport-Security"] = hsts
    return response


def register(app: Flask) -> None:
    """Send the security headers on every response of the app."""
    app.after_request(add_security_headers)

"""Flask's signed-cookie session, opened for free when the request carries no session cookie.

Flask builds its signing serializer (a key derivation and an HMAC set-up) on every request before
it looks for the cookie. Most results-day requests (public pages, their 304s, verification scans,
the tablets' bearer API) carry none, and for them that set-up was a tenth of the request.
"""
from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class LazyCookieSessionInterface(SecureCookieSessionInterface):
    """Without a session cookie there is nothing to verify: the session starts empty (as Flask's
    own would), and the serializer is only built to read or write a cookie."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """An empty session for a request without the cookie; Flask's own reading otherwise."""
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

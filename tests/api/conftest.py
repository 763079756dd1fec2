"""The suite keeps one app context open across requests, so ``g`` outlives a request here; a server
starts each request with an empty ``g``: so do these tests (the user and token loaded per request)."""
from __future__ import annotations

import pytest
from flask import g


def _forget_request_user() -> None:
    g.pop("_login_user", None)
    g.pop("api_token", None)


@pytest.fixture(autouse=True)
def _user_loaded_per_request(app):
    hooks = app.before_request_funcs.setdefault(None, [])
    if _forget_request_user not in hooks:
        hooks.insert(0, _forget_request_user)

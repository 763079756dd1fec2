"""The permission table: every view declares who may call it, and one hook enforces it.

``@allow(Role.ORGANIZER, ...)``, ``@allow_authenticated`` or ``@allow_public`` attaches an
:class:`Access` to the view function. :func:`enforce` runs before every request and refuses any
endpoint without one (deny by default), so a new route cannot be reachable by accident; the test
suite walks ``app.url_map`` and fails on a route missing from the table. Ownership (a unit's
tree, a judge's skills) is checked on top of this, in the views, with :mod:`app.auth.scope`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, abort, current_app, jsonify, redirect, request, url_for
from flask_login import current_user

from app.auth.models import Role

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Access:
    public: bool
    roles: frozenset[Role]

    def admits(self, role: Role | None) -> bool:
        return self.public or (role is not None and role in self.roles)


def _attach(access: Access) -> Callable:
    def decorate(view: Callable) -> Callable:
        view.access = access  # type: ignore[attr-defined]
        return view
    return decorate


def allow(*roles: Role) -> Callable:
    """Declare the roles that may call a view; the permission hook refuses everyone else (deny by default)."""
    if not roles:
        raise ValueError("allow() needs at least one role; use allow_authenticated for any")
    return _attach(Access(public=False, roles=frozenset(roles)))


allow_authenticated = _attach(Access(public=False, roles=ALL_ROLES))
allow_public = _attach(Access(public=True, roles=ALL_ROLES))

# Flask's own endpoint for files under app/static.
_BUILTIN = {"static": Access(public=True, roles=ALL_ROLES)}


def access_of(app: Flask, endpoint: str) -> Access | None:
    """The access a route's endpoint declared, ``None`` when it declared none (and is then refused)."""
    if endpoint in _BUILTIN:
        return _BUILTIN[endpoint]
    return getattr(app.view_functions.get(endpoint), "access", None)


def permission_table(app: Flask) -> dict[str, Access | None]:
    """Every endpoint of the app with its declared access, so a test can fail on a route that declares none."""
    return {rule.endpoint: access_of(app, rule.endpoint) for rule in app.url_map.iter_rules()}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def enforce():
    """before_request: 401/redirect for anonymous users, 403 for the wrong role."""
    if request.endpoint is None:
        return None  # no route: Flask answers 404
    access = access_of(current_app, request.endpoint)
    if access is None:
        current_app.logger.error("route %s has no entry in the permission table", request.endpoint)
        abort(403)
    if access.public:
        return None
    if not current_user.is_authenticated:
        if _wants_json():
            return jsonify(error="login required"), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not access.admits(current_user.role):
        abort(403)
    return None

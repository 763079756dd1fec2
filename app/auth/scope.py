"""Ownership checks: the unit tree a user may act for (the events they organize: app.events.scope).

Organizer, unit_admin and arbiter accounts act for their unit *and everything below it*; admin
acts everywhere. Trees are read by :func:`app.units.services.subtree_ids`.
"""
from __future__ import annotations

from flask import abort

from app.auth.models import Role, User
from app.units.models import Unit
from app.units.services import subtree_ids


def manageable_unit_ids(user: User) -> set[int] | None:
    """``None`` means every unit (admin)."""
    if user.role == Role.ADMIN:
        return None
    if user.unit_id is None:
        return set()
    return subtree_ids(user.unit_id)


def can_manage_unit(user: User, unit: Unit) -> bool:
    """Whether the unit is in the user's reach: their tree, or every unit for an admin."""
    ids = manageable_unit_ids(user)
    return ids is None or unit.id in ids


def require(condition: bool) -> None:
    """404 rather than 403 for objects outside a user's reach: it does not confirm they exist."""
    if not condition:
        abort(404)

"""Ownership checks: the unit tree a user may act for, and the events they organize.

Organizer, unit_admin and arbiter accounts act for their unit *and everything below it*; admin
acts everywhere. Trees are read with a recursive CTE, which both SQLite and PostgreSQL run.
"""
from __future__ import annotations

from flask import abort
from sqlalchemy import select

from app.auth.models import Role, User
from app.events.models import Event, Registration, Unit
from app.extensions import db


def subtree_ids(unit_id: int) -> set[int]:
    """The unit and all its descendants."""
    tree = select(Unit.id).where(Unit.id == unit_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return set(db.session.scalars(select(tree.c.id)))


def manageable_unit_ids(user: User) -> set[int] | None:
    """``None`` means every unit (admin)."""
    if user.role == Role.ADMIN:
        return None
    if user.unit_id is None:
        return set()
    return subtree_ids(user.unit_id)


def can_manage_unit(user: User, unit: Unit) -> bool:
    ids = manageable_unit_ids(user)
    return ids is None or unit.id in ids


def can_organize(user: User, event: Event) -> bool:
    """Admins, and organizers whose tree holds one of the event's organizing units."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.ORGANIZER:
        return False
    ids = manageable_unit_ids(user) or set()
    return any(link.unit_id in ids for link in event.organizer_links)


def can_arbitrate(user: User, event: Event) -> bool:
    """Admins, and arbiters (仲裁) whose tree holds one of the event's organizing units: the
    arbitration committee is the organizers' (results.md "Publication")."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.ARBITER:
        return False
    ids = manageable_unit_ids(user) or set()
    return any(link.unit_id in ids for link in event.organizer_links)


def can_appeal_for(user: User, registration: Registration) -> bool:
    """Appeals are filed by the contestant's unit: its unit admins (a parent unit's too) and admins."""
    if user.role not in (Role.ADMIN, Role.UNIT_ADMIN):
        return False
    ids = manageable_unit_ids(user)
    return ids is None or registration.unit_id in ids


def require(condition: bool) -> None:
    """404 rather than 403 for objects outside a user's reach: it does not confirm they exist."""
    if not condition:
        abort(404)

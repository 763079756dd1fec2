"""Ownership checks on events: who organizes an event, arbitrates it, or appeals for an entry.

They build on the unit tree a user acts for (:mod:`app.auth.scope`), one layer down.
"""
from __future__ import annotations

from app.auth.models import Role, User
from app.auth.scope import manageable_unit_ids
from app.events.models import Event, Registration


def can_organize(user: User, event: Event) -> bool:
    """Admins, and organizers whose tree holds one of the event's organizing units."""
    return _admin_or_organizing_unit_member(user, event, Role.ORGANIZER)


def can_arbitrate(user: User, event: Event) -> bool:
    """Admins, and arbiters (仲裁) whose tree holds one of the event's organizing units: the
    arbitration committee is the organizers' (results.md "Publication")."""
    return _admin_or_organizing_unit_member(user, event, Role.ARBITER)


def _admin_or_organizing_unit_member(user: User, event: Event, role: Role) -> bool:
    """Organizers and arbiters act for an event the same way: by their role, in a tree holding one of its
    organizing units."""
    if user.role == Role.ADMIN:
        return True
    if user.role != role:
        return False
    ids = manageable_unit_ids(user) or set()
    return any(link.unit_id in ids for link in event.organizer_links)


def can_appeal_for(user: User, registration: Registration) -> bool:
    """Appeals are filed by the contestant's unit: its unit admins (a parent unit's too) and admins."""
    if user.role not in (Role.ADMIN, Role.UNIT_ADMIN):
        return False
    ids = manageable_unit_ids(user)
    return ids is None or registration.unit_id in ids

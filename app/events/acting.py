"""How a user registers for one event: with the organizer's powers, or for their own unit tree.

One answer for the registration pages and the integration API, so a token can never register where
the web form would not let its user: the event's organizers (and admins) register for any unit,
approved at once and also outside the window; a unit administrator registers for the units of their
tree, as ``submitted`` and within the window; anyone else is answered 404 (the event's registration
is out of their reach, which does not confirm anything about it).
"""
from __future__ import annotations

from dataclasses import dataclass

from app.auth.models import Role, User
from app.auth.scope import manageable_unit_ids, require
from app.events.models import Event
from app.events.scope import can_organize


@dataclass(frozen=True)
class Acting:
    """How the current user registers for one event."""

    organizer: bool
    unit_ids: set[int] | None  # None: any unit


def acting_for(user: User, event: Event) -> Acting:
    """The user's powers for registering into ``event``; 404 when they have none."""
    if can_organize(user, event):
        return Acting(organizer=True, unit_ids=None)
    require(user.role == Role.UNIT_ADMIN)
    return Acting(organizer=False, unit_ids=manageable_unit_ids(user) or set())

"""The event an organizer acts on: one loader for every organizer page."""
from __future__ import annotations

from flask_login import current_user

from app.auth.scope import require
from app.events.models import Event
from app.events.scope import can_organize
from app.events.services import event_by_code


def organized_event(code: str) -> Event:
    """The event ``code`` when the current user organizes it (or is an admin); 404 otherwise, for
    an unknown event and another organizer's alike, so a page does not confirm an event exists
    (design.md "Authorization")."""
    event = event_by_code(code)
    require(event is not None and can_organize(current_user, event))
    return event

"""Why an entry approved now comes late for marking: the draw was made without it, or a criterion
was locked without its marks. Registration asks through ``late_entry_checks`` before the organizer
approves on the web, so the organizer confirms knowing what follows (a late draw on the draw page,
the criterion unlocked to mark the newcomer)."""
from __future__ import annotations

from sqlalchemy import select

from app.events.models import Skill
from app.extensions import db
from app.marking.draw import draw_of
from app.marking.models import SchemeCriterion
from app.messages import Message, msg


def reasons(event_id: int, skill_id: int, **_: object) -> list[Message]:
    """Why an entry approved now is late for marking (drawn already, criteria locked), for the organizer to
    confirm before approving; answers ``late_entry_checks``."""
    skill = db.session.get(Skill, skill_id)
    if skill is None:
        return []
    found = []
    if draw_of(skill) is not None:
        found.append(msg("%(skill)s was drawn already: the new entry needs a late draw on the draw page",
                         skill=skill.code))
    locked = db.session.scalars(select(SchemeCriterion.code).where(
        SchemeCriterion.skill_id == skill.id, SchemeCriterion.locked_at.is_not(None))
        .order_by(SchemeCriterion.position)).all()
    if locked:
        found.append(msg("%(skill)s has locked criteria (%(codes)s) without the new entry's marks: they must "
                         "be unlocked to mark it", skill=skill.code, codes=", ".join(locked)))
    return found


def connect() -> None:
    """Let registration ask marking about late entries without importing it."""
    from app.signals import late_entry_checks
    late_entry_checks.connect(reasons)

"""The draw (抽签) of a skill: each competitor's workstation (工位) and secret number (加密号).

When the event marks blind, judges know competitors only by their secret numbers; the server
keeps the link to the real registration and still enforces conflicts of interest with it.
"""
from __future__ import annotations

from sqlalchemy import select

from app.events.models import Skill
from app.extensions import db
from app.marking.models import Draw, DrawEntry


def secret_numbers(skill: Skill) -> dict[int, str]:
    """Competitor (lead registration) id → secret number, for the competitors drawn so far."""
    return dict(db.session.execute(
        select(DrawEntry.competitor_id, DrawEntry.secret_no).join(Draw).where(Draw.skill_id == skill.id)).all())

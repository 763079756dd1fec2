"""Penalties (违纪/安全扣分): deductions from a competitor's total, entered by the chief expert.

A penalty is never deleted: it is withdrawn with a reason, so the record of what was deducted and
why survives. Both are audited and announced with ``penalty_changed`` for the results to rebuild.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app import audit, clock
from app.errors import DomainError
from app.events.models import Skill
from app.extensions import db
from app.marking.competitors import Competitor
from app.marking.models import Penalty
from app.messages import msg
from app.signals import penalty_changed

MAX_PENALTY = Decimal("100.00")


def active_penalties(skill: Skill) -> list[Penalty]:
    """The skill's penalties not withdrawn, in the order they were recorded: those that count in the totals."""
    return db.session.scalars(select(Penalty).where(Penalty.skill_id == skill.id, Penalty.withdrawn_at.is_(None))
                              .order_by(Penalty.recorded_at, Penalty.id)).all()


def add_penalty(skill: Skill, competitor: Competitor, points: Decimal, reason: str) -> Penalty:
    """Deduct points (0 < points ≤ 100, two decimals) from a competitor with a reason; audited and announced
    so the results rebuild."""
    if not (Decimal(0) < points <= MAX_PENALTY) or points != points.quantize(Decimal("0.01")):
        raise DomainError(msg("a penalty is more than 0 and at most 100 points, with at most 2 decimals"))
    if not reason.strip():
        raise DomainError(msg("a penalty needs a reason"))
    penalty = Penalty(skill_id=skill.id, competitor_id=competitor.id, points=points, reason=reason.strip()[:500],
                      recorded_by=audit.current_actor(), recorded_at=clock.now())
    db.session.add(penalty)
    db.session.flush()
    audit.record("penalty.add", "penalty", penalty.id, event_id=skill.event_id,
                 after={"skill": skill.code, "contestant_no": competitor.lead.contestant_no,
                        "points": points, "reason": penalty.reason})
    penalty_changed.send(skill.event_id, skill_id=skill.id, competitor_id=competitor.id)
    return penalty


def withdraw_penalty(penalty: Penalty, reason: str) -> None:
    """Withdraw a penalty with a reason instead of deleting it, so what was deducted and why survives; audited."""
    if penalty.withdrawn_at is not None:
        raise DomainError(msg("this penalty was already withdrawn"))
    if not reason.strip():
        raise DomainError(msg("withdrawing a penalty needs a reason"))
    penalty.withdrawn_at, penalty.withdrawn_reason = clock.now(), reason.strip()[:500]
    skill = db.session.get(Skill, penalty.skill_id)
    audit.record("penalty.withdraw", "penalty", penalty.id, event_id=skill.event_id,
                 before={"points": penalty.points, "reason": penalty.reason, "withdrawn": False},
                 after={"withdrawn": True}, note=penalty.withdrawn_reason)
    db.session.flush()
    penalty_changed.send(skill.event_id, skill_id=skill.id, competitor_id=penalty.competitor_id)

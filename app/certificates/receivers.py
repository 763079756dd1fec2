"""How certificates follow earlier features' signals (design.md: connected in ``create_app``).

- ``result_amended`` (results): the amended competitors' certificates whose content changed are
  revoked with the amendment's reason and reissued under new numbers where still due
  (:func:`issuing.reconcile_amended`).
- ``promotion_approved`` (promotion): the new skill-level record gets its ``level`` certificate.
  The skill is the event's skill of the person's registration whose occupation is the record's, so
  this module needs nothing from ``app.promotion`` (dependencies point one way).
- ``promotion_revoked``: the level certificate with the record's number is revoked.
"""
from __future__ import annotations

from sqlalchemy import select

from app.certificates import issuing
from app.events.models import Event, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.people.models import SkillLevelRecord


def _on_result_amended(event_id: int, skill_id: int, reason: str, competitor_ids: list[int] | None = None,
                       **_: object) -> None:
    event, skill = db.session.get(Event, event_id), db.session.get(Skill, skill_id)
    if event is not None and skill is not None and competitor_ids:
        issuing.reconcile_amended(event, skill, competitor_ids, reason)


def _on_promotion_approved(event_id: int, record_id: int, **_: object) -> None:
    event, record = db.session.get(Event, event_id), db.session.get(SkillLevelRecord, record_id)
    if event is None or record is None:
        return
    registration = db.session.scalar(
        select(Registration).join(Skill, Registration.skill_id == Skill.id)
        .where(Registration.event_id == event.id, Registration.person_id == record.person_id,
               Registration.status == RegistrationStatus.APPROVED,
               Skill.occupation_code == record.occupation_code).order_by(Registration.id))
    issuing.issue_level_certificate(record, event, registration.skill if registration else None, registration)


def _on_promotion_revoked(event_id: int, reason: str, certificate_no: str | None = None, **_: object) -> None:
    """The level certificate goes with the promotion's reason (an amendment's, when one caused it)."""
    issuing.revoke_level_certificates(certificate_no, reason)


def connect() -> None:
    """Keep certificates in step with results and promotions: an amended result re-issues, an approved promotion
    issues a level certificate and a revoked one revokes it."""
    from app import signals
    signals.result_amended.connect(_on_result_amended)
    signals.promotion_approved.connect(_on_promotion_approved)
    signals.promotion_revoked.connect(_on_promotion_revoked)

"""A promotion proposal: what the engine (:func:`scoring.promotion.propose`) says for one approved
registration of an event under the event's rule set, and what the organizer decided about it.

One row per registration (a team's members each have their own). A recomputation rewrites the
``proposed`` rows and leaves ``approved`` and ``rejected`` ones as they were (frozen); only an
amended final result reopens an approved one (:mod:`app.promotion.services`). ``reason`` is the
engine's :class:`~scoring.marks.Finding` stored as ``{"template", "params"}`` with nested Findings
stored the same way, so the web shows it in the reader's language and the command line in English.
``titles`` lists the honours proposed along (全国技术能手 …): ``[{"title", "rule", "reason"}]``.

``level_record_id`` points at the :class:`~app.people.models.SkillLevelRecord` an approval created;
a revocation deletes that record (the audit log keeps it) and sets the pointer back to null, and
``revoked_at``/``revoked_reason`` keep the last revocation visible on the page.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.db import Moment, enum_column
from app.events.models import Event, Registration, Skill
from app.extensions import db
from app.messages import Message
from app.people.models import Person, SkillLevelRecord


class ProposalStatus(enum.StrEnum):
    PROPOSED = "proposed"      # computed, not decided: a recomputation rewrites it
    APPROVED = "approved"      # frozen; holds a skill-level record when it granted a level
    REJECTED = "rejected"      # frozen, with the organizer's reason


class PromotionProposal(db.Model):
    __tablename__ = "promotion_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    rule_set: Mapped[str] = mapped_column(String(64))
    rule_set_version: Mapped[int] = mapped_column(Integer)
    current_level: Mapped[str | None] = mapped_column(String(16))
    proposed_level: Mapped[str | None] = mapped_column(String(16))
    rule: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[dict[str, Any]] = mapped_column(JSON)
    titles: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[ProposalStatus] = mapped_column(enum_column(ProposalStatus), default=ProposalStatus.PROPOSED)
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(Moment)
    level_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("skill_level_records.id", ondelete="SET NULL"))
    computed_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column(Moment)
    revoked_reason: Mapped[str | None] = mapped_column(String(500))

    event: Mapped[Event] = relationship()
    skill: Mapped[Skill] = relationship()
    registration: Mapped[Registration] = relationship()
    person: Mapped[Person] = relationship()
    level_record: Mapped[SkillLevelRecord | None] = relationship()

    @property
    def message(self) -> Message:
        """The reason as a message the web translates (``translated(proposal.message)``)."""
        return message_of(self.reason)

    @property
    def title_messages(self) -> list[tuple[str, Message]]:
        return [(t["title"], message_of(t["reason"])) for t in self.titles or []]

    @property
    def decided(self) -> bool:
        return self.status != ProposalStatus.PROPOSED


def message_of(stored: dict[str, Any]) -> Message:
    """A stored reason (``{"template", "params"}``, values possibly stored reasons themselves)."""
    params = {k: message_of(v) if isinstance(v, dict) and "template" in v else v
              for k, v in (stored.get("params") or {}).items()}
    return Message(stored["template"], **params)

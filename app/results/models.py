"""Derived standings per skill, their publication state, completion times, appeals and bib lookups.

:class:`SkillResults` is one row per skill that has a marking scheme: its publication state and a
``version`` that grows with every rebuild and every publication step, so a page or a cache keyed
by it sees a change at once. :class:`Standing` is one row per competitor (a team's lead
registration), written only by :func:`app.results.standings.rebuild` — pages read it, never
recompute it. The WorldSkills scale is kept unrounded as text (28 significant digits do not fit
an integer column) next to the shown whole number.
"""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.db import Hundredths, Moment, enum_column
from app.events.models import Attendance, Registration, Skill
from app.extensions import db
from app.messages import Message


class Publication(enum.StrEnum):
    PRIVATE = "private"
    PROVISIONAL = "provisional"
    FINAL = "final"


class SkillResults(db.Model):
    __tablename__ = "skill_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    rebuilt_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)
    # Why the standings cannot be published yet (unlocked criteria, missing component scores …),
    # stored as message templates with their values so every reader sees them in their language.
    incomplete: Mapped[list[dict]] = mapped_column(JSON, default=list)
    locked_criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    criterion_max: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Per criterion, the median over the competed lines (2-decimal strings), kept at each rebuild so
    # a contestant's page reads this row and their own line, not the whole skill.
    criterion_medians: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    competed: Mapped[int] = mapped_column(Integer, default=0)
    standardized: Mapped[bool] = mapped_column(Boolean, default=False)
    median: Mapped[Decimal | None] = mapped_column(Hundredths)
    scale_basis: Mapped[str | None] = mapped_column(String(20))
    publication: Mapped[Publication] = mapped_column(enum_column(Publication), default=Publication.PRIVATE)
    provisional_at: Mapped[datetime | None] = mapped_column(Moment)
    appeals_close_at: Mapped[datetime | None] = mapped_column(Moment)
    final_at: Mapped[datetime | None] = mapped_column(Moment)

    skill: Mapped[Skill] = relationship()

    @property
    def reasons(self) -> list[Message]:
        return [Message(r["template"], **r["params"]) for r in self.incomplete]

    @property
    def complete(self) -> bool:
        return not self.incomplete

    @property
    def published(self) -> bool:
        return self.publication != Publication.PRIVATE

    @property
    def final(self) -> bool:
        return self.publication == Publication.FINAL


class Standing(db.Model):
    """One competitor's line in a skill's standings (``rank``, ``award``, ``scale`` null when not
    competed). Marks are decimals with 2 places; ``criteria``/``sub_criteria``/``components`` map
    codes to 2-decimal strings, ``penalties`` is ``[{"amount", "reason"}]``."""

    __tablename__ = "standings"
    __table_args__ = (Index("ix_standings_skill_position", "skill_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"))
    competitor_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[Attendance] = mapped_column(enum_column(Attendance))
    raw_total: Mapped[Decimal | None] = mapped_column(Hundredths)
    marks_total: Mapped[Decimal | None] = mapped_column(Hundredths)
    criteria: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    sub_criteria: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    components: Mapped[dict[str, str] | None] = mapped_column(JSON)
    penalties: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    scale_exact: Mapped[str | None] = mapped_column(String(40))
    scale: Mapped[int | None] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer)
    award: Mapped[str | None] = mapped_column(String(20))
    skipped_tie_breakers: Mapped[list[str]] = mapped_column(JSON, default=list)
    technical_expert_proposed: Mapped[bool] = mapped_column(Boolean, default=False)

    competitor: Mapped[Registration] = relationship()

    @property
    def criterion_marks(self) -> dict[str, Decimal]:
        """``criteria`` as values (the JSON keeps the 2-decimal strings the exports show)."""
        return {code: Decimal(mark) for code, mark in self.criteria.items()}

    @property
    def scale_unrounded(self) -> Decimal | None:
        return None if self.scale_exact is None else Decimal(self.scale_exact)


class CompletionTime(db.Model):
    """``import timings``: how long a competitor took, for the ``completion_time`` tie-breaker."""

    __tablename__ = "completion_times"

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    seconds: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)


class AppealStatus(enum.StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class Appeal(db.Model):
    """An appeal (申诉) against one criterion of one competitor's provisional result, filed by the
    competitor's unit and decided by the event's arbiter (仲裁)."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(2000))
    filed_by: Mapped[str] = mapped_column(String(120))
    filed_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)
    status: Mapped[AppealStatus] = mapped_column(enum_column(AppealStatus), default=AppealStatus.PENDING)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(Moment)
    decision: Mapped[str | None] = mapped_column(String(2000))

    skill: Mapped[Skill] = relationship()
    competitor: Mapped[Registration] = relationship()


class BibLookup(db.Model):
    """One try to open a contestant's result with bib + ID digits; counted per bib per hour in the
    database so every gunicorn worker sees the same count."""

    __tablename__ = "bib_lookups"
    __table_args__ = (Index("ix_bib_lookups_event_bib_at", "event_id", "contestant_no", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    contestant_no: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(Moment, default=clock.now)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)

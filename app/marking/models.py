"""A skill's marking scheme, its marks, sign-offs and locks, penalties and component scores.

The scheme is stored as rows (criterion → sub-criterion → aspect) so that every mark points at its
aspect with a foreign key; :mod:`app.marking.schemes` converts it to and from the pure
:class:`scoring.marks.Scheme`.

A mark belongs to a *competitor*: the registration itself in an individual skill, the team's
first member (lowest bib) in a team skill (:func:`app.marking.competitors.competitor_of`).
Measurement marks are one per aspect and competitor; judgement scores one per aspect, competitor
and judge — two partial unique indexes that both databases enforce, so a race cannot store twins.
"""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.db import Hundredths, Moment, enum_column
from app.events.models import Registration, Skill
from app.extensions import db

if TYPE_CHECKING:
    from app.auth.models import User


class SchemeSource(db.Model):
    """Where a skill's scheme came from; a CIS sheet's title and row layout let the export match it."""

    __tablename__ = "scheme_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    cis_title: Mapped[str | None] = mapped_column(String(300))
    cis_layout: Mapped[dict | None] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)
    imported_by: Mapped[str] = mapped_column(String(120))


class SchemeSection(db.Model):
    """A Standards Specification section (WSSS/WSOS) with its weight in percent."""

    __tablename__ = "scheme_sections"
    __table_args__ = (UniqueConstraint("skill_id", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    weight: Mapped[Decimal] = mapped_column(Hundredths)


class SchemeCriterion(db.Model):
    """A criterion (module) and its sign-off state: locked marks cannot change."""

    __tablename__ = "scheme_criteria"
    __table_args__ = (UniqueConstraint("skill_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    stated_total: Mapped[Decimal | None] = mapped_column(Hundredths)
    locked_at: Mapped[datetime | None] = mapped_column(Moment)
    locked_by: Mapped[str | None] = mapped_column(String(120))

    skill: Mapped[Skill] = relationship()
    sub_criteria: Mapped[list[SchemeSubCriterion]] = relationship(
        back_populates="criterion", order_by="SchemeSubCriterion.position", cascade="all, delete-orphan")

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class SchemeSubCriterion(db.Model):
    __tablename__ = "scheme_sub_criteria"
    __table_args__ = (UniqueConstraint("criterion_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("scheme_criteria.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    day: Mapped[int | None] = mapped_column(Integer)

    criterion: Mapped[SchemeCriterion] = relationship(back_populates="sub_criteria")
    aspects: Mapped[list[SchemeAspect]] = relationship(
        back_populates="sub_criterion", order_by="SchemeAspect.position", cascade="all, delete-orphan")


class SchemeAspect(db.Model):
    """One marked line; ``skill_id`` is repeated here so aspect ids are unique per skill."""

    __tablename__ = "scheme_aspects"
    __table_args__ = (UniqueConstraint("skill_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    sub_criterion_id: Mapped[int] = mapped_column(
        ForeignKey("scheme_sub_criteria.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(1))
    description: Mapped[str] = mapped_column(Text)
    max_mark: Mapped[Decimal] = mapped_column(Hundredths)
    section: Mapped[str] = mapped_column(String(20))
    calculation: Mapped[str] = mapped_column(String(20), default="full_or_zero")
    bands: Mapped[list | None] = mapped_column(JSON)
    deduct: Mapped[Decimal | None] = mapped_column(Hundredths)
    descriptors: Mapped[list | None] = mapped_column(JSON)
    requirement: Mapped[str] = mapped_column(Text, default="")
    extra: Mapped[str] = mapped_column(Text, default="")

    sub_criterion: Mapped[SchemeSubCriterion] = relationship(back_populates="aspects")

    @property
    def criterion(self) -> SchemeCriterion:
        return self.sub_criterion.criterion


class MarkSource(enum.StrEnum):
    PAPER = "paper"
    TABLET = "tablet"


class Mark(db.Model):
    """A measurement mark (``judge_id`` empty or the entering judge) or one judge's judgement score.

    ``value`` is the mark for M and the score 0–3 for J. ``version`` grows with every overwrite,
    so a tablet that edits from a stale version is told of the conflict; ``client_uuid`` makes a
    replayed tablet write land once.
    """

    __tablename__ = "marks"
    __table_args__ = (
        Index("uq_marks_measurement", "aspect_id", "competitor_id", unique=True,
              sqlite_where=text("kind = 'M'"), postgresql_where=text("kind = 'M'")),
        Index("uq_marks_judgement", "aspect_id", "competitor_id", "judge_id", unique=True,
              sqlite_where=text("kind = 'J'"), postgresql_where=text("kind = 'J'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    aspect_id: Mapped[int] = mapped_column(ForeignKey("scheme_aspects.id", ondelete="CASCADE"), index=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(1))
    judge_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    value: Mapped[Decimal] = mapped_column(Hundredths)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[MarkSource] = mapped_column(enum_column(MarkSource))
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    device: Mapped[str | None] = mapped_column(String(120))
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)

    aspect: Mapped[SchemeAspect] = relationship()
    competitor: Mapped[Registration] = relationship()
    judge: Mapped[User | None] = relationship()

    # Every UPDATE is conditional on the version read and raises it: no lost update between a
    # tablet and the paper path, on either database.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (read once by the mapper)


class CriterionSignoff(db.Model):
    """A judge's signature under a criterion's marks; cleared when the criterion is unlocked."""

    __tablename__ = "criterion_signoffs"
    __table_args__ = (UniqueConstraint("criterion_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("scheme_criteria.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)

    user: Mapped[User] = relationship()


class CriterionReopening(db.Model):
    """A locked criterion opened again for one competitor (an upheld appeal, an amendment): only
    that competitor's marks in it may change until it is closed, when it counts as locked again."""

    __tablename__ = "criterion_reopenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("scheme_criteria.id", ondelete="CASCADE"), index=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(2000))
    opened_by: Mapped[str] = mapped_column(String(120))
    opened_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)
    closed_by: Mapped[str | None] = mapped_column(String(120))
    closed_at: Mapped[datetime | None] = mapped_column(Moment)

    criterion: Mapped[SchemeCriterion] = relationship()
    competitor: Mapped[Registration] = relationship()


class MarkingTeamMember(db.Model):
    """A judge on a criterion's marking team; a criterion without any is open to the whole panel."""

    __tablename__ = "marking_team_members"
    __table_args__ = (UniqueConstraint("criterion_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("scheme_criteria.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship()


class Penalty(db.Model):
    """A deduction from a competitor's total (违纪/安全扣分), with its reason."""

    __tablename__ = "penalties"

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    points: Mapped[Decimal] = mapped_column(Hundredths)
    reason: Mapped[str] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)
    withdrawn_at: Mapped[datetime | None] = mapped_column(Moment)
    withdrawn_reason: Mapped[str | None] = mapped_column(String(500))

    competitor: Mapped[Registration] = relationship()


class ComponentScore(db.Model):
    """A score out of 100 for a skill component other than the practical one (e.g. theory)."""

    __tablename__ = "component_scores"
    __table_args__ = (UniqueConstraint("competitor_id", "component"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    component: Mapped[str] = mapped_column(String(40))
    score: Mapped[Decimal] = mapped_column(Hundredths)
    recorded_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)


class Draw(db.Model):
    """A skill's recorded draw (抽签): who drew, when, and the seed that reproduces it from the
    competitors' order, so the draw can be checked afterwards (:mod:`app.marking.draw`)."""

    __tablename__ = "draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), unique=True)
    seed: Mapped[str] = mapped_column(String(64))
    drawn_by: Mapped[str] = mapped_column(String(120))
    drawn_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)

    entries: Mapped[list[DrawEntry]] = relationship(
        back_populates="draw", order_by="DrawEntry.workstation", cascade="all, delete-orphan")


class DrawEntry(db.Model):
    """A competitor's workstation (工位) and secret number (加密号); judges see only the latter
    when the event marks blind."""

    __tablename__ = "draw_entries"
    __table_args__ = (UniqueConstraint("draw_id", "workstation"), UniqueConstraint("draw_id", "secret_no"))

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id", ondelete="CASCADE"), index=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    workstation: Mapped[str] = mapped_column(String(20))
    secret_no: Mapped[str] = mapped_column(String(20))

    draw: Mapped[Draw] = relationship(back_populates="entries")
    competitor: Mapped[Registration] = relationship()


class TabletWrite(db.Model):
    """The sync ledger: one row per tablet write that reached the server, keyed by the client-made
    UUID. A replay finds its row and gets the stored outcome back; the unique key makes two racing
    replays of one UUID store once (the loser answers ``replayed``)."""

    __tablename__ = "tablet_writes"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    mark_id: Mapped[int] = mapped_column(ForeignKey("marks.id", ondelete="CASCADE"), index=True)
    value: Mapped[Decimal] = mapped_column(Hundredths)
    version: Mapped[int] = mapped_column(Integer)
    device: Mapped[str | None] = mapped_column(String(120))
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)

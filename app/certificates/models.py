"""Certificates, their per-issuer number sequences, and bulk rendering jobs.

A :class:`Certificate` row is what the verification page shows: ``content`` holds the ten fields of
the canonical content exactly as signed (``issue_date`` as ISO text), so the digest in a token is
checked against the stored bytes and never against values recomputed from today's data. The
columns beside it (kind, holder, contestant_no, award_or_level …) repeat what pages and the manifest
list and filter by.

Numbers are unique per issuer (``uq_certificates_issuer_id_number``) and never reused: a
:class:`CertificateSequence` row per issuer and number prefix (``JX-HRSS2026A``: template, year and
kind letter or level digit) holds the last sequence handed out; a revoked certificate keeps its
number for good. One sequence per prefix (rather than one per issuer) because certificates.md's
templates put the year and the kind in the number: each prefix starts at 000001, and two prefixes
can never produce the same number.

A :class:`CertificateJob` is a bulk rendering of an event's (or a skill's) certificates into a
directory, with its progress (done/total) and state stored so a page can poll it and a failed or
interrupted job can be resumed.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.db import Moment, enum_column
from app.events.models import Event, Skill
from app.extensions import db
from app.units.models import Unit


class CertificateKind(enum.StrEnum):
    AWARD = "award"
    PARTICIPATION = "participation"
    LEVEL = "level"
    EXPERT = "expert"


class CertificateStatus(enum.StrEnum):
    ISSUED = "issued"
    REVOKED = "revoked"


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("issuer_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    number: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[CertificateKind] = mapped_column(enum_column(CertificateKind))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"))
    # The holder: a registration (award, participation), a user (expert) or a level record (level).
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"),
                                                        index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    level_record_id: Mapped[int | None] = mapped_column(ForeignKey("skill_level_records.id",
                                                                   ondelete="SET NULL"))
    contestant_no: Mapped[str | None] = mapped_column(String(40))
    holder: Mapped[str] = mapped_column(String(100))
    id_masked: Mapped[str | None] = mapped_column(String(40))
    award_or_level: Mapped[str | None] = mapped_column(String(40))
    occupation: Mapped[str | None] = mapped_column(String(100))
    issue_date: Mapped[date] = mapped_column(Date)
    # The canonical content's ten fields as signed; see the module docstring.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[CertificateStatus] = mapped_column(enum_column(CertificateStatus),
                                                      default=CertificateStatus.ISSUED)
    issued_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column(Moment)
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    issuer: Mapped[Unit] = relationship()
    event: Mapped[Event] = relationship()
    skill: Mapped[Skill | None] = relationship()
    replaced_by: Mapped[Certificate | None] = relationship(remote_side=[id])

    @property
    def revoked(self) -> bool:
        return self.status == CertificateStatus.REVOKED

    @property
    def file_name(self) -> str:
        return f"{self.number}.pdf"


class CertificateSequence(db.Model):
    """The last sequence number handed out for one issuer and number prefix."""

    __tablename__ = "certificate_sequences"
    __table_args__ = (UniqueConstraint("issuer_id", "prefix"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    prefix: Mapped[str] = mapped_column(String(40))
    last: Mapped[int] = mapped_column(Integer, default=0)


class CertificateJob(db.Model):
    __tablename__ = "certificate_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"))
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[JobState] = mapped_column(enum_column(JobState), default=JobState.QUEUED)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(2000))
    output_path: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(Moment)
    # Set when a worker claims the job and at each progress commit: a stale one means a dead worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(Moment)

    event: Mapped[Event] = relationship()
    skill: Mapped[Skill | None] = relationship()

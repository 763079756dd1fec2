"""Events by tier, their skills, registrations and skill panels.

Decimal settings (tolerances, windows) are :class:`~app.db.Hundredths`; lists and the awards
setting (a code or an inline table) are JSON. JSON has no decimal type, so a JSON column that holds
numbers is private (``*_json``, decimals as 2-decimal strings) and read and written through one typed
property (:attr:`Skill.components`, :attr:`Event.award_rules`): no caller sees the stored strings.
"""
from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.db import Hundredths, Moment, enum_column
from app.extensions import db
from app.people.models import Person
from app.units.models import Unit, UnitKind
from scoring.medals import AwardTable, parse_award_table
from scoring.tiers import TIERS


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(32))
    event_class: Mapped[str | None] = mapped_column(String(16))
    effective_tier: Mapped[str | None] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    registration_opens: Mapped[date | None] = mapped_column(Date)
    registration_closes: Mapped[date | None] = mapped_column(Date)
    feeder_event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    delegation_kind: Mapped[UnitKind | None] = mapped_column(enum_column(UnitKind))
    # A code, or an inline table with decimals as 2-decimal strings: read it through ``award_rules``.
    awards: Mapped[Any] = mapped_column(JSON, default="cn_standard")
    promotion_rules: Mapped[str | None] = mapped_column(String(64))
    tie_breakers: Mapped[list[str]] = mapped_column(JSON, default=list)
    flagship: Mapped[bool] = mapped_column(Boolean, default=False)
    blind_marking: Mapped[bool] = mapped_column(Boolean, default=False)
    marking_team_size: Mapped[int] = mapped_column(Integer, default=3)
    spread_limit: Mapped[int] = mapped_column(Integer, default=1)
    section_tolerance: Mapped[Decimal] = mapped_column(Hundredths, default=Decimal("5.00"))
    tie_window: Mapped[Decimal] = mapped_column(Hundredths, default=Decimal("0.00"))
    appeals_hours: Mapped[int | None] = mapped_column(Integer)
    min_standardized: Mapped[int] = mapped_column(Integer, default=3)
    level_certificate_issuer_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    self_registration: Mapped[bool] = mapped_column(Boolean, default=False)
    bar_previous_medallists: Mapped[bool] = mapped_column(Boolean, default=False)
    employees_of_organizers_only: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)

    organizer_links: Mapped[list[EventOrganizer]] = relationship(
        back_populates="event", order_by="EventOrganizer.position", cascade="all, delete-orphan")
    skills: Mapped[list[Skill]] = relationship(
        back_populates="event", order_by="Skill.code", cascade="all, delete-orphan")
    feeder_event: Mapped[Event | None] = relationship(remote_side=[id])
    level_certificate_issuer: Mapped[Unit | None] = relationship()

    @property
    def organizers(self) -> list[Unit]:
        """Organizers (主办) in order; the first one issues award certificates."""
        return [link.unit for link in self.organizer_links]

    def skill(self, code: str | None) -> Skill | None:
        """The event's skill with this code, or ``None``."""
        return next((s for s in self.skills if s.code == code), None)

    @property
    def award_rules(self) -> str | AwardTable:
        """``worldskills``, ``cn_standard`` or the inline table as values (``top_percent``, ``min_raw``
        as ``Decimal``); the import refused any table that does not parse."""
        return self.awards if isinstance(self.awards, str) else parse_award_table(self.awards)

    @property
    def tier_info(self):
        return TIERS[self.tier]

    def registration_open_on(self, day: date) -> bool:
        """``closes`` is inclusive (to 23:59:59 Asia/Shanghai)."""
        if self.registration_opens is None or self.registration_closes is None:
            return False
        return self.registration_opens <= day <= self.registration_closes

    def __repr__(self) -> str:
        return f"<Event {self.code}>"


class EventOrganizer(db.Model):
    __tablename__ = "event_organizers"
    __table_args__ = (UniqueConstraint("event_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    position: Mapped[int] = mapped_column(Integer)

    event: Mapped[Event] = relationship(back_populates="organizer_links")
    unit: Mapped[Unit] = relationship()


class SkillGroup(enum.StrEnum):
    EMPLOYEE = "employee"
    STUDENT = "student"


@dataclass(frozen=True)
class Component:
    """A part of a skill's result (formats.md ``components``): its code and its weight out of 100."""

    code: str
    weight: Decimal


class Skill(db.Model):
    """A skill (赛项) at one event: the employee and student groups of one trade are two skills."""

    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("event_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    group: Mapped[SkillGroup | None] = mapped_column(enum_column(SkillGroup))
    occupation_code: Mapped[str | None] = mapped_column(String(32))
    occupation_name: Mapped[str | None] = mapped_column(String(100))
    team_size: Mapped[int] = mapped_column(Integer, default=1)
    quota_per_unit: Mapped[int] = mapped_column(Integer, default=1)
    host_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    age_reference: Mapped[date | None] = mapped_column(Date)
    min_level: Mapped[str | None] = mapped_column(String(16))
    # [{"code": "theory", "weight": "20.00"}]: read and written through ``components``.
    components_json: Mapped[list[dict[str, str]] | None] = mapped_column("components", JSON)

    event: Mapped[Event] = relationship(back_populates="skills")
    host_unit: Mapped[Unit | None] = relationship()

    @property
    def components(self) -> tuple[Component, ...] | None:
        """The weighted parts of the result, weights as ``Decimal``; ``None`` for a skill without."""
        if self.components_json is None:
            return None
        return tuple(Component(c["code"], Decimal(c["weight"])) for c in self.components_json)

    @components.setter
    def components(self, value: Sequence[Component] | None) -> None:
        self.components_json = None if value is None else [
            {"code": c.code, "weight": str(Decimal(c.weight).quantize(Decimal("0.01")))} for c in value]

    @property
    def component_weights(self) -> dict[str, Decimal]:
        """Component code → weight, in the file's order (empty without components)."""
        return {c.code: c.weight for c in self.components or ()}

    @property
    def reference_date(self) -> date:
        """Ages are completed years on this day (default: the event's first day)."""
        return self.age_reference or self.event.starts_on

    def __repr__(self) -> str:
        return f"<Skill {self.code}>"


class RegistrationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class Attendance(enum.StrEnum):
    COMPETED = "competed"
    ABSENT = "absent"
    WITHDRAWN = "withdrawn"
    DISQUALIFIED = "disqualified"


class Registration(db.Model):
    """A person's entry in one skill of one event (a contestant, 选手)."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "contestant_no"),
        UniqueConstraint("event_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    contestant_no: Mapped[str] = mapped_column(String(40))
    group: Mapped[SkillGroup | None] = mapped_column(enum_column(SkillGroup))
    current_level: Mapped[str | None] = mapped_column(String(16))
    current_level_cert_no: Mapped[str | None] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus), default=RegistrationStatus.SUBMITTED)
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    attendance: Mapped[Attendance] = mapped_column(enum_column(Attendance), default=Attendance.COMPETED)
    outside_window: Mapped[bool] = mapped_column(Boolean, default=False)
    # Entered by the contestant on the public form (app.events.self_registration), not by a unit.
    self_registered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    feeder_registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"))
    # When the contestant was seen at the check-in desk (ticket scanned or bib typed); None: not yet.
    checked_in_at: Mapped[datetime | None] = mapped_column(Moment)
    created_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)

    event: Mapped[Event] = relationship()
    skill: Mapped[Skill] = relationship()
    person: Mapped[Person] = relationship()
    unit: Mapped[Unit] = relationship()
    feeder_registration: Mapped[Registration | None] = relationship(remote_side=[id])


class SelfRegistrationTry(db.Model):
    """One submission of the public self-registration form, counted per client address per hour in
    the database (so every gunicorn worker sees the same count); refused submissions count too."""

    __tablename__ = "self_registration_tries"
    __table_args__ = (Index("ix_self_registration_tries_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(Moment, default=clock.now)


class PanelRole(enum.StrEnum):
    CHIEF = "chief"
    DEPUTY = "deputy"
    JUDGE = "judge"
    RESERVE = "reserve"
    SUPERVISOR = "supervisor"


class PanelMember(db.Model):
    """A user's role on one skill's panel. The seat names no unit: conflict-of-interest checks use
    the expert's own unit, from their account (:attr:`unit`), so whoever seats an expert cannot
    place them under another unit."""

    __tablename__ = "panel_members"
    __table_args__ = (
        UniqueConstraint("skill_id", "user_id"),
        # One chief expert per skill, whatever path writes the seat.
        Index("uq_panel_members_one_chief", "skill_id", unique=True,
              sqlite_where=text("role = 'chief'"), postgresql_where=text("role = 'chief'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[PanelRole] = mapped_column(enum_column(PanelRole))

    skill: Mapped[Skill] = relationship()
    user: Mapped[User] = relationship()  # noqa: F821  (app.auth.models)

    @property
    def unit(self) -> Unit | None:
        """The expert's unit, from their account; ``None`` for an expert without one (the panel
        page flags them: nobody's contestant is theirs, so no mark of theirs is refused as a
        conflict)."""
        return self.user.unit

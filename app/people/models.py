"""Persons (one human across events, identified by ID type + number), their skill levels, the
medals they won (which an event may bar from entering again), and the titles and trainings
recorded outside any contest (``import titles``, ``import training``), which grants pay on.

Titles and trainings name units (the title holder's unit, the training body) by foreign key to
``units`` without importing the events feature, which sits after people in the flow (design.md).
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.db import Moment, enum_column
from app.extensions import db
from app.people.idcard import mask


class IdType(enum.StrEnum):
    RESIDENT = "resident"
    HMT_RESIDENCE = "hmt_residence"
    HMT_PERMIT = "hmt_permit"
    PASSPORT = "passport"
    FOREIGN_PERMANENT = "foreign_permanent"


class Gender(enum.StrEnum):
    M = "M"
    F = "F"


class Person(db.Model):
    __tablename__ = "persons"
    __table_args__ = (UniqueConstraint("id_type", "id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    id_type: Mapped[IdType] = mapped_column(enum_column(IdType), default=IdType.RESIDENT)
    id_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    phone: Mapped[str | None] = mapped_column(String(32))

    skill_levels: Mapped[list[SkillLevelRecord]] = relationship(back_populates="person")

    @property
    def masked_id(self) -> str:
        return mask(self.id_number)

    def __repr__(self) -> str:
        return f"<Person {self.name} {self.masked_id}>"


class SkillLevelRecord(db.Model):
    """A level a person holds in one occupation (declared, imported, or granted by promotion)."""

    __tablename__ = "skill_level_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    occupation_code: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))
    certificate_no: Mapped[str | None] = mapped_column(String(64))
    obtained_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(64))

    person: Mapped[Person] = relationship(back_populates="skill_levels")


class MedalRecord(db.Model):
    """A gold, silver or bronze a person won in a final result, kept in step with the results
    (written when a skill is published final, rewritten when it is amended), so registration can
    bar previous medallists without reading the results feature."""

    __tablename__ = "medal_records"
    __table_args__ = (UniqueConstraint("person_id", "event_code", "skill_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    event_code: Mapped[str] = mapped_column(String(40), index=True)
    tier: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column()
    skill_code: Mapped[str] = mapped_column(String(40))
    award: Mapped[str] = mapped_column(String(20))


class TitleRecord(db.Model):
    """An honour granted outside the system (formats.md "titles"), e.g. 全国技术能手 in 2025: one per
    person, title and year (a title re-imported is the same record). ``unit_id`` is the holder's
    unit, which places a grant paid on it inside a jurisdiction (``grants compute --unit``)."""

    __tablename__ = "title_records"
    __table_args__ = (UniqueConstraint("person_id", "title", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer, index=True)
    imported_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)

    person: Mapped[Person] = relationship()


class TrainingRecord(db.Model):
    """A training a person took at a training body (formats.md "training records"), for training
    subsidies: one per person and start day (the trigger ``TRAINING/<id_number>/<start_date>``)."""

    __tablename__ = "training_records"
    __table_args__ = (UniqueConstraint("person_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    training_body_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    occupation: Mapped[str] = mapped_column(String(100), default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    certificate_date: Mapped[date | None] = mapped_column(Date, index=True)
    employed_date: Mapped[date | None] = mapped_column(Date, index=True)
    employed_in_province: Mapped[bool] = mapped_column(Boolean, default=False)
    placed_by_body: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)

    person: Mapped[Person] = relationship()

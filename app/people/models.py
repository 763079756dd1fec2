"""Persons (one human across events, identified by ID type + number), their skill levels and the
medals they won (which an event may bar from entering again)."""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import enum_column
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

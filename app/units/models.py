"""Units: the participating, organizing and hosting bodies, as a tree (province → city → school).

They sit below accounts (a user acts for a unit) and events (organizers, hosts, delegations), so
both can name them without importing each other.
"""
from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import enum_column
from app.extensions import db

UNIT_CODE_PATTERN = r"[A-Z0-9-]{1,20}"


class UnitKind(enum.StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    INDUSTRY = "industry"
    ENTERPRISE = "enterprise"
    SCHOOL = "school"
    HR_AUTHORITY = "hr_authority"
    OTHER = "other"


class Unit(db.Model):
    """A participating, organizing or hosting body; units form a tree (province → city → school)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")

    def ancestors(self) -> list[Unit]:
        """Parent first, root last."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"

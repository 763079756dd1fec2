"""Stored marks as plain values, for whoever only needs the numbers (the standings rebuild).

Loading tens of thousands of :class:`~app.marking.models.Mark` objects costs most of a rebuild;
selecting five columns costs a fraction of it. The write path keeps using the
:class:`~app.marking.marksheet.Marksheet`, which needs the objects to change them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.marking.models import Mark, SchemeAspect, SchemeCriterion, SchemeSubCriterion

SetKey = tuple[int, int]  # aspect id, competitor id


@dataclass(frozen=True)
class AspectInfo:
    id: int
    code: str
    kind: str
    max_mark: Decimal
    criterion: str


@dataclass
class StoredValues:
    aspects: list[AspectInfo]
    measured: dict[SetKey, Decimal] = field(default_factory=dict)
    judged: dict[SetKey, list[int]] = field(default_factory=lambda: defaultdict(list))


def stored_values(skill_id: int) -> StoredValues:
    """The skill's stored marks as plain numbers per aspect and competitor, selected as columns only,
    because loading the Mark objects costs most of a standings rebuild."""
    aspects = [AspectInfo(*row) for row in db.session.execute(
        select(SchemeAspect.id, SchemeAspect.code, SchemeAspect.kind, SchemeAspect.max_mark, SchemeCriterion.code)
        .join(SchemeSubCriterion, SchemeSubCriterion.id == SchemeAspect.sub_criterion_id)
        .join(SchemeCriterion, SchemeCriterion.id == SchemeSubCriterion.criterion_id)
        .where(SchemeAspect.skill_id == skill_id).order_by(SchemeAspect.code))]
    found = StoredValues(aspects)
    for aspect_id, competitor_id, kind, value in db.session.execute(
            select(Mark.aspect_id, Mark.competitor_id, Mark.kind, Mark.value).where(Mark.skill_id == skill_id)):
        if kind == "J":
            found.judged[(aspect_id, competitor_id)].append(int(value))
        else:
            found.measured[(aspect_id, competitor_id)] = value
    return found

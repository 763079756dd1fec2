"""The marks of one criterion as a matrix for the chief expert: a row per competitor, a column per
aspect, each judgement set judge by judge with its mark, and the sets that break the spread rule
marked — what the marking page's counts stand for, read in one look before a lock.

Plain values built from one :class:`~app.marking.marksheet.Marksheet`; the page decides nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.auth.models import User
from app.extensions import db
from app.marking.competitors import Competitor
from app.marking.marksheet import Marksheet
from app.marking.models import SchemeAspect, SchemeCriterion
from scoring.marks import judgement_mark


@dataclass(frozen=True)
class Cell:
    """One aspect of one competitor: ``scores`` per judge (judgement) and the resulting ``mark``."""

    mark: Decimal | None
    scores: tuple[int | None, ...] = ()
    flagged: bool = False


@dataclass(frozen=True)
class Matrix:
    criterion: SchemeCriterion
    aspects: list[SchemeAspect]
    judges: list[User]
    rows: list[tuple[Competitor, list[Cell]]]

    @property
    def flags(self) -> int:
        return sum(cell.flagged for _, cells in self.rows for cell in cells)


def criterion_matrix(sheet: Marksheet, criterion: SchemeCriterion) -> Matrix:
    """The criterion's marks as the chief expert's matrix: a row per competed competitor, each judgement set
    judge by judge and flagged where it breaks the spread rule."""
    aspects = [a for a in sheet.aspects.values() if a.criterion.id == criterion.id]
    judge_ids = sorted({judge for a in aspects if a.kind == "J" for c in sheet.competitors
                        for judge in sheet.judgement_scores(a, c)})
    judges = [db.session.get(User, judge_id) for judge_id in judge_ids]
    rows = []
    for competitor in (c for c in sheet.competitors if c.competed):
        cells = []
        for aspect in aspects:
            if aspect.kind == "J":
                scores = sheet.judgement_scores(aspect, competitor)
                cells.append(Cell(judgement_mark(aspect.max_mark, list(scores.values())) if scores else None,
                                  tuple(scores.get(j) for j in judge_ids),
                                  sheet.spread_of(aspect, competitor) is not None))
            else:
                mark = sheet.measured.get((aspect.id, competitor.id))
                cells.append(Cell(mark.value if mark is not None else None))
        rows.append((competitor, cells))
    return Matrix(criterion, aspects, judges, rows)

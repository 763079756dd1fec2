"""A marked and locked contest for the results tests, on top of the marking tests' :class:`World`.

WELD (components theory 20 % + practical 80 %): judgement scores A1.1 3,3,3 / 2,2,2 / 1,1,1 give
A = 50.00 / 33.33 / 16.67; B is 45.00 for everyone; practical totals 95.00, 78.33, 61.67.
Theory 80, 90, 70 → weighted totals W-01 92.00, W-02 80.66, W-03 63.34 (hand-computed:
16 + 76; 18 + 62.664; 14 + 49.336, half up). W-04 is absent.
CARE (teams): T1 (C-01, C-02) A 3,3,3; T2 (C-03, C-04) A 2,2,2; theory 50 for both →
practical 95.00 / 78.33 → totals 86.00 / 72.66.
"""
from __future__ import annotations

from decimal import Decimal

from app.extensions import db
from app.marking.components import import_component
from app.marking.locking import lock_all_complete
from app.marking.marksheet import Marksheet
from app.marking.paper import import_marks
from app.results.standings import results_of
from app.tabular import Row
from tests.marking.builders import JUDGES, MEASURED, World, rows

SCORES = {"W-01": "3", "W-02": "2", "W-03": "1"}
THEORY = {"W-01": "80", "W-02": "90", "W-03": "70"}
TEAM_SCORES = {"C-01": "3", "C-03": "2"}
TOTALS = {"W-01": Decimal("92.00"), "W-02": Decimal("80.66"), "W-03": Decimal("63.34")}


def mark_rows(scores: dict[str, str]) -> list[tuple[str, str, str, str]]:
    cells = [(bib, "A1.1", judge, score) for bib, score in scores.items() for judge in JUDGES]
    return cells + [(bib, aspect, "", value) for bib in scores for aspect, value in MEASURED.items()]


def theory_rows(scores: dict[str, str]) -> list[Row]:
    return [Row(n, {"contestant_no": bib, "score": score}) for n, (bib, score) in enumerate(scores.items(), 2)]


def mark_and_lock(skill, scores: dict[str, str], theory: dict[str, str] | None) -> None:
    import_marks(skill, rows(*mark_rows(scores)))
    if theory:
        import_component(skill, "theory", theory_rows(theory))
    lock_all_complete(Marksheet(skill))


def finished_world(make, *, theory: bool = True, care: bool = True, **event_fields) -> World:
    """Both skills marked and locked (standings complete unless ``theory=False``), committed."""
    world = World(make, **event_fields)
    mark_and_lock(world.weld, SCORES, THEORY if theory else None)
    if care:
        mark_and_lock(world.care, TEAM_SCORES, {"C-01": "50", "C-03": "50"} if theory else None)
    db.session.commit()
    return world


__all__ = ["finished_world", "mark_and_lock", "results_of", "TOTALS"]

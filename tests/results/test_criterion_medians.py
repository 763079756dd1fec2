"""The criterion medians a contestant reads beside their own marks are shown to the fen, like the
marks themselves: two middle values an odd number of fen apart round half up."""
from __future__ import annotations

from decimal import Decimal

from app.events.models import Attendance
from app.results.models import Standing
from app.results.standings import criterion_medians


def line(status: Attendance, **criteria: str) -> Standing:
    """A standing holding its criteria as stored: 2-decimal strings in JSON."""
    return Standing(status=status, criteria=criteria)


def test_medians_are_kept_to_the_fen_and_count_competed_lines_only():
    standings = [line(Attendance.COMPETED, A="16.67", B="45.00"), line(Attendance.COMPETED, A="33.34", B="40.00"),
                 line(Attendance.ABSENT)]
    assert criterion_medians(["A", "B"], standings) == {"A": Decimal("25.01"), "B": Decimal("42.50")}

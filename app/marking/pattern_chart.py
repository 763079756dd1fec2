"""Two small horizontal bar charts for the judge-pattern page, laid out here and drawn as inline
SVG by the template (no JavaScript library, as :mod:`app.results.chart`): each judge's mean score
on the 0–3 scale with the panel's mean marked, and the share of sets in which each judge differs
from the team by more than the rule.

The viewBox is narrow (360 units) so that at a phone's width the text keeps close to its real size;
on wider screens the two charts stand side by side (CSS), so they never grow much larger either.
The numbers are also in the page's table: the charts are a picture of it, not the only source.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.marking.patterns import JudgeRow

WIDTH = 360
LEFT, RIGHT, TOP, BOTTOM = 92, 56, 26, 24   # TOP leaves room for the marker's label; both charts
                                             # keep it, so their rows line up side by side
ROW, BAR = 30, 18
MAX_SCORE = 3
SHARE_AXES = (Decimal(10), Decimal(25), Decimal(50), Decimal(100))   # percent
LABEL_UNITS = 13   # a label's width in Latin letters (a CJK character counts 2)


@dataclass(frozen=True)
class ChartRow:
    label: str           # the judge, shortened to fit
    name: str            # the judge in full, for the bar's tooltip
    y: float             # top of the bar
    width: float         # 0 draws no bar (no value, or a value of 0)
    value: str           # the number at the bar's end ("–" when the judge has none)


@dataclass(frozen=True)
class BarChart:
    rows: list[ChartRow]
    ticks: list[tuple[float, str]]
    marker_x: float | None = None
    marker: str = ""
    width: int = WIDTH
    left: int = LEFT
    top: int = TOP

    @property
    def right(self) -> int:
        return WIDTH - RIGHT

    @property
    def bottom(self) -> int:
        return self.top + ROW * len(self.rows)

    @property
    def height(self) -> int:
        return self.bottom + BOTTOM

    @property
    def marker_anchor(self) -> str:
        """The marker's label stays inside the chart: left of the line near the right edge."""
        return "end" if self.marker_x is not None and self.marker_x > WIDTH * 0.6 else "start"


def _units(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def shorten(name: str, units: int = LABEL_UNITS) -> str:
    """``name`` cut to ``units`` (wide characters count 2), ending in "…" when it was longer."""
    if sum(_units(c) for c in name) <= units:
        return name
    used, kept = 1, []   # the ellipsis takes one
    for char in name:
        used += _units(char)
        if used > units:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _x(value: Decimal, axis_max: Decimal) -> float:
    return round(LEFT + float(value / axis_max) * (WIDTH - LEFT - RIGHT), 1)


def _rows(rows: Sequence[JudgeRow], values: Sequence[Decimal | None], texts: Sequence[str],
          axis_max: Decimal) -> list[ChartRow]:
    return [ChartRow(shorten(row.name), row.name, TOP + i * ROW + (ROW - BAR) / 2,
                     round(_x(value, axis_max) - LEFT, 1) if value is not None else 0, text)
            for i, (row, value, text) in enumerate(zip(rows, values, texts, strict=True))]


def mean_chart(rows: Sequence[JudgeRow], panel_mean: Decimal | None) -> BarChart | None:
    """Each judge's mean score on a 0–3 axis, the panel's mean as a dashed line; ``None`` without
    judges."""
    if not rows:
        return None
    axis_max = Decimal(MAX_SCORE)
    means = [r.pattern.mean for r in rows]
    ticks = [(_x(Decimal(t), axis_max), str(t)) for t in range(MAX_SCORE + 1)]
    marker_x = _x(panel_mean, axis_max) if panel_mean is not None else None
    return BarChart(_rows(rows, means, [str(m) for m in means], axis_max), ticks, marker_x,
                    str(panel_mean) if panel_mean is not None else "")


def differs_chart(rows: Sequence[JudgeRow]) -> BarChart | None:
    """Each judge's share of compared sets where they differ from the team, on an axis of 10, 25, 50
    or 100 % (the smallest that holds the largest share); a judge never compared has no bar."""
    if not rows:
        return None
    shares = [r.pattern.share for r in rows]
    largest = max((s for s in shares if s is not None), default=Decimal(0))
    axis_max = next((a for a in SHARE_AXES if a >= largest), SHARE_AXES[-1])
    texts = [f"{s}%" if s is not None else "–" for s in shares]
    ticks = [(_x(t, axis_max), f"{t.normalize():f}%") for t in (Decimal(0), axis_max / 2, axis_max)]
    return BarChart(_rows(rows, shares, texts, axis_max), ticks)

"""A histogram of a skill's raw totals with the median marked, laid out here and drawn as inline
SVG by the template (no JavaScript library, so it prints and works offline).

Bins have a "round" width (0.5, 1, 2, 5, 10 or 20 marks) chosen so there are at most
``MAX_BINS`` of them between the lowest and the highest total; coordinates are in a fixed
viewBox that the browser scales to the page width.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 600, 200
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 12, 28
MAX_BINS = 20
STEPS = (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20))


@dataclass(frozen=True)
class Bar:
    low: Decimal
    high: Decimal
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Histogram:
    bars: list[Bar]
    peak: int
    median: Decimal | None
    median_x: float | None
    ticks: list[tuple[float, Decimal]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: float = HEIGHT - BOTTOM
    top: int = TOP

    @property
    def right(self) -> int:
        return WIDTH - RIGHT

    @property
    def median_anchor(self) -> str:
        """The median's label stays inside the chart: left of the line near the right edge."""
        return "end" if self.median_x is not None and self.median_x > WIDTH * 0.7 else "start"


def _step(low: Decimal, high: Decimal) -> Decimal:
    return next((s for s in STEPS if (high - low) / s <= MAX_BINS), STEPS[-1])


def histogram(totals: Sequence[Decimal], median: Decimal | None) -> Histogram | None:
    """``None`` when nobody has a total (nothing to draw)."""
    if not totals:
        return None
    step = _step(min(totals), max(totals))
    low = math.floor(min(totals) / step) * step
    count = math.floor((max(totals) - low) / step) + 1
    counts = [0] * count
    for total in totals:
        counts[int((total - low) // step)] += 1
    span, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = max(counts)
    slot = span / count

    def x_of(value: Decimal) -> float:
        return round(LEFT + float((value - low) / (step * count)) * span, 1)

    bars = [Bar(low + i * step, low + (i + 1) * step, n, round(LEFT + i * slot + 1, 1),
                round(TOP + plot_height * (1 - n / peak), 1), round(max(slot - 2, 1), 1),
                round(plot_height * n / peak, 1)) for i, n in enumerate(counts)]
    every = max(1, math.ceil(count / 6))
    ticks = [(x_of(low + i * step), low + i * step) for i in range(0, count + 1, every)]
    return Histogram(bars, peak, median, x_of(median) if median is not None else None, ticks)

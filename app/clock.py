"""The one source of "now" and "today", in Asia/Shanghai.

Registration windows, ages and audit times all depend on the date in China, whatever the server's
zone. Tests freeze the clock with :func:`frozen`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_frozen: datetime | None = None


def now() -> datetime:
    """An aware datetime in Asia/Shanghai."""
    if _frozen is not None:
        return _frozen
    return datetime.now(SHANGHAI)


def today() -> date:
    """Today's date in China, whatever the server's time zone."""
    return now().date()


def freeze(moment: datetime | None) -> None:
    """Fix "now" (naive values are read as Asia/Shanghai); ``None`` releases it."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    _frozen = moment.astimezone(SHANGHAI) if moment is not None else None


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Fix "now" for the duration of the block (tests), then restore what was in force before."""
    previous = _frozen
    freeze(moment)
    try:
        yield
    finally:
        freeze(previous)

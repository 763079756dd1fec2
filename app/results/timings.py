"""``import timings``: ``contestant_no,completion_seconds`` for the ``completion_time`` tie-breaker.

Like the other per-competitor imports, a bib may be any team member's (the time is the team's),
the file updates only the competitors it names, and the whole file is refused on any problem.
Changes are audited with before and after, and the standings are rebuilt.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import audit, clock
from app.events.models import Skill
from app.extensions import db
from app.marking.competitors import read_per_competitor
from app.messages import msg
from app.numbers import NotANumber, parse_whole
from app.results.models import CompletionTime
from app.results.standings import rebuild
from app.tabular import Row

TIMING_COLUMNS = ["contestant_no", "completion_seconds"]
MAX_SECONDS = 7 * 24 * 3600  # a week: a larger number is a typing slip, not a contest


@dataclass
class TimingsImported:
    rows: int
    changed: int


def import_timings(skill: Skill, rows: list[Row]) -> TimingsImported:
    """Store the completion times of a file (the ``completion_time`` tie-breaker) and rebuild the standings if
    any changed; the whole file is refused on any problem."""
    wanted = read_per_competitor(
        skill, rows, "completion_seconds", _seconds,
        msg("must be a whole number of seconds from 0 to %(max)s", max=MAX_SECONDS),
        lambda first: msg("repeats row %(first)s: one time per contestant (or team)", first=first))
    changed = _store(skill, wanted)
    if changed:
        rebuild(skill)
    return TimingsImported(len(wanted), changed)


def _seconds(text: str) -> int | None:
    try:
        value = parse_whole(text)
    except NotANumber:
        return None
    return value if value <= MAX_SECONDS else None


def _store(skill: Skill, wanted: dict[int, tuple[int, str]]) -> int:
    stored = {t.competitor_id: t for t in db.session.scalars(
        select(CompletionTime).where(CompletionTime.skill_id == skill.id))}
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    for competitor_id, (seconds, bib) in wanted.items():
        row = stored.get(competitor_id)
        if row is not None and row.seconds == seconds:
            continue
        if row is None:
            row = CompletionTime(skill_id=skill.id, competitor_id=competitor_id)
            db.session.add(row)
        else:
            before[bib] = row.seconds
        row.seconds, row.recorded_at = seconds, clock.now()
        after[bib] = seconds
    if after:
        db.session.flush()
        audit.record("timings.import", "skill", f"{skill.event.code}/{skill.code}", before=before or None,
                     after=after, event_id=skill.event_id)
    return len(after)

"""``import timings``: ``contestant_no,completion_seconds`` for the ``completion_time`` tie-breaker.

Like the other per-competitor imports, a bib may be any team member's (the time is the team's),
the file updates only the competitors it names, and the whole file is refused on any problem.
Changes are audited with before and after, and the standings are rebuilt.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import audit, clock
from app.errors import InputRefused, Problem, at_row
from app.events.models import Skill
from app.extensions import db
from app.marking.competitors import by_bib, competitors
from app.messages import msg
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
    found = by_bib(competitors(skill))
    problems: list[Problem] = []
    wanted: dict[int, tuple[int, str]] = {}
    first_row: dict[int, int] = {}
    for row in rows:
        competitor = found.get(row["contestant_no"])
        seconds = _seconds(row["completion_seconds"])
        if competitor is None:
            problems.append(at_row(row.number, "contestant_no", msg(
                "no approved contestant %(bib)s in %(skill)s", bib=row["contestant_no"] or "(empty)",
                skill=skill.code)))
        elif competitor.id in first_row:
            problems.append(at_row(row.number, "contestant_no", msg(
                "repeats row %(first)s: one time per contestant (or team)", first=first_row[competitor.id])))
        if seconds is None:
            problems.append(at_row(row.number, "completion_seconds", msg(
                "must be a whole number of seconds from 0 to %(max)s", max=MAX_SECONDS)))
        if competitor is not None and competitor.id not in first_row:
            first_row[competitor.id] = row.number
            if seconds is not None:
                wanted[competitor.id] = (seconds, competitor.lead.contestant_no)
    if problems:
        raise InputRefused(problems)
    changed = _store(skill, wanted)
    if changed:
        rebuild(skill)
    return TimingsImported(len(wanted), changed)


def _seconds(text: str) -> int | None:
    if not text.isdigit() or not text.isascii():
        return None
    value = int(text)
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

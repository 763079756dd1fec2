"""The paper path: ``contestant_no,aspect,judge,score`` from marking forms (formats.md "marks").

Every row is checked before anything is written; one bad row refuses the file and nothing is
saved. A judgement set that breaks the spread rule is stored and flagged, with a warning naming
the set's last row in the file and all of its scores.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.auth.models import User
from app.errors import InputRefused, Problem, at_row
from app.events.models import Skill
from app.extensions import db
from app.marking.marksheet import Marksheet, Proposed
from app.marking.models import MarkSource
from app.marking.schemes import as_aspect
from app.messages import msg
from app.tabular import Row

MARK_COLUMNS = ["contestant_no", "aspect", "judge", "score"]


@dataclass
class MarksImported:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.changed + self.unchanged


def import_marks(skill: Skill, rows: list[Row], *, source: MarkSource = MarkSource.PAPER) -> MarksImported:
    """Check every row, then store all of them; a spread breach is a warning, not a refusal."""
    sheet = Marksheet(skill)
    if not sheet.aspects:
        raise InputRefused([Problem("file", msg("%(skill)s has no marking scheme yet", skill=skill.code))])
    users = _users_named(rows)
    problems: list[Problem] = []
    accepted: list[tuple[Row, Proposed]] = []
    first_row: dict[tuple, int] = {}
    for row in rows:
        proposed = _check_row(sheet, users, row, problems)
        if proposed is None:
            continue
        key = (*proposed.set_key, proposed.judge.id if proposed.aspect.kind == "J" and proposed.judge else None)
        if key in first_row:
            problems.append(at_row(row.number, "", msg(
                "repeats row %(first)s: one mark per contestant (or team), aspect and judge",
                first=first_row[key])))
            continue
        first_row[key] = row.number
        accepted.append((row, proposed))
    if problems:
        raise InputRefused(problems)
    result = MarksImported()
    last_row_of_set: dict[tuple[int, int], tuple[int, Proposed]] = {}
    try:
        for row, proposed in accepted:
            outcome = sheet.store(proposed, source=source)
            setattr(result, outcome, getattr(result, outcome) + 1)
            if proposed.aspect.kind == "J":
                last_row_of_set[proposed.set_key] = (row.number, proposed)
        db.session.flush()
    except (StaleDataError, IntegrityError):
        # A tablet wrote one of these marks after the file was checked: never overwrite it unseen.
        raise InputRefused([Problem("file", msg(
            "a mark in this file was written from a tablet while the file was imported; nothing was saved: "
            "import the file again to see the marks as they stand"))]) from None
    for number, proposed in sorted(last_row_of_set.values(), key=lambda item: item[0]):
        scores = sheet.spread_of(proposed.aspect, proposed.competitor)
        if scores:
            result.warnings.append(msg(
                "warning row %(row)s: %(aspect)s %(bib)s scores %(scores)s differ by %(spread)s", row=number,
                aspect=proposed.aspect.code, bib=proposed.competitor.lead.contestant_no,
                scores=",".join(str(s) for s in scores), spread=max(scores) - min(scores)))
    audit.record("marks.import", "skill", skill.id, event_id=skill.event_id,
                 after={"source": source.value, "created": result.created, "changed": result.changed,
                        "unchanged": result.unchanged, "flagged": len(result.warnings)})
    return result


def _users_named(rows: list[Row]) -> dict[str, User]:
    names = {row["judge"] for row in rows if row["judge"]}
    if not names:
        return {}
    return {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(names)))}


def _check_row(sheet: Marksheet, users: dict[str, User], row: Row, problems: list[Problem]) -> Proposed | None:
    """The row as a proposed mark, or ``None`` with its problems added (all of them, by column)."""
    found: list[Problem] = []
    bib, code, username = row["contestant_no"], row["aspect"], row["judge"]
    competitor = sheet.by_bib.get(bib)
    aspect = sheet.aspects.get(code)
    judge = users.get(username) if username else None
    if competitor is None:
        found.append(at_row(row.number, "contestant_no", msg(
            "no approved contestant %(bib)s in %(skill)s", bib=bib or "(empty)", skill=sheet.skill.code)))
    elif (refusal := sheet.competitor_refusal(competitor)) is not None:
        found.append(at_row(row.number, "contestant_no", refusal))
    if aspect is None:
        found.append(at_row(row.number, "aspect", msg("no aspect %(code)s in the scheme of %(skill)s",
                                                      code=code or "(empty)", skill=sheet.skill.code)))
    elif (refusal := sheet.lock_refusal(aspect, competitor)) is not None:
        found.append(at_row(row.number, "aspect", refusal))
    if username and judge is None:
        found.append(at_row(row.number, "judge", msg("no user %(name)s", name=username)))
    elif aspect is not None and competitor is not None and \
            (refusal := sheet.judge_refusal(aspect, competitor, judge)) is not None:
        found.append(at_row(row.number, "judge", refusal))
    value = None
    if aspect is not None:
        value, refusal = sheet.value_refusal(as_aspect(aspect), row["score"])
        if refusal is not None:
            found.append(at_row(row.number, "score", refusal))
    problems.extend(found)
    if found or aspect is None or competitor is None or value is None:
        return None
    return Proposed(aspect, competitor, judge, value)

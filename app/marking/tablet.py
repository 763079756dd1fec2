"""A judge's desk: what one judge sees and may mark of one skill on a tablet, as plain values.

Built once per request from the marksheet. The tablet page draws itself from :meth:`JudgeDesk.view`
and the sync endpoint checks every incoming mark against the same desk, so the page never offers
what the server would refuse.

Terms:
- *key*: how the tablet names a competitor — the secret number (加密号) when the event marks blind,
  else the lead bib. A blind skill's competitors who have not been drawn yet are not on the desk.
- Only competed competitors are marked; a criterion lists only the competitors this judge may
  mark (panel seat, marking team, conflict of interest with the real units, which never leave the
  server).
- The judge sees their own judgement scores (judges score independently, marking.md) and the one
  agreed value of each measurement aspect, each with its version: a write carries the version it
  was made from, and a stale one is a conflict (:mod:`app.marking.sync`).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_login import current_user
from sqlalchemy import select

from app.auth.models import User
from app.events.models import Skill
from app.events.services import event_by_code
from app.extensions import db
from app.marking.draw import secret_numbers
from app.marking.judges import MARKING_ROLES
from app.marking.marksheet import Marksheet, MarkTarget
from app.marking.models import CriterionReopening, Mark, SchemeCriterion
from app.marking.schemes import as_aspect
from app.messages import Message, msg
from scoring.marks import Aspect, allowed_measurement_marks, spread_breached

# Above this many allowed marks a measurement aspect gets a number field instead of buttons.
MAX_BUTTONS = 12


@dataclass(frozen=True)
class DeskAspect:
    id: int
    criterion_id: int
    criterion: str
    sub_criterion: str
    sub_name: str
    pure: Aspect

    @property
    def code(self) -> str:
        return self.pure.id

    @property
    def kind(self) -> str:
        return self.pure.type


@dataclass(frozen=True)
class DeskCompetitor:
    id: int
    key: str


class JudgeDesk:
    def __init__(self, skill: Skill, judge: User, *, for_view: bool = True):
        """``for_view=False``: what the sync checks need, without loading the skill's marks."""
        sheet = Marksheet(skill, with_marks=for_view)
        event = skill.event
        self.skill_id, self.event_id, self.judge_id = skill.id, event.id, judge.id
        self.event_code, self.skill_code, self.skill_name = event.code, skill.code, skill.name
        self.blind, self.team_size, self.spread_limit = event.blind_marking, event.marking_team_size, event.spread_limit
        member = sheet.rights.member(judge.id)
        self.role = member.role.value if member else None
        rows = sheet.criteria()
        self.criteria: list[tuple[int, str, str, bool]] = [(c.id, c.code, c.name, c.locked) for c in rows]
        self.aspects: dict[str, DeskAspect] = {
            a.code: DeskAspect(a.id, a.sub_criterion.criterion_id, a.sub_criterion.criterion.code,
                               a.sub_criterion.code, a.sub_criterion.name, as_aspect(a))
            for a in sorted(sheet.aspects.values(), key=lambda a: (a.sub_criterion.criterion.position,
                                                                    a.sub_criterion.position, a.position))}
        secret = secret_numbers(skill) if self.blind else {}
        competed = [c for c in sheet.competitors if c.competed]
        self.undrawn = sum(1 for c in competed if self.blind and c.id not in secret)
        keyed = [(k, c) for k, c in ((secret.get(c.id) if self.blind else c.label, c) for c in competed)
                 if k is not None]
        if self.blind:  # in secret-number order: bib order could hint at the units behind the numbers
            keyed.sort(key=lambda kc: (len(kc[0]), kc[0]))
        self.competitors: dict[str, DeskCompetitor] = {k: DeskCompetitor(c.id, k) for k, c in keyed}
        self.obstacles: dict[tuple[int, int], str | None] = {
            (criterion.id, c.id): sheet.rights.obstacle(judge.id, criterion, c)
            for criterion in rows for c in competed}
        self._sheet = sheet

    # --- checks (the sync endpoint) ---------------------------------------------------------

    def refusal(self, aspect: DeskAspect, competitor: DeskCompetitor) -> Message | None:
        """Why this judge may not mark this competitor on this aspect's criterion (seat, team,
        conflict); the words name only the competitor's key."""
        obstacle = self.obstacles.get((aspect.criterion_id, competitor.id))
        if obstacle == "not_marking":
            return msg("you are not a marking member of the %(skill)s panel", skill=self.skill_code)
        if obstacle == "conflict":
            return msg("you may not mark %(competitor)s: conflict of interest (same unit or delegation)",
                       competitor=competitor.key)
        if obstacle == "not_on_team":
            return msg("you are not on the marking team of criterion %(criterion)s", criterion=aspect.criterion)
        return None

    def target(self, aspect: DeskAspect, competitor: DeskCompetitor) -> MarkTarget:
        """A measurement mark is one per competitor, entered by whichever judge; it keeps who."""
        return MarkTarget(self.skill_id, self.event_id, aspect.id, aspect.kind, competitor.id, self.judge_id)

    def stored(self, target: MarkTarget, *, for_update: bool = False) -> Mark | None:
        """The mark row at ``target`` as it stands now (locked for this transaction on PostgreSQL)."""
        query = select(Mark).where(Mark.aspect_id == target.aspect_id, Mark.competitor_id == target.competitor_id,
                                   Mark.kind == target.kind)
        if target.kind == "J":
            query = query.where(Mark.judge_id == target.judge_id)
        if for_update:
            query = query.with_for_update()
        return db.session.scalar(query)

    @staticmethod
    def locked_now(aspect: DeskAspect, competitor: DeskCompetitor) -> bool:
        """Read inside the write's transaction (shared row lock on PostgreSQL), so a lock that lands
        between two items of a batch refuses the second; a reopening for this competitor lets it in."""
        locked_at = db.session.scalar(select(SchemeCriterion.locked_at)
                                      .where(SchemeCriterion.id == aspect.criterion_id).with_for_update(read=True))
        if locked_at is None:
            return False
        return db.session.scalar(select(CriterionReopening.id).where(
            CriterionReopening.criterion_id == aspect.criterion_id,
            CriterionReopening.competitor_id == competitor.id, CriterionReopening.closed_at.is_(None))) is None

    # --- the page's data --------------------------------------------------------------------

    def view(self) -> dict:
        """Everything the tablet page draws, as JSON: no name, unit or (when blind) bib in it."""
        sheet = self._sheet
        reopened = {(r.criterion_id, r.competitor_id) for r in db.session.scalars(
            select(CriterionReopening).join(SchemeCriterion).where(
                SchemeCriterion.skill_id == self.skill_id, CriterionReopening.closed_at.is_(None)))}
        criteria = []
        for criterion_id, code, name, locked in self.criteria:
            aspects = [a for a in self.aspects.values() if a.criterion_id == criterion_id]
            mine = [c for c in self.competitors.values() if self.obstacles[(criterion_id, c.id)] is None]
            criteria.append({
                "code": code, "name": name, "locked": locked,
                "max": str(sum((a.pure.max for a in aspects), Decimal("0.00"))),
                "reopened": [c.key for c in mine if (criterion_id, c.id) in reopened],
                "competitors": [c.key for c in mine],
                "aspects": [_aspect_view(a) for a in aspects],
            })
        return {
            "event": self.event_code, "skill": self.skill_code, "skill_name": self.skill_name,
            "blind": self.blind, "role": self.role, "team_size": self.team_size, "spread_limit": self.spread_limit,
            "undrawn": self.undrawn, "criteria": criteria, "marks": self._marks_view(sheet),
        }

    def _marks_view(self, sheet: Marksheet) -> dict[str, dict]:
        """``"<aspect>|<key>"`` → value, version and, for a judgement set this judge scored that
        breaks the spread rule, ``flagged``; only for competitors the judge may mark there."""
        found: dict[str, dict] = {}
        for competitor in self.competitors.values():
            for aspect in self.aspects.values():
                if self.obstacles[(aspect.criterion_id, competitor.id)] is not None:
                    continue  # not this judge's to mark: not theirs to see either
                if aspect.kind == "M":
                    mark = sheet.measured.get((aspect.id, competitor.id))
                    flagged = False
                else:
                    scores = sheet.judged.get((aspect.id, competitor.id), {})
                    mark = scores.get(self.judge_id)
                    flagged = mark is not None and spread_breached([int(m.value) for m in scores.values()],
                                                                   self.spread_limit)
                if mark is not None:
                    found[f"{aspect.code}|{competitor.key}"] = {"value": str(mark.value), "version": mark.version,
                                                               "flagged": flagged}
        return found


def desk_for(event_code: str, skill_code: str, *, for_view: bool = True) -> JudgeDesk | None:
    """The current judge's desk, or ``None`` unless they mark on the skill's panel."""
    event = event_by_code(event_code)
    skill: Skill | None = event.skill(skill_code) if event else None
    if skill is None:
        return None
    desk = JudgeDesk(skill, current_user, for_view=for_view)
    return desk if desk.role in {r.value for r in MARKING_ROLES} else None


def _aspect_view(aspect: DeskAspect) -> dict:
    pure = aspect.pure
    view = {"code": pure.id, "kind": pure.type, "sub": aspect.sub_criterion, "sub_name": aspect.sub_name,
            "description": pure.description, "max": str(pure.max), "requirement": pure.requirement,
            "extra": pure.extra}
    if pure.is_judgement:
        view["descriptors"] = list(pure.descriptors)
    else:
        allowed = allowed_measurement_marks(pure)
        view["calculation"] = pure.calculation
        view["allowed"] = [str(v) for v in allowed] if allowed and len(allowed) <= MAX_BUTTONS else None
    return view

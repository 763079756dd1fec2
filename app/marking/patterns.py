"""A skill's judge patterns: its judgement scores loaded as plain values, grouped into sets and
handed to :func:`scoring.judge_patterns.judge_patterns`, then joined with the judges' names.

The chief expert's view of how each judge marks (lenient, strict, often apart from the team) is a
read-only summary, so it selects four columns (aspect, competitor, judge, score) rather than loading
``Mark`` objects, as :mod:`app.marking.values` does for the standings. It says nothing about
contestants: sets are keyed by ids that never leave this module, so the view stays blind when the
event marks blind.

``criterion`` narrows the view to one criterion's judgement aspects; :attr:`SkillPatterns.criteria`
lists the criteria that have any, for the page's filter.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from app.auth.models import User
from app.events.models import Skill
from app.extensions import db
from app.marking.models import Mark, SchemeAspect, SchemeCriterion, SchemeSubCriterion
from scoring.judge_patterns import JudgePattern, PanelPattern, judge_patterns
from scoring.marks import JUDGEMENT

SetKey = tuple[int, int]  # aspect id, competitor id


@dataclass(frozen=True)
class JudgeRow:
    """One judge's figures with the account's names (``name`` falls back to the username)."""

    user_id: int
    username: str
    name: str
    pattern: JudgePattern


@dataclass(frozen=True)
class SkillPatterns:
    criterion: str | None
    criteria: list[tuple[str, str]]   # (code, name) of the criteria with judgement aspects
    rows: list[JudgeRow]              # by name, then username (code-point order)
    panel: PanelPattern[int]

    @property
    def spread_limit(self) -> int:
        return self.panel.spread_limit


def judgement_criteria(skill: Skill) -> list[tuple[str, str]]:
    """The skill's criteria that hold at least one judgement aspect, in scheme order."""
    rows = db.session.execute(
        select(SchemeCriterion.code, SchemeCriterion.name)
        .where(SchemeCriterion.skill_id == skill.id,
               SchemeCriterion.id.in_(select(SchemeSubCriterion.criterion_id)
                                      .join(SchemeAspect, SchemeAspect.sub_criterion_id == SchemeSubCriterion.id)
                                      .where(SchemeAspect.kind == JUDGEMENT)))
        .order_by(SchemeCriterion.position))
    return [(code, name) for code, name in rows]


def judgement_sets(skill: Skill, criterion: str | None = None) -> list[dict[int, int]]:
    """The skill's judgement sets (judge id → score), of one criterion when ``criterion`` is given."""
    query = select(Mark.aspect_id, Mark.competitor_id, Mark.judge_id, Mark.value).where(
        Mark.skill_id == skill.id, Mark.kind == JUDGEMENT, Mark.judge_id.is_not(None))
    if criterion is not None:
        query = (query.join(SchemeAspect, SchemeAspect.id == Mark.aspect_id)
                 .join(SchemeSubCriterion, SchemeSubCriterion.id == SchemeAspect.sub_criterion_id)
                 .join(SchemeCriterion, SchemeCriterion.id == SchemeSubCriterion.criterion_id)
                 .where(SchemeCriterion.code == criterion))
    sets: dict[SetKey, dict[int, int]] = defaultdict(dict)
    for aspect_id, competitor_id, judge_id, value in db.session.execute(query):
        sets[(aspect_id, competitor_id)][judge_id] = int(value)
    return list(sets.values())


def skill_patterns(skill: Skill, criterion: str | None = None) -> SkillPatterns:
    """Every judge who gave a judgement score in the skill (or the criterion), with their figures
    under the event's spread limit."""
    panel = judge_patterns(judgement_sets(skill, criterion), skill.event.spread_limit)
    names = {user_id: (username, display_name) for user_id, username, display_name in db.session.execute(
        select(User.id, User.username, User.display_name).where(User.id.in_(list(panel.judges))))}
    rows = [JudgeRow(user_id, names[user_id][0], names[user_id][1] or names[user_id][0], pattern)
            for user_id, pattern in panel.judges.items()]
    rows.sort(key=lambda row: (row.name, row.username))
    return SkillPatterns(criterion, judgement_criteria(skill), rows, panel)

"""Component scores (formats.md ``import component``): e.g. the theory exam, out of 100.

The component must be one the skill declares, other than ``practical`` (the marking scheme gives
that one). Scores are kept per competitor (a team's lead registration); a bib the file names may
be any team member's. A changed score is audited with before and after; ``components_changed``
tells the results to rebuild.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app import audit, clock
from app.errors import InputRefused, Problem
from app.events.models import Skill
from app.extensions import db
from app.marking.competitors import read_per_competitor
from app.marking.models import ComponentScore
from app.messages import msg
from app.numbers import NotANumber, parse_decimal
from app.signals import components_changed
from app.tabular import Row

COMPONENT_COLUMNS = ["contestant_no", "score"]
PRACTICAL = "practical"


@dataclass
class ComponentsImported:
    rows: int
    changed: int


def declared_components(skill: Skill) -> list[str]:
    """The result components the skill's weights name (``practical`` among them, from the marking scheme)."""
    return list(skill.component_weights)


def import_component(skill: Skill, component: str, rows: list[Row]) -> ComponentsImported:
    """Store a file's scores of one imported component (the theory exam …) and report how many changed;
    refused unless the skill declares the component, and the whole file on any problem."""
    if component not in declared_components(skill) or component == PRACTICAL:
        others = [c for c in declared_components(skill) if c != PRACTICAL]
        raise InputRefused([Problem("component", msg(
            "%(skill)s has no imported component %(code)s (its components: %(known)s)",
            skill=skill.code, code=component, known=", ".join(others) or "-"))])
    wanted = read_per_competitor(
        skill, rows, "score", _score, msg("must be a number from 0 to 100 with at most 2 decimals"),
        lambda first: msg("repeats row %(first)s: one score per contestant (or team)", first=first))
    return ComponentsImported(len(wanted), _store(skill, component, wanted))


def _score(text: str) -> Decimal | None:
    try:
        value = parse_decimal(text, digits=3)
    except NotANumber:
        return None
    return value.quantize(Decimal("0.01")) if value <= 100 else None


def _store(skill: Skill, component: str, wanted: dict[int, tuple[Decimal, str]]) -> int:
    stored = {s.competitor_id: s for s in db.session.scalars(
        select(ComponentScore).where(ComponentScore.skill_id == skill.id, ComponentScore.component == component))}
    changed = []
    for competitor_id, (score, bib) in wanted.items():
        row = stored.get(competitor_id)
        if row is not None and row.score == score:
            continue
        before = {"score": row.score} if row is not None else None
        if row is None:
            row = ComponentScore(skill_id=skill.id, competitor_id=competitor_id, component=component)
            db.session.add(row)
        row.score, row.recorded_at = score, clock.now()
        db.session.flush()
        audit.record("component.score", "component_score", row.id, event_id=skill.event_id, before=before,
                     after={"skill": skill.code, "component": component, "contestant_no": bib, "score": score})
        changed.append(competitor_id)
    if changed:
        components_changed.send(skill.event_id, skill_id=skill.id, component=component, competitor_ids=changed)
    return len(changed)

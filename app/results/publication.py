"""Publishing standings: private → provisional (optional appeals window) → final (results.md).

Choices where results.md is silent:

- Only complete standings are published (every criterion locked, nothing reopened, every component
  score in). Publishing the whole event is all or nothing: one skill that cannot be published
  refuses the lot, named; skills already at (or past) the wanted state are left as they are.
- A provisional publication opens the appeals window when the event sets ``appeals_hours``.
  Final publication waits for the window to close and for every appeal to be decided; ``--final``
  on private results skips the provisional step (formats.md) and so allows no appeals.
- Every step is audited and moves the skill's version, so public pages and caches see it at once.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app import audit, clock
from app.errors import DomainError, InputRefused, Problem
from app.events.models import Event, Skill
from app.extensions import db
from app.messages import Message, msg
from app.results.models import Appeal, AppealStatus, Publication, SkillResults
from app.results.standings import bump, results_of
from app.signals import results_published

ORDER = [Publication.PRIVATE, Publication.PROVISIONAL, Publication.FINAL]


def publish(event: Event, *, skill: Skill | None = None, final: bool = False) -> list[SkillResults]:
    """Publish one skill or the whole event; returns the skills whose state moved."""
    wanted = Publication.FINAL if final else Publication.PROVISIONAL
    skills = [skill] if skill is not None else list(event.skills)
    moving: list[SkillResults] = []
    problems: list[Message] = []
    for s in skills:
        results = results_of(s)
        if results is None:
            problems.append(msg("%(skill)s has no standings yet (no marking scheme)", skill=s.code))
            continue
        if ORDER.index(results.publication) >= ORDER.index(wanted):
            if skill is not None:
                problems.append(msg("%(skill)s is already %(state)s", skill=s.code, state=results.publication.value))
            continue
        problems += refusals(results, wanted)
        moving.append(results)
    if problems:
        raise InputRefused([Problem("", p) for p in problems])
    if not moving:
        raise DomainError(msg("nothing to publish: every skill of %(event)s is %(state)s already",
                              event=event.code, state=wanted.value))
    for results in moving:
        _move(results, wanted)
    return moving


def refusals(results: SkillResults, wanted: Publication) -> list[Message]:
    """Why ``results`` cannot move to ``wanted`` now (empty when it can)."""
    code = results.skill.code
    found = [msg("%(skill)s is not complete: %(why)s", skill=code, why=reason) for reason in results.reasons]
    if wanted == Publication.FINAL and results.publication == Publication.PROVISIONAL:
        if results.appeals_close_at is not None and clock.now() < results.appeals_close_at:
            found.append(msg("%(skill)s: the appeals window is open until %(time)s", skill=code,
                             time=results.appeals_close_at.strftime("%Y-%m-%d %H:%M")))
        pending = pending_appeals(results.skill)
        if pending:
            found.append(msg("%(skill)s: %(count)s appeal(s) not decided yet", skill=code, count=pending))
    return found


def pending_appeals(skill: Skill) -> int:
    """How many appeals of the skill await a decision; results cannot become final while any do."""
    return db.session.scalar(select(func.count(Appeal.id)).where(
        Appeal.skill_id == skill.id, Appeal.status == AppealStatus.PENDING)) or 0


def _move(results: SkillResults, wanted: Publication) -> None:
    before = {"publication": results.publication.value}
    now = clock.now()
    results.publication = wanted
    if wanted == Publication.PROVISIONAL:
        results.provisional_at = now
        hours = results.skill.event.appeals_hours
        results.appeals_close_at = now + timedelta(hours=hours) if hours else None
    else:
        results.final_at = now
    bump(results)
    skill = results.skill
    audit.record("results.publish", "skill", f"{skill.event.code}/{skill.code}", event_id=skill.event_id,
                 before=before, after={"publication": wanted.value, "version": results.version,
                                       "appeals_close_at": results.appeals_close_at})
    db.session.flush()
    results_published.send(skill.event_id, skill_id=skill.id, final=wanted == Publication.FINAL)

"""Keeps the people's medal records (:class:`~app.people.models.MedalRecord`) in step with final
results, so an event that bars previous medallists can check them at registration.

Written when a skill is published final and rewritten after every amendment of it; provisional
results write nothing (they may still change). Every member of a medal-winning team is recorded.
"""
from __future__ import annotations

from sqlalchemy import delete, select

from app.events.eligibility import event_tier
from app.events.models import Registration, RegistrationStatus, Skill
from app.extensions import db
from app.people.models import MedalRecord
from app.results.models import Standing
from app.results.standings import results_of
from scoring.medals import MEDALS

MEDAL_AWARDS = frozenset(MEDALS.values())


def record_medals(skill: Skill) -> int:
    """Replace the skill's medal records with those of its current final standings."""
    event = skill.event
    db.session.execute(delete(MedalRecord).where(MedalRecord.event_code == event.code,
                                                 MedalRecord.skill_code == skill.code))
    results = results_of(skill)
    if results is None or not results.final:
        return 0
    won = {s.competitor_id: s.award for s in db.session.scalars(
        select(Standing).where(Standing.skill_id == skill.id, Standing.award.in_(MEDAL_AWARDS)))}
    if not won:
        return 0
    leads = {r.id: r for r in db.session.scalars(select(Registration).where(Registration.id.in_(won)))}
    teams = {leads[i].team for i in won if leads[i].team}
    members = db.session.scalars(select(Registration).where(
        Registration.skill_id == skill.id, Registration.team.in_(teams),
        Registration.status == RegistrationStatus.APPROVED)).all() if teams else []
    by_team: dict[str, list[Registration]] = {}
    for member in members:
        by_team.setdefault(member.team, []).append(member)
    count = 0
    for competitor_id, award in won.items():
        lead = leads[competitor_id]
        people = {m.person_id for m in by_team.get(lead.team, [])} if lead.team else {lead.person_id}
        for person_id in sorted(people):
            db.session.add(MedalRecord(person_id=person_id, event_code=event.code, tier=event_tier(event),
                                       year=event.year, skill_code=skill.code, award=award))
            count += 1
    db.session.flush()
    return count


def _on_change(event_id: int, skill_id: int, **_: object) -> None:
    skill = db.session.get(Skill, skill_id)
    if skill is not None:
        record_medals(skill)


def connect() -> None:
    """Record medallists when results are published and rewrite them after an amendment."""
    from app.signals import result_amended, results_published
    results_published.connect(_on_change)
    result_amended.connect(_on_change)

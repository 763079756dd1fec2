"""Marking teams per criterion (marking.md "Judges and marking teams"), set by the chief expert.

A criterion without a team is open to the skill's whole panel; with one, both the tablet and the
paper path refuse marks from judges outside it (:class:`app.marking.judges.MarkingRights`).

Choices where marking.md is silent: a locked criterion's team cannot change (its marks were
counted with it); a criterion with judgement aspects needs at least ``marking_team_size`` members,
or no judgement set could ever be complete; only the panel's marking members (chief, deputy,
judges, reserves) can be on a team. Every change is audited with the usernames before and after.
"""
from __future__ import annotations

from sqlalchemy import delete, select

from app import audit
from app.auth.models import User
from app.errors import DomainError
from app.events.models import PanelMember, Skill
from app.events.panels import panel_of
from app.extensions import db
from app.marking.judges import MARKING_ROLES
from app.marking.models import MarkingTeamMember, SchemeCriterion
from app.messages import msg


def marking_members(skill: Skill) -> list[PanelMember]:
    """The panel members who may be put on a team, chief first."""
    return [m for m in panel_of(skill) if m.role in MARKING_ROLES]


def team_usernames(criterion: SchemeCriterion) -> list[str]:
    """The usernames on the criterion's marking team, sorted, for the audit entry's before and after."""
    return sorted(db.session.scalars(
        select(User.username).join(MarkingTeamMember, MarkingTeamMember.user_id == User.id)
        .where(MarkingTeamMember.criterion_id == criterion.id)))


def set_team(criterion: SchemeCriterion, user_ids: set[int]) -> None:
    """Replace the criterion's team with these panel members; an empty set opens it to the whole panel."""
    if criterion.locked:
        raise DomainError(msg("criterion %(criterion)s is locked: its marking team cannot change",
                              criterion=criterion.code))
    allowed = {m.user_id for m in marking_members(criterion.skill)}
    if not user_ids <= allowed:
        raise DomainError(msg("only the panel's chief, deputy, judges and reserves can be on a marking team"))
    size = criterion.skill.event.marking_team_size
    if user_ids and len(user_ids) < size and _has_judgement(criterion):
        raise DomainError(msg("criterion %(criterion)s has judgement aspects: its team needs at least "
                              "%(size)s members", criterion=criterion.code, size=size))
    before = team_usernames(criterion)
    db.session.execute(delete(MarkingTeamMember).where(MarkingTeamMember.criterion_id == criterion.id))
    db.session.add_all(MarkingTeamMember(criterion_id=criterion.id, user_id=uid) for uid in sorted(user_ids))
    db.session.flush()
    after = team_usernames(criterion)
    if before != after:
        audit.record("marking_team.set", "criterion", criterion.id, before=before, after=after,
                     event_id=criterion.skill.event_id)


def _has_judgement(criterion: SchemeCriterion) -> bool:
    return any(a.kind == "J" for sub in criterion.sub_criteria for a in sub.aspects)

"""Who may mark whom: the panel, the criterion's marking team, and conflicts of interest.

Every path that stores a mark (paper import, tablet) asks :class:`MarkingRights` before writing,
so the rule is enforced on the server whatever a client sends (marking.md).

- The panel's chief, deputy, judges and reserves mark; supervisors (督导) only watch.
- A criterion with a marking team accepts scores from its members only, plus reserves standing in
  for a team member who is conflicted with that competitor ("reserves replace conflicted judges").
- Conflict of interest: the judge's unit is the competitor's unit or, when the event sets
  ``delegation_kind``, both belong to the same delegation. The judge's unit is the one on their
  account (:attr:`PanelMember.unit`), never one a seat names; an expert without a unit conflicts
  with nobody, and the panel page shows the chief that they have none.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.events.eligibility import delegation_of
from app.events.models import PanelMember, PanelRole, Skill
from app.extensions import db
from app.marking.competitors import Competitor
from app.marking.models import MarkingTeamMember, SchemeCriterion
from app.messages import Message, msg
from app.units.models import Unit

MARKING_ROLES = (PanelRole.CHIEF, PanelRole.DEPUTY, PanelRole.JUDGE, PanelRole.RESERVE)


def conflicted(judge_unit: Unit | None, competitor: Competitor, delegation_kind) -> bool:
    """Same unit, or the same delegation when the event counts by delegation."""
    theirs = competitor.lead.unit
    if judge_unit is None:
        return False
    if judge_unit.id == theirs.id:
        return True
    return delegation_kind is not None and \
        delegation_of(judge_unit, delegation_kind).id == delegation_of(theirs, delegation_kind).id


class MarkingRights:
    """The skill's panel and marking teams, loaded once per operation."""

    def __init__(self, skill: Skill):
        self.skill = skill
        self.delegation_kind = skill.event.delegation_kind
        self.panel: dict[int, PanelMember] = {
            m.user_id: m for m in db.session.scalars(select(PanelMember).where(PanelMember.skill_id == skill.id)
                                                     .options(joinedload(PanelMember.user).joinedload(User.unit)))}
        self.teams: dict[int, set[int]] = defaultdict(set)
        rows = db.session.execute(
            select(MarkingTeamMember.criterion_id, MarkingTeamMember.user_id)
            .join(SchemeCriterion, SchemeCriterion.id == MarkingTeamMember.criterion_id)
            .where(SchemeCriterion.skill_id == skill.id))
        for criterion_id, user_id in rows:
            self.teams[criterion_id].add(user_id)

    def member(self, user_id: int) -> PanelMember | None:
        return self.panel.get(user_id)

    def is_conflicted(self, user_id: int, competitor: Competitor) -> bool:
        member = self.panel.get(user_id)
        return member is not None and conflicted(member.unit, competitor, self.delegation_kind)

    def obstacle(self, user_id: int, criterion: SchemeCriterion, competitor: Competitor) -> str | None:
        """Why this judge may not mark this competitor on this criterion — ``"not_marking"``,
        ``"conflict"`` or ``"not_on_team"`` — or ``None``; each path words it for its readers."""
        member = self.panel.get(user_id)
        if member is None or member.role not in MARKING_ROLES:
            return "not_marking"
        if conflicted(member.unit, competitor, self.delegation_kind):
            return "conflict"
        team = self.teams.get(criterion.id)
        if team and user_id not in team and not self._stands_in(member, team, competitor):
            return "not_on_team"
        return None

    def refusal(self, user_id: int, username: str, criterion: SchemeCriterion,
                competitor: Competitor) -> Message | None:
        """The paper path's wording of :meth:`obstacle` (it names the judge's unit and the bib)."""
        obstacle = self.obstacle(user_id, criterion, competitor)
        if obstacle == "not_marking":
            return msg("%(judge)s is not a marking member of the %(skill)s panel",
                       judge=username, skill=self.skill.code)
        if obstacle == "conflict":
            return msg("%(judge)s (%(unit)s) may not mark contestant %(bib)s of the same unit or delegation",
                       judge=username, unit=self.panel[user_id].unit.code, bib=competitor.lead.contestant_no)
        if obstacle == "not_on_team":
            return msg("%(judge)s is not on the marking team of criterion %(criterion)s",
                       judge=username, criterion=criterion.code)
        return None

    def _stands_in(self, member: PanelMember, team: set[int], competitor: Competitor) -> bool:
        return member.role == PanelRole.RESERVE and any(self.is_conflicted(u, competitor) for u in team)

    def eligible(self, criterion: SchemeCriterion, competitor: Competitor) -> set[int]:
        """The users whose scores count for this competitor on this criterion."""
        return {user_id for user_id in self.panel if self.obstacle(user_id, criterion, competitor) is None}

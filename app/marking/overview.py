"""The marking page of a skill as data: each criterion's state, people and team, and the penalties.

Read only. It loads the marksheet once and resolves every user the page names (markers, signers,
team members, and the audit actors ``user:<username>`` that locked a criterion or recorded a
penalty) in one query, so the template lays out plain values and runs no queries of its own.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.auth.models import User
from app.events.models import PanelMember, Skill
from app.extensions import db
from app.marking.competitors import Competitor
from app.marking.locking import CriterionState, criterion_states, lead_bib
from app.marking.marksheet import Marksheet
from app.marking.models import Penalty
from app.marking.penalties import active_penalties
from app.marking.teams import marking_members

ACTOR_PREFIX = "user:"


@dataclass(frozen=True)
class CriterionRow:
    state: CriterionState
    max_mark: Decimal
    markers: list[User]
    signers: list[User]
    team: list[User]

    @property
    def criterion(self):
        return self.state.criterion


@dataclass(frozen=True)
class Overview:
    rows: list[CriterionRow]
    competed: list[Competitor]
    penalties: list[Penalty]
    marking_members: list[PanelMember]
    actors: dict[str, User]

    def actor(self, actor: str | None) -> User | None:
        """The account behind an audit actor string; ``None`` for ``cli:…`` or a deleted account."""
        return self.actors.get(actor or "")

    def row(self, code: str) -> CriterionRow | None:
        return next((r for r in self.rows if r.criterion.code == code), None)


def load_overview(skill: Skill, label: Callable[[Competitor], str] = lead_bib) -> Overview:
    """``label`` names competitors in the criterion states (secret numbers under blind marking)."""
    sheet = Marksheet(skill)
    states = criterion_states(sheet, label)
    penalties = active_penalties(skill)
    teams = sheet.rights.teams
    wanted = set().union(*(s.markers | s.signed | teams.get(s.criterion.id, set()) for s in states))
    actor_names = {a[len(ACTOR_PREFIX):] for a in [s.criterion.locked_by for s in states] +
                   [p.recorded_by for p in penalties] if a and a.startswith(ACTOR_PREFIX)}
    users = _users(wanted, actor_names)
    by_id = {u.id: u for u in users}

    def people(ids: set[int]) -> list[User]:
        return sorted((by_id[i] for i in ids if i in by_id), key=lambda u: u.username)

    rows = [CriterionRow(s, _max_mark(s), people(s.markers), people(s.signed),
                         people(teams.get(s.criterion.id, set()))) for s in states]
    return Overview(rows, [c for c in sheet.competitors if c.competed], penalties, marking_members(skill),
                    {ACTOR_PREFIX + u.username: u for u in users})


def _users(ids: set[int], usernames: set[str]) -> list[User]:
    if not ids and not usernames:
        return []
    return db.session.scalars(select(User).where(User.id.in_(ids) | User.username.in_(usernames))).all()


def _max_mark(state: CriterionState) -> Decimal:
    return sum((a.max_mark for sub in state.criterion.sub_criteria for a in sub.aspects), Decimal("0.00"))

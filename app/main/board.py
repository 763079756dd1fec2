"""The contest board: where each skill of an event stands, and the one thing to do next.

A skill moves through the contest day in a fixed order — entries approved, a panel with a chief
expert, a marking scheme, check-in and the draw (blind marking), marking and locking, provisional
publication with its appeals window, final publication, certificates, promotion. The board reads each
step's state from the feature that owns it and names the first step that waits, with the page where
it is done. The organizer's home page adds the same counts up per event.

Reading only: nothing here writes, and each count is one grouped query per event (flags need the
marksheet of each skill still being marked).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import clock
from app.certificates.models import Certificate
from app.events.models import Event, PanelMember, PanelRole, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.marking.draw import draw_of
from app.marking.locking import criterion_states
from app.marking.marksheet import Marksheet
from app.marking.models import SchemeCriterion
from app.marking.schemes import has_marks
from app.promotion.models import PromotionProposal, ProposalStatus
from app.results.models import Appeal, AppealStatus, Publication, SkillResults

# (stage code, label, endpoint of the page where it is done); the order is the contest's.
STAGES = {
    "entries": (_l("Approve entries"), "registration.manage"),
    "panel": (_l("Seat the panel"), "panels.panel"),
    "scheme": (_l("Load the marking scheme"), "schemes.scheme"),
    "draw": (_l("Check-in and draw"), "draw.page"),
    "marking": (_l("Marking"), "marking.page"),
    "publish": (_l("Publish results"), "results.page"),
    "appeals": (_l("Appeals"), "appeals.index"),
    "final": (_l("Publish final results"), "results.page"),
    "certificates": (_l("Issue certificates"), "certificates.index"),
    "promotion": (_l("Decide promotions"), "promotion.page"),
    "done": (_l("Done"), "results.page"),
}
EVENT_WIDE = {"entries", "certificates", "promotion"}  # their pages are per event, not per skill


@dataclass
class SkillStage:
    """One skill's row of the board."""

    skill: Skill
    submitted: int = 0
    approved: int = 0
    judges: int = 0
    chief: bool = False
    criteria: int = 0
    locked: int = 0
    flags: int = 0
    drawn: bool | None = None  # None: the event does not mark blind; True once drawn or marked
    publication: Publication | None = None
    complete: bool = False
    appeals_open: bool = False
    appeals_close_at: datetime | None = None
    pending_appeals: int = 0
    certificates: int = 0
    proposals: int = 0
    proposals_open: int = 0
    promotion: bool = False

    @property
    def stage(self) -> str:
        """The first step that waits (``done`` when none does)."""
        if self.submitted:
            return "entries"
        if not self.chief:
            return "panel"
        if not self.criteria:
            return "scheme"
        if self.drawn is False:
            return "draw"
        if self.locked < self.criteria or self.flags:
            return "marking"
        if self.publication in (None, Publication.PRIVATE):
            return "publish"
        if self.publication == Publication.PROVISIONAL:
            return "appeals" if self.appeals_open or self.pending_appeals else "final"
        if not self.certificates:
            return "certificates"
        if self.promotion and (self.proposals_open or not self.proposals):
            return "promotion"
        return "done"

    @property
    def next_label(self) -> str:
        return str(STAGES[self.stage][0])

    @property
    def next_endpoint(self) -> str:
        return STAGES[self.stage][1]

    def next_url_args(self) -> dict[str, str]:
        args = {"code": self.skill.event.code}
        if self.stage not in EVENT_WIDE:
            args["skill_code"] = self.skill.code
        return args


@dataclass
class EventWaits:
    """What waits for the organizer in one event: the board's counts added up."""

    event: Event
    skills: list[SkillStage] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(s, name) for s in self.skills)

    @property
    def entries(self) -> int:
        return self._sum("submitted")

    @property
    def panels(self) -> int:
        return sum(1 for s in self.skills if not s.chief)

    @property
    def flags(self) -> int:
        return self._sum("flags")

    @property
    def appeals(self) -> int:
        return self._sum("pending_appeals")

    @property
    def to_publish(self) -> int:
        return sum(1 for s in self.skills if s.stage in ("publish", "final"))

    @property
    def certificates(self) -> int:
        return sum(1 for s in self.skills if s.stage == "certificates")

    @property
    def promotions(self) -> int:
        return self._sum("proposals_open")

    @property
    def total(self) -> int:
        return (self.entries + self.panels + self.flags + self.appeals + self.to_publish + self.certificates
                + self.promotions)

    @property
    def state(self) -> str:
        """``upcoming``, ``running`` or ``finished``, by the event's dates."""
        today = clock.today()
        if today < self.event.starts_on:
            return "upcoming"
        return "finished" if today > self.event.ends_on else "running"


def _grouped(query, *keys) -> dict:
    return {tuple(row[:-1]) if len(row) > 2 else row[0]: row[-1] for row in db.session.execute(query.group_by(*keys))}


def board(event: Event) -> EventWaits:
    """The board of one event, a row per skill in the event's order."""
    skills = list(event.skills)
    ids = [s.id for s in skills]
    rows = {s.id: SkillStage(s, promotion=bool(event.promotion_rules)) for s in skills}
    if not ids:
        return EventWaits(event)
    for (skill_id, status), count in _grouped(
            select(Registration.skill_id, Registration.status, func.count(Registration.id))
            .where(Registration.skill_id.in_(ids)), Registration.skill_id, Registration.status).items():
        if status == RegistrationStatus.SUBMITTED:
            rows[skill_id].submitted = count
        elif status == RegistrationStatus.APPROVED:
            rows[skill_id].approved = count
    for member in db.session.scalars(select(PanelMember).where(PanelMember.skill_id.in_(ids))):
        rows[member.skill_id].judges += member.role in (PanelRole.CHIEF, PanelRole.DEPUTY, PanelRole.JUDGE)
        rows[member.skill_id].chief |= member.role == PanelRole.CHIEF
    for skill_id, total, locked in db.session.execute(
            select(SchemeCriterion.skill_id, func.count(SchemeCriterion.id), func.count(SchemeCriterion.locked_at))
            .where(SchemeCriterion.skill_id.in_(ids)).group_by(SchemeCriterion.skill_id)):
        rows[skill_id].criteria, rows[skill_id].locked = total, locked
    now = clock.now()
    for results in db.session.scalars(select(SkillResults).where(SkillResults.skill_id.in_(ids))):
        row = rows[results.skill_id]
        row.publication, row.complete = results.publication, results.complete
        row.appeals_close_at = results.appeals_close_at
        row.appeals_open = (results.publication == Publication.PROVISIONAL and results.appeals_close_at is not None
                            and now < results.appeals_close_at)
    pending = _grouped(select(Appeal.skill_id, func.count(Appeal.id))
                       .where(Appeal.skill_id.in_(ids), Appeal.status == AppealStatus.PENDING), Appeal.skill_id)
    issued = _grouped(select(Certificate.skill_id, func.count(Certificate.id))
                      .where(Certificate.skill_id.in_(ids)), Certificate.skill_id)
    proposals = _grouped(select(PromotionProposal.skill_id, PromotionProposal.status, func.count(PromotionProposal.id))
                         .where(PromotionProposal.skill_id.in_(ids)),
                         PromotionProposal.skill_id, PromotionProposal.status)
    for skill in skills:
        row = rows[skill.id]
        row.pending_appeals = pending.get(skill.id, 0)
        row.certificates = issued.get(skill.id, 0)
        row.proposals_open = proposals.get((skill.id, ProposalStatus.PROPOSED), 0)
        row.proposals = sum(count for (skill_id, _status), count in proposals.items() if skill_id == skill.id)
        if event.blind_marking:  # a draw is made before the first mark, or not at all
            row.drawn = draw_of(skill) is not None or has_marks(skill)
        if row.criteria and row.locked < row.criteria:
            row.flags = sum(len(state.flags) for state in criterion_states(Marksheet(skill))
                            if not state.criterion.locked)
    return EventWaits(event, [rows[s.id] for s in skills])

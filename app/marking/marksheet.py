"""Storing marks: one door for the paper path and, later, the tablets.

:class:`Marksheet` loads a skill's scheme, competitors, panel rights and stored marks once, checks
a proposed mark against every rule (marking.md, formats.md "marks") and writes it. A write that
changes a stored value bumps the mark's version and is audited with before and after; a new mark
carries who, when, source, device and the offline flag on its own row, so the audit log is not
flooded with one entry per first entry (the import itself is audited with its counts).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from app import audit, clock
from app.auth.models import User
from app.events.models import Skill
from app.extensions import db
from app.marking.competitors import Competitor, by_bib, competitors
from app.marking.judges import MarkingRights
from app.marking.models import CriterionReopening, Mark, MarkSource, SchemeAspect, SchemeCriterion
from app.marking.schemes import as_aspect
from app.messages import Message, msg
from scoring.marks import JUDGEMENT_SCORES, measurement_refusal, spread_breached

SetKey = tuple[int, int]  # aspect, competitor


@dataclass(frozen=True)
class Proposed:
    """A checked mark, ready to store."""

    aspect: SchemeAspect
    competitor: Competitor
    judge: User | None
    value: Decimal

    @property
    def set_key(self) -> SetKey:
        return (self.aspect.id, self.competitor.id)


class Marksheet:
    def __init__(self, skill: Skill):
        self.skill = skill
        self.event = skill.event
        self.aspects: dict[str, SchemeAspect] = {a.code: a for a in db.session.scalars(
            select(SchemeAspect).where(SchemeAspect.skill_id == skill.id).order_by(SchemeAspect.code))}
        self.competitors = competitors(skill)
        self.by_bib = by_bib(self.competitors)
        self.rights = MarkingRights(skill)
        self.measured: dict[SetKey, Mark] = {}
        self.judged: dict[SetKey, dict[int, Mark]] = {}
        for mark in db.session.scalars(select(Mark).where(Mark.skill_id == skill.id)):
            self._remember(mark)
        self.reopened: set[tuple[int, int]] = {(criterion_id, competitor_id) for criterion_id, competitor_id in
                                               db.session.execute(
            select(CriterionReopening.criterion_id, CriterionReopening.competitor_id)
            .join(SchemeCriterion).where(SchemeCriterion.skill_id == skill.id,
                                         CriterionReopening.closed_at.is_(None)))}

    def _remember(self, mark: Mark) -> None:
        key = (mark.aspect_id, mark.competitor_id)
        if mark.kind == "J":
            self.judged.setdefault(key, {})[mark.judge_id] = mark
        else:
            self.measured[key] = mark

    def stored(self, proposed: Proposed) -> Mark | None:
        if proposed.aspect.kind == "J":
            return self.judged.get(proposed.set_key, {}).get(proposed.judge.id if proposed.judge else -1)
        return self.measured.get(proposed.set_key)

    # --- checks -----------------------------------------------------------------------------

    def competitor_refusal(self, competitor: Competitor) -> Message | None:
        if not competitor.competed:
            return msg("contestant %(bib)s did not compete (%(status)s): only competed contestants are marked",
                       bib=competitor.lead.contestant_no, status=competitor.lead.attendance.value)
        return None

    def judge_refusal(self, aspect: SchemeAspect, competitor: Competitor, judge: User | None) -> Message | None:
        if judge is None:
            return msg("a judgement score needs its judge") if aspect.kind == "J" else None
        return self.rights.refusal(judge.id, judge.username, aspect.criterion, competitor)

    @staticmethod
    def value_refusal(aspect: SchemeAspect, text: str) -> tuple[Decimal | None, Message | None]:
        """The value of a score cell, or why it is not allowed for this aspect."""
        try:
            value = Decimal(text)
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite():
            return None, msg("%(value)s is not a number", value=repr(text))
        if aspect.kind == "J":
            if value != value.to_integral_value() or int(value) not in JUDGEMENT_SCORES:
                return None, msg("%(aspect)s is a judgement aspect: a score is 0, 1, 2 or 3, not %(value)s",
                                 aspect=aspect.code, value=text)
            return Decimal(int(value)), None
        finding = measurement_refusal(as_aspect(aspect), value)
        if finding is not None:
            return None, msg(finding.template, **finding.params)
        return value.quantize(Decimal("0.01")), None

    def lock_refusal(self, aspect: SchemeAspect, competitor: Competitor | None = None) -> Message | None:
        """A locked criterion refuses marks, except a competitor's for whom it was reopened."""
        reopened = competitor is not None and (aspect.criterion.id, competitor.id) in self.reopened
        if aspect.criterion.locked and not reopened:
            return msg("criterion %(criterion)s is locked; the chief expert must unlock it first",
                       criterion=aspect.criterion.code)
        return None

    # --- writing ----------------------------------------------------------------------------

    def store(self, proposed: Proposed, *, source: MarkSource, offline: bool = False, device: str | None = None,
              client_uuid: str | None = None) -> str:
        """Write one checked mark: ``"created"``, ``"changed"`` (audited) or ``"unchanged"``."""
        existing = self.stored(proposed)
        actor = audit.current_actor()
        if existing is not None and existing.value == proposed.value:
            return "unchanged"
        if existing is not None:
            before = self.describe(existing)
            existing.value, existing.version = proposed.value, existing.version + 1
            existing.source, existing.offline, existing.device = source, offline, device
            existing.recorded_by, existing.recorded_at = actor, clock.now()
            if proposed.aspect.kind == "M":
                existing.judge_id = proposed.judge.id if proposed.judge else None
            audit.record("mark.change", "mark", existing.id, event_id=self.event.id,
                         before=before, after=self.describe(existing))
            return "changed"
        mark = Mark(skill_id=self.skill.id, aspect_id=proposed.aspect.id, competitor_id=proposed.competitor.id,
                    kind=proposed.aspect.kind, judge_id=proposed.judge.id if proposed.judge else None,
                    value=proposed.value, source=source, offline=offline, device=device,
                    client_uuid=client_uuid, recorded_by=actor, recorded_at=clock.now())
        db.session.add(mark)
        self._remember(mark)
        return "created"

    def describe(self, mark: Mark) -> dict:
        return {"aspect": mark.aspect.code, "contestant_no": mark.competitor.contestant_no,
                "judge": mark.judge.username if mark.judge else None, "value": str(mark.value),
                "version": mark.version, "source": mark.source.value, "offline": mark.offline,
                "device": mark.device, "recorded_by": mark.recorded_by, "recorded_at": mark.recorded_at}

    # --- reading ----------------------------------------------------------------------------

    def judgement_scores(self, aspect: SchemeAspect, competitor: Competitor) -> dict[int, int]:
        """judge id → score for one judgement set."""
        return {judge: int(mark.value) for judge, mark in self.judged.get((aspect.id, competitor.id), {}).items()}

    def spread_of(self, aspect: SchemeAspect, competitor: Competitor) -> list[int] | None:
        """The set's scores when they break the spread rule (an open flag), else ``None``."""
        scores = list(self.judgement_scores(aspect, competitor).values())
        return scores if spread_breached(scores, self.event.spread_limit) else None

    def criteria(self) -> list[SchemeCriterion]:
        return db.session.scalars(select(SchemeCriterion).where(SchemeCriterion.skill_id == self.skill.id)
                                  .order_by(SchemeCriterion.position)).all()

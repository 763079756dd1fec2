"""Storing marks: one door for the paper path and, later, the tablets.

:class:`Marksheet` loads a skill's scheme, competitors, panel rights and stored marks once, checks
a proposed mark against every rule (marking.md, formats.md "marks") and writes it. A write that
changes a stored value bumps the mark's version and is audited with before and after; a first mark
is audited too (``mark.create``), so the tamper-evident log holds every mark ever given, not only
the changes (the import itself is also audited with its counts).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app import audit, clock
from app.auth.models import User
from app.events.models import Skill
from app.extensions import db
from app.marking.competitors import Competitor, by_bib, competitors
from app.marking.judges import MarkingRights
from app.marking.models import CriterionReopening, Mark, MarkSource, SchemeAspect, SchemeCriterion
from app.messages import Message, msg
from app.numbers import NotANumber, parse_decimal
from scoring.marks import CENT, JUDGEMENT_SCORES, Aspect, measurement_refusal, spread_breached

SetKey = tuple[int, int]  # aspect, competitor


@dataclass(frozen=True)
class MarkTarget:
    """The row a write goes to, as plain ids: valid across the tablet path's many transactions."""

    skill_id: int
    event_id: int
    aspect_id: int
    kind: str
    competitor_id: int
    judge_id: int | None


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

    @property
    def target(self) -> MarkTarget:
        return MarkTarget(self.aspect.skill_id, self.competitor.lead.event_id,
                          self.aspect.id, self.aspect.kind, self.competitor.id,
                          self.judge.id if self.judge else None)


class Marksheet:
    def __init__(self, skill: Skill, *, with_marks: bool = True):
        """``with_marks=False``: the scheme, competitors and rights only, for a caller that reads
        each mark it writes itself (the tablet sync)."""
        self.skill = skill
        self.event = skill.event
        self.aspects: dict[str, SchemeAspect] = {a.code: a for a in db.session.scalars(
            select(SchemeAspect).where(SchemeAspect.skill_id == skill.id).order_by(SchemeAspect.code))}
        self.competitors = competitors(skill)
        self.by_bib = by_bib(self.competitors)
        self.rights = MarkingRights(skill)
        self.measured: dict[SetKey, Mark] = {}
        self.judged: dict[SetKey, dict[int, Mark]] = {}
        for mark in db.session.scalars(select(Mark).where(Mark.skill_id == skill.id)) if with_marks else ():
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
    def value_refusal(aspect: Aspect, text: str) -> tuple[Decimal | None, Message | None]:
        """The value of a score cell in the scheme's precision (hundredths, as stored, so the
        answer to a write and to its replay are the same string), or why it is not allowed."""
        try:
            value = parse_decimal(text)
        except NotANumber as e:
            return None, e.message
        if aspect.is_judgement:
            if value != value.to_integral_value() or int(value) not in JUDGEMENT_SCORES:
                return None, msg("%(aspect)s is a judgement aspect: a score is 0, 1, 2 or 3, not %(value)s",
                                 aspect=aspect.id, value=text)
            return value.quantize(CENT), None
        finding = measurement_refusal(aspect, value)
        if finding is not None:
            return None, msg(finding.template, **finding.params)
        return value.quantize(CENT), None

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
        outcome, mark = write_mark(proposed.target, self.stored(proposed), proposed.value, source=source,
                                   offline=offline, device=device, client_uuid=client_uuid)
        if outcome == "created":
            self._remember(mark)
        return outcome

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


def write_mark(target: MarkTarget, existing: Mark | None, value: Decimal, *, source: MarkSource,
               offline: bool = False, device: str | None = None,
               client_uuid: str | None = None) -> tuple[str, Mark]:
    """Store ``value`` at ``target`` over ``existing`` (the row as read in this transaction): the one
    write of both the paper path and the tablets.

    A change is flushed at once: the mapper's version counter makes the ``UPDATE`` conditional on
    the version that was read, so a write that raced another raises ``StaleDataError`` instead of
    overwriting it silently; then it is audited with before and after. A first mark is flushed
    and audited at once too (a racing first mark raises ``IntegrityError`` there).
    """
    actor = audit.current_actor()
    if existing is not None and existing.value == value:
        return "unchanged", existing
    if existing is not None:
        before = describe(existing)
        existing.value, existing.source, existing.offline, existing.device = value, source, offline, device
        existing.recorded_by, existing.recorded_at = actor, clock.now()
        existing.client_uuid = client_uuid
        if target.kind == "M":
            existing.judge_id = target.judge_id
        db.session.flush()
        audit.record("mark.change", "mark", existing.id, event_id=target.event_id,
                     before=before, after=describe(existing))
        return "changed", existing
    mark = Mark(skill_id=target.skill_id, aspect_id=target.aspect_id, competitor_id=target.competitor_id,
                kind=target.kind, judge_id=target.judge_id, value=value, source=source, offline=offline,
                device=device, client_uuid=client_uuid, recorded_by=actor, recorded_at=clock.now())
    db.session.add(mark)
    db.session.flush()
    audit.record("mark.create", "mark", mark.id, event_id=target.event_id, after=describe(mark))
    return "created", mark


def describe(mark: Mark) -> dict:
    """A mark as the audit log keeps it."""
    return {"aspect": mark.aspect.code, "contestant_no": mark.competitor.contestant_no,
            "judge": mark.judge.username if mark.judge else None, "value": f"{mark.value:.2f}",
            "version": mark.version, "source": mark.source.value, "offline": mark.offline,
            "device": mark.device, "recorded_by": mark.recorded_by, "recorded_at": mark.recorded_at}

"""Amending a final result (results.md "Amending a final result") and deciding appeals.

An amendment needs final results and a reason, and is audited. ``disqualify`` sets every member
of the competitor to disqualified and rebuilds at once; ``reopen`` opens one criterion for one
competitor: they are re-marked (the paper import) and the criterion closed again (``import marks
--lock`` or the marking page), which rebuilds the standings. Either way the rebuild audits each
changed line and sends ``result_amended`` (see :mod:`app.results.standings`).

Appeals (申诉) run against *provisional* results while the appeals window is open: the competitor's
unit files one against one criterion, the event's arbiter (仲裁) upholds or dismisses it; an
upheld appeal reopens that criterion for that competitor.
"""
from __future__ import annotations

from app import audit, clock
from app.errors import DomainError
from app.events.attendance import set_attendance_many
from app.events.models import Attendance, Skill
from app.extensions import db
from app.marking.competitors import Competitor, by_bib, competitors
from app.marking.locking import reopen
from app.marking.models import SchemeCriterion
from app.messages import msg
from app.results.models import Appeal, AppealStatus, Publication
from app.results.standings import amending, rebuild, results_of


def competitor_or_refuse(skill: Skill, bib: str) -> Competitor:
    """The skill's approved competitor with this bib (any team member's); refused, naming the bib, when none."""
    competitor = by_bib(competitors(skill)).get(bib)
    if competitor is None:
        raise DomainError(msg("no approved contestant %(bib)s in %(skill)s", bib=bib, skill=skill.code))
    return competitor


def criterion_or_refuse(skill: Skill, code: str) -> SchemeCriterion:
    """The criterion of the skill's scheme with this code; refused, naming the code, when the scheme has none."""
    criterion = db.session.scalar(db.select(SchemeCriterion).where(SchemeCriterion.skill_id == skill.id,
                                                                   SchemeCriterion.code == code))
    if criterion is None:
        raise DomainError(msg("no criterion %(code)s in the scheme of %(skill)s", code=code, skill=skill.code))
    return criterion


def amend(skill: Skill, bib: str, reason: str, *, disqualify: bool = False, reopen_criterion: str | None = None
          ) -> None:
    """Disqualify a competitor, or reopen one criterion for them, after final publication."""
    results = results_of(skill)
    if results is None or not results.final:
        raise DomainError(msg("the results of %(skill)s are not final: only final results are amended "
                              "(before that, unlock the criterion or decide an appeal)", skill=skill.code))
    if disqualify == (reopen_criterion is not None):
        raise DomainError(msg("an amendment either disqualifies or reopens one criterion"))
    if not reason.strip():
        raise DomainError(msg("an amendment needs a reason"))
    competitor = competitor_or_refuse(skill, bib)
    audit.record("results.amend", "skill", f"{skill.event.code}/{skill.code}", event_id=skill.event_id,
                 after={"contestant_no": competitor.lead.contestant_no,
                        "action": "disqualify" if disqualify else f"reopen {reopen_criterion}"},
                 note=reason.strip()[:500])
    with amending(reason.strip()):
        if disqualify:
            if not competitor.competed and competitor.lead.attendance == Attendance.DISQUALIFIED:
                raise DomainError(msg("%(bib)s is disqualified already", bib=bib))
            set_attendance_many(skill, [(m, Attendance.DISQUALIFIED) for m in competitor.members])
        else:
            reopen(criterion_or_refuse(skill, reopen_criterion), competitor, reason)
            rebuild(skill)


def file_appeal(skill: Skill, bib: str, criterion_code: str, reason: str) -> Appeal:
    """File a unit's appeal against one criterion of a competitor who competed, while the provisional results'
    appeals window is open; audited."""
    results = results_of(skill)
    if results is None or results.publication != Publication.PROVISIONAL:
        raise DomainError(msg("appeals are filed against provisional results only"))
    if results.appeals_close_at is None or clock.now() >= results.appeals_close_at:
        raise DomainError(msg("the appeals window of %(skill)s is closed", skill=skill.code))
    if not reason.strip():
        raise DomainError(msg("an appeal needs a reason"))
    competitor = competitor_or_refuse(skill, bib)
    if not competitor.competed:
        raise DomainError(msg("%(bib)s did not compete: there are no marks to appeal against", bib=bib))
    criterion = criterion_or_refuse(skill, criterion_code)
    appeal = Appeal(skill_id=skill.id, competitor_id=competitor.id, criterion=criterion.code,
                    reason=reason.strip()[:2000], filed_by=audit.current_actor(), filed_at=clock.now())
    db.session.add(appeal)
    db.session.flush()
    audit.record("appeal.file", "appeal", appeal.id, event_id=skill.event_id,
                 after={"skill": skill.code, "contestant_no": competitor.lead.contestant_no,
                        "criterion": criterion.code}, note=appeal.reason[:500])
    return appeal


def decide_appeal(appeal: Appeal, *, upheld: bool, decision: str) -> None:
    """The arbiter upholds or dismisses a pending appeal, with reasons, while results are provisional; an upheld
    appeal reopens the criterion for that competitor so they are re-marked."""
    if appeal.status != AppealStatus.PENDING:
        raise DomainError(msg("this appeal was decided already"))
    if not decision.strip():
        raise DomainError(msg("a decision needs its reasons"))
    results = results_of(appeal.skill)
    if results is None or results.publication != Publication.PROVISIONAL:
        raise DomainError(msg("appeals are decided while the results are provisional"))
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.DISMISSED
    appeal.decided_by, appeal.decided_at, appeal.decision = audit.current_actor(), clock.now(), decision.strip()[:2000]
    audit.record("appeal.decide", "appeal", appeal.id, event_id=appeal.skill.event_id,
                 before={"status": AppealStatus.PENDING.value},
                 after={"status": appeal.status.value, "contestant_no": appeal.competitor.contestant_no,
                        "criterion": appeal.criterion}, note=appeal.decision[:500])
    if upheld:
        competitor = competitor_or_refuse(appeal.skill, appeal.competitor.contestant_no)
        reopen(criterion_or_refuse(appeal.skill, appeal.criterion), competitor,
               msg("appeal %(id)s upheld: %(decision)s", id=appeal.id, decision=appeal.decision))
        rebuild(appeal.skill)
    db.session.flush()

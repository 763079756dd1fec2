"""Completeness, sign-off, lock and unlock of a criterion (marking.md "Sign-off, locking, audit").

A criterion is *complete* when every competed competitor has every measurement aspect and, on
every judgement aspect, ``marking_team_size`` scores from judges eligible for them. When conflicts
leave fewer eligible judges than that and all of them have scored, the set is *reduced*: it counts
as complete only when the chief expert confirms it by locking on the web (audited, the reduced sets
are named in the entry); the command line's ``--lock`` never confirms one (formats.md).

Choices where marking.md is silent: the judges who entered marks in a criterion sign it off, and
the chief expert may lock only once all of them have; ``--lock`` on the command line signs off for
them (the paper forms carry their signatures). Unlocking clears the sign-offs — they were given
for the marks as they stood — and needs a reason.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, select

from app import audit, clock
from app.auth.models import User
from app.errors import DomainError
from app.extensions import db
from app.marking.competitors import Competitor
from app.marking.marksheet import Marksheet
from app.marking.models import CriterionReopening, CriterionSignoff, SchemeCriterion
from app.messages import msg
from app.signals import criterion_locked, criterion_unlocked


@dataclass
class CriterionState:
    criterion: SchemeCriterion
    missing: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    reduced: list[str] = field(default_factory=list)
    markers: set[int] = field(default_factory=set)
    signed: set[int] = field(default_factory=set)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def unsigned(self) -> set[int]:
        return self.markers - self.signed

    def lockable(self, *, confirm_reduced: bool) -> bool:
        return self.complete and not self.flags and (confirm_reduced or not self.reduced)

    def summary(self) -> str:
        """One English line for the command line: why the criterion is not locked."""
        parts = []
        if self.missing:
            parts.append(f"{len(self.missing)} marks missing (first: {self.missing[0]})")
        if self.reduced:
            parts.append(f"{len(self.reduced)} reduced judgement set(s) need the chief expert's confirmation")
        if self.flags:
            parts.append(f"{len(self.flags)} open flag(s) (first: {self.flags[0]})")
        return f"criterion {self.criterion.code} not locked: " + "; ".join(parts)


def lead_bib(competitor: Competitor) -> str:
    """A competitor's name in lists outside blind marking: its lead registration's bib."""
    return competitor.lead.contestant_no


def criterion_states(sheet: Marksheet, label: Callable[[Competitor], str] = lead_bib) -> list[CriterionState]:
    """The state of every criterion of the skill, computed from the stored marks. ``label`` names a
    competitor in the missing, flagged and reduced lists (the marking page passes the secret number
    under blind marking); the command line keeps the lead bib."""
    signed: dict[int, set[int]] = {}
    for criterion_id, user_id in db.session.execute(
            select(CriterionSignoff.criterion_id, CriterionSignoff.user_id)
            .join(SchemeCriterion).where(SchemeCriterion.skill_id == sheet.skill.id)):
        signed.setdefault(criterion_id, set()).add(user_id)
    states = []
    competed = [c for c in sheet.competitors if c.competed]
    for criterion in sheet.criteria():
        state = CriterionState(criterion, signed=signed.get(criterion.id, set()))
        for competitor in competed:
            _check_competitor(sheet, criterion, competitor, state, label(competitor))
        states.append(state)
    return states


def _check_competitor(sheet: Marksheet, criterion: SchemeCriterion, competitor: Competitor,
                      state: CriterionState, name: str) -> None:
    """Add one competitor's missing marks, open flags and reduced sets in ``criterion`` to ``state``;
    ``name`` is what the lists call the competitor."""
    size = sheet.event.marking_team_size
    for sub in criterion.sub_criteria:
        for aspect in sub.aspects:
            where = f"{aspect.code} {name}"
            key = (aspect.id, competitor.id)
            if aspect.kind == "M":
                mark = sheet.measured.get(key)
                if mark is None:
                    state.missing.append(where)
                elif mark.judge_id:
                    state.markers.add(mark.judge_id)
                continue
            scores = sheet.judgement_scores(aspect, competitor)
            state.markers.update(scores)
            eligible = sheet.rights.eligible(criterion, competitor)
            counted = set(scores) & eligible
            if sheet.spread_of(aspect, competitor):
                state.flags.append(msg("%(where)s scores %(scores)s", where=where,
                                       scores=",".join(map(str, scores.values()))))
            if len(counted) >= size:
                continue
            if len(eligible) < size and counted == eligible and counted:
                state.reduced.append(where)
            else:
                state.missing.append(msg("%(where)s: %(counted)s of %(size)s scores", where=where,
                                         counted=len(counted), size=size))


def sign_off(criterion: SchemeCriterion, judge: User, state: CriterionState) -> None:
    """A judge who marked a complete, unflagged criterion signs it off (once); the chief may lock only when
    every marker has."""
    if criterion.locked:
        raise DomainError(msg("criterion %(criterion)s is already locked", criterion=criterion.code))
    if judge.id not in state.markers:
        raise DomainError(msg("only judges who marked criterion %(criterion)s sign it off",
                              criterion=criterion.code))
    if not state.complete or state.flags:
        raise DomainError(msg("criterion %(criterion)s is not complete or has open flags: nothing to sign yet",
                              criterion=criterion.code))
    if judge.id in state.signed:
        return
    db.session.add(CriterionSignoff(criterion_id=criterion.id, user_id=judge.id, signed_at=clock.now()))
    state.signed.add(judge.id)
    audit.record("criterion.sign_off", "criterion", criterion.id, event_id=criterion.skill.event_id,
                 after={"skill": criterion.skill.code, "criterion": criterion.code, "judge": judge.username})


def lock(criterion: SchemeCriterion, state: CriterionState, *, confirm_reduced: bool,
         sign_for_markers: bool = False) -> None:
    """Lock a complete, unflagged criterion (``sign_for_markers``: the paper forms carry the signatures)."""
    if criterion.locked:
        return
    if not state.lockable(confirm_reduced=confirm_reduced):
        raise DomainError(msg("criterion %(criterion)s cannot be locked: %(why)s", criterion=criterion.code,
                              why=state.summary()))
    if sign_for_markers:
        for user_id in sorted(state.unsigned):
            db.session.add(CriterionSignoff(criterion_id=criterion.id, user_id=user_id, signed_at=clock.now()))
        state.signed |= state.markers
    elif state.unsigned:
        names = sorted(db.session.scalars(select(User.username).where(User.id.in_(state.unsigned))))
        raise DomainError(msg("criterion %(criterion)s still needs the sign-off of %(judges)s",
                              criterion=criterion.code, judges=", ".join(names)))
    criterion.locked_at, criterion.locked_by = clock.now(), audit.current_actor()
    audit.record("criterion.lock", "criterion", criterion.id, event_id=criterion.skill.event_id,
                 before={"locked": False}, after={"skill": criterion.skill.code, "criterion": criterion.code,
                                                  "locked": True, "reduced_sets_confirmed": state.reduced})
    db.session.flush()
    criterion_locked.send(criterion.skill.event_id, skill_id=criterion.skill_id, criterion=criterion.code)


def unlock(criterion: SchemeCriterion, reason: str) -> None:
    """Open a locked criterion again, with a reason, clearing its sign-offs (given for the marks as they stood);
    audited and announced so the standings rebuild."""
    if not criterion.locked:
        raise DomainError(msg("criterion %(criterion)s is not locked", criterion=criterion.code))
    if not reason.strip():
        raise DomainError(msg("unlocking needs a reason"))
    before = {"locked": True, "locked_at": criterion.locked_at, "locked_by": criterion.locked_by}
    criterion.locked_at = criterion.locked_by = None
    db.session.execute(delete(CriterionSignoff).where(CriterionSignoff.criterion_id == criterion.id))
    audit.record("criterion.unlock", "criterion", criterion.id, event_id=criterion.skill.event_id,
                 before=before, after={"skill": criterion.skill.code, "criterion": criterion.code, "locked": False},
                 note=reason.strip()[:500])
    db.session.flush()
    criterion_unlocked.send(criterion.skill.event_id, skill_id=criterion.skill_id, criterion=criterion.code)


def open_reopenings(skill_id: int) -> list[CriterionReopening]:
    """The skill's criteria reopened for single competitors and not closed yet, oldest first."""
    return db.session.scalars(
        select(CriterionReopening).join(SchemeCriterion)
        .where(SchemeCriterion.skill_id == skill_id, CriterionReopening.closed_at.is_(None))
        .order_by(CriterionReopening.id)).all()


def reopen(criterion: SchemeCriterion, competitor: Competitor, reason: str) -> CriterionReopening:
    """Open a locked criterion again for one competitor (an upheld appeal, an amendment)."""
    if not criterion.locked:
        raise DomainError(msg("criterion %(criterion)s is not locked: its marks can be changed already",
                              criterion=criterion.code))
    if not reason.strip():
        raise DomainError(msg("reopening a criterion needs a reason"))
    if not competitor.competed:
        # Their marks are refused, so the reopening could never be closed again.
        raise DomainError(msg("%(bib)s did not compete: there are no marks to reopen",
                              bib=competitor.lead.contestant_no))
    if any(r.criterion_id == criterion.id and r.competitor_id == competitor.id
           for r in open_reopenings(criterion.skill_id)):
        raise DomainError(msg("criterion %(criterion)s is already reopened for %(bib)s",
                              criterion=criterion.code, bib=competitor.lead.contestant_no))
    reopening = CriterionReopening(criterion_id=criterion.id, competitor_id=competitor.id,
                                   reason=reason.strip()[:2000], opened_by=audit.current_actor(),
                                   opened_at=clock.now())
    db.session.add(reopening)
    db.session.flush()
    audit.record("criterion.reopen", "criterion", criterion.id, event_id=criterion.skill.event_id,
                 after={"skill": criterion.skill.code, "criterion": criterion.code,
                        "contestant_no": competitor.lead.contestant_no}, note=reopening.reason[:500])
    return reopening


def reopening_state(sheet: Marksheet, reopening: CriterionReopening) -> CriterionState:
    """The reopened competitor's marks in the criterion: missing ones, open flags."""
    competitor = next(c for c in sheet.competitors if c.id == reopening.competitor_id)
    state = CriterionState(reopening.criterion)
    if competitor.competed:  # disqualified since: nothing of theirs counts, so it closes as it is
        _check_competitor(sheet, reopening.criterion, competitor, state, lead_bib(competitor))
    return state


def close_reopening(sheet: Marksheet, reopening: CriterionReopening) -> None:
    """Lock the competitor's re-marked criterion again: their marks in it must be complete and
    unflagged (a reduced set counts, as the criterion's lock already confirmed it)."""
    state = reopening_state(sheet, reopening)
    if not state.lockable(confirm_reduced=True):
        raise DomainError(msg("criterion %(criterion)s cannot be locked: %(why)s",
                              criterion=reopening.criterion.code, why=state.summary()))
    reopening.closed_by, reopening.closed_at = audit.current_actor(), clock.now()
    criterion = reopening.criterion
    audit.record("criterion.relock", "criterion", criterion.id, event_id=criterion.skill.event_id,
                 after={"skill": criterion.skill.code, "criterion": criterion.code,
                        "contestant_no": reopening.competitor.contestant_no})
    db.session.flush()
    # The reopening's reason is the amendment's: a final result that changes now is revoked with it.
    criterion_locked.send(criterion.skill.event_id, skill_id=criterion.skill_id, criterion=criterion.code,
                          reason=reopening.reason)


def lock_all_complete(sheet: Marksheet) -> list[CriterionState]:
    """``import marks --lock``: lock every complete, unflagged criterion and close every reopening
    whose marks are complete again; returns the criteria left unlocked (or still reopened)."""
    remaining = []
    for reopening in open_reopenings(sheet.skill.id):
        state = reopening_state(sheet, reopening)
        if state.lockable(confirm_reduced=True):
            close_reopening(sheet, reopening)
        else:
            remaining.append(state)
    for state in criterion_states(sheet):
        if state.criterion.locked:
            continue
        if state.lockable(confirm_reduced=False):
            lock(state.criterion, state, confirm_reduced=False, sign_for_markers=True)
        else:
            remaining.append(state)
    return remaining

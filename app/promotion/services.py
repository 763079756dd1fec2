"""Promotion proposals from final results, the organizer's decisions, and the level records they make.

:func:`propose` asks the pure engine (:func:`scoring.promotion.propose`) once per approved
registration of the event (each member of a team alike) and stores the answer; :func:`approve` and
:func:`reject` decide, one or many at once, all or none; :func:`on_result_amended` (connected to
``result_amended`` in ``create_app``) revokes what an amended final result took away.

Choices where promotion.md is silent:

- **Final only, per skill**: proposals come from the skills published final; the others wait (a
  skill's top-percent rules count only its own entrants, so one skill never needs another's results).
  With no final skill at all the refusal names the skills (a skill without a marking scheme has no
  results and is named too); :func:`not_final` names the ones still waiting.
- **Inputs**: contest = the event's tier, class, effective tier, the year the event *ended*, the
  skill's occupation and team size and the skill's count of competed entrants (``SkillResults``);
  candidate = rank and award of the competitor's standing (a team's standing for every member),
  the registration's group (else the skill's), and the levels held: the level declared at
  registration (in the skill's occupation) plus every :class:`SkillLevelRecord` of the person,
  except the one this very event granted (so a recomputation after approval does not see the new
  level as the current one).
- **History** (``one_per_year``): the person's level records whose source is ``promotion:<event>``
  for another event; the year is that event's end (else the record's date).
- **Recomputation** rewrites ``proposed`` rows and leaves ``approved``/``rejected`` rows untouched;
  a pending row whose registration is no longer approved is deleted. One audit entry per run.
- **Approval** needs a proposed level (a "no promotion" row can only be rejected) and creates a
  :class:`SkillLevelRecord` ``(occupation, level, obtained_on = the approval day, source =
  promotion:<event>)``, then sends ``promotion_approved`` so certificates can issue the ``level``
  certificate (and fill ``certificate_no``). A bulk decision refuses as a whole when one row cannot
  be decided (already decided, no level) and names it.
- **Revocation** (an amended final result): an approved row is affected when its skill's fresh
  outcome (proposed level or rule) differs from what was approved, or, while the skill cannot be
  computed (reopened criterion, not final), when its competitor's line changed. Its level record is
  **deleted** (not marked): a record is a level held, and every reader (eligibility, current level)
  would otherwise need to skip revoked ones; the audit entry keeps the record's content, and the
  proposal keeps ``revoked_at``/``revoked_reason``. The row goes back to ``proposed`` and is
  recomputed at once when the skill is final and complete.

Services flush and audit, never commit (design.md).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app import audit, clock
from app.errors import DomainError
from app.events.models import Event, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.messages import msg
from app.people.models import SkillLevelRecord
from app.promotion.models import PromotionProposal, ProposalStatus
from app.results.models import Standing
from app.results.standings import results_of
from app.rulesets import PROMOTION, rule_set, version_in_force
from scoring import promotion
from scoring.marks import Finding

SOURCE_PREFIX = "promotion:"
FIELDS = ["status", "current_level", "proposed_level", "rule", "rule_set", "rule_set_version",
          "decision_reason", "decided_by", "decided_at", "level_record_id"]


class PromotionError(DomainError):
    """A promotion operation refused for a reason the organizer can act on."""


def source_of(event: Event) -> str:
    """The ``source`` a level record granted by this event carries, so the event's promotions can find their records."""
    return f"{SOURCE_PREFIX}{event.code}"


def stored(finding: Finding) -> dict[str, Any]:
    """A Finding as JSON: its template and values, nested Findings likewise (translated on the web)."""
    return {"template": finding.template,
            "params": {k: stored(v) if isinstance(v, Finding) else v for k, v in finding.params.items()}}


# --- the rule set and the results ------------------------------------------------------------------

@dataclass(frozen=True)
class Rules:
    code: str
    version: int
    rule_set: promotion.PromotionRuleSet


def rules_of(event: Event) -> Rules:
    """The event's promotion rule set in force; refused when the event has none or it is unknown."""
    code = event.promotion_rules
    if not code:
        raise PromotionError(msg("event %(event)s has no promotion rule set (promotion_rules): set one "
                                 "before proposing promotions", event=event.code))
    found = rule_set(PROMOTION, code)       # RuleSetUnknown (a DomainError) when there is none
    return Rules(code, version_in_force(PROMOTION, code) or 0, found)


def not_final(event: Event) -> list[str]:
    """Codes of the event's skills whose results are not published final."""
    missing = []
    for skill in sorted(event.skills, key=lambda s: s.code):
        results = results_of(skill)
        if results is None or not results.final:
            missing.append(skill.code)
    return missing


def _final_skills(event: Event) -> list[Skill]:
    missing = not_final(event)
    final = [skill for skill in event.skills if skill.code not in missing]
    if not final:
        raise PromotionError(msg("promotion proposals need final results; not final: %(skills)s",
                                 skills=", ".join(missing)))
    return final


# --- computing ---------------------------------------------------------------------------------------

def _approved(skill: Skill) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.skill_id == skill.id, Registration.status == RegistrationStatus.APPROVED)
        .order_by(Registration.contestant_no)))


def _leads(skill: Skill, registrations: Sequence[Registration]) -> dict[int, int]:
    """registration id → its competitor's lead registration id (the first bib of a team), as the
    standings key competitors (app.marking.competitors)."""
    if skill.team_size <= 1:
        return {r.id: r.id for r in registrations}
    teams: dict[str, list[Registration]] = {}
    for registration in registrations:
        teams.setdefault(registration.team or registration.contestant_no, []).append(registration)
    return {m.id: members[0].id for members in teams.values() for m in members}


def _history(person_id: int, event: Event) -> tuple[list[promotion.HeldLevel], list[promotion.PriorPromotion]]:
    records = db.session.scalars(select(SkillLevelRecord).where(SkillLevelRecord.person_id == person_id)).all()
    own = source_of(event)
    held, prior = [], []
    for record in records:
        if record.source == own:
            continue
        held.append(promotion.HeldLevel(record.occupation_code, record.level))
        if record.source.startswith(SOURCE_PREFIX):
            code = record.source.removeprefix(SOURCE_PREFIX)
            other = db.session.scalar(select(Event).where(Event.code == code))
            year = other.ends_on.year if other is not None else (record.obtained_on.year if record.obtained_on
                                                                  else 0)
            by = db.session.scalar(select(PromotionProposal.rule_set).where(
                PromotionProposal.level_record_id == record.id))
            prior.append(promotion.PriorPromotion(year, code, record.occupation_code, record.level, by or ""))
    return held, prior


def _outcomes(event: Event, skill: Skill, rules: Rules) -> dict[int, promotion.Outcome]:
    """registration id → the engine's outcome, for every approved registration of the skill."""
    results = results_of(skill)
    competed = results.competed if results is not None else 0
    registrations = _approved(skill)
    leads = _leads(skill, registrations)
    standings = {s.competitor_id: s for s in db.session.scalars(select(Standing).where(Standing.skill_id == skill.id))}
    contest = promotion.Contest(tier=event.tier, event_class=event.event_class, year=event.ends_on.year,
                                competed=competed, occupation=skill.occupation_code,
                                effective_tier=event.effective_tier, team_size=skill.team_size, event=event.code)
    found = {}
    for registration in registrations:
        standing = standings.get(leads[registration.id])
        held, prior = _history(registration.person_id, event)
        if registration.current_level and skill.occupation_code:
            held.append(promotion.HeldLevel(skill.occupation_code, registration.current_level))
        group = registration.group or skill.group
        candidate = promotion.Candidate(rank=standing.rank if standing is not None else None,
                                        award=standing.award if standing is not None else None,
                                        group=str(group) if group is not None else None, levels=tuple(held))
        found[registration.id] = promotion.propose(rules.rule_set, contest, candidate, prior)
    return found


def _write(proposal: PromotionProposal, outcome: promotion.Outcome, rules: Rules) -> bool:
    """Store a fresh outcome on a pending proposal; True when anything changed."""
    fresh = {"current_level": outcome.current, "proposed_level": outcome.proposed, "rule": outcome.rule,
             "reason": stored(outcome.reason), "rule_set": rules.code, "rule_set_version": rules.version,
             "titles": [{"title": t.title, "rule": t.rule, "reason": stored(t.reason)} for t in outcome.titles]}
    changed = any(getattr(proposal, k) != v for k, v in fresh.items())
    for key, value in fresh.items():
        setattr(proposal, key, value)
    if changed:
        proposal.computed_at = clock.now()
    return changed


def _existing(event: Event) -> dict[int, PromotionProposal]:
    return {p.registration_id: p for p in db.session.scalars(
        select(PromotionProposal).where(PromotionProposal.event_id == event.id))}


def _compute_skill(event: Event, skill: Skill, rules: Rules, existing: dict[int, PromotionProposal]) -> int:
    """Write the skill's pending proposals; returns how many were created or changed."""
    changed = 0
    outcomes = _outcomes(event, skill, rules)
    for registration_id, outcome in outcomes.items():
        proposal = existing.get(registration_id)
        if proposal is not None and proposal.decided:
            continue                       # approved and rejected proposals are frozen
        if proposal is None:
            registration = db.session.get(Registration, registration_id)
            proposal = PromotionProposal(event_id=event.id, skill_id=skill.id, registration_id=registration_id,
                                         person_id=registration.person_id, status=ProposalStatus.PROPOSED)
            db.session.add(proposal)
            existing[registration_id] = proposal
        changed += _write(proposal, outcome, rules)
    for proposal in [p for p in existing.values() if p.skill_id == skill.id]:
        if proposal.registration_id not in outcomes and not proposal.decided:
            db.session.delete(proposal)    # no longer an approved registration
            del existing[proposal.registration_id]
            changed += 1
    return changed


def propose(event: Event) -> list[PromotionProposal]:
    """Compute and store the proposals of the event's final skills (decided ones untouched)."""
    rules = rules_of(event)
    final = _final_skills(event)
    existing = _existing(event)
    changed = sum(_compute_skill(event, skill, rules, existing) for skill in final)
    db.session.flush()
    proposals = proposals_of(event)
    audit.record("promotion.propose", "event", event.code, event_id=event.id,
                 after={"rules": rules.code, "version": rules.version, "proposals": len(proposals),
                        "changed": changed, "skills": [skill.code for skill in final]})
    return proposals


def proposals_of(event: Event, *, skill: Skill | None = None,
                 status: ProposalStatus | None = None) -> list[PromotionProposal]:
    """The event's stored proposals, by skill code then bib (code-point order, sorted in Python)."""
    query = select(PromotionProposal).where(PromotionProposal.event_id == event.id)
    if skill is not None:
        query = query.where(PromotionProposal.skill_id == skill.id)
    if status is not None:
        query = query.where(PromotionProposal.status == status)
    rows = list(db.session.scalars(query))
    return sorted(rows, key=lambda p: (p.skill.code, p.registration.contestant_no))


def document(event: Event, proposals: Iterable[PromotionProposal]) -> dict[str, Any]:
    """formats.md "promotion proposals (json)" (English reasons)."""
    return {"event": event.code, "rules": event.promotion_rules, "proposals": [
        {"contestant_no": p.registration.contestant_no, "current_level": p.current_level,
         "proposed_level": p.proposed_level, "rule": p.rule, "reason": str(p.message)} for p in proposals]}


# --- deciding ----------------------------------------------------------------------------------------

def _decidable(proposals: Sequence[PromotionProposal], *, needs_level: bool) -> None:
    if not proposals:
        raise PromotionError(msg("no proposal selected"))
    problems = []
    for p in proposals:
        bib = p.registration.contestant_no
        if p.decided:
            problems.append(msg("%(bib)s is already %(status)s", bib=bib, status=p.status.value))
        elif needs_level and p.proposed_level is None:
            problems.append(msg("%(bib)s has no promotion to approve (reject it instead)", bib=bib))
    if problems:
        raise PromotionError(msg("nothing decided: %(problems)s", problems="; ".join(problems)))


def approve(proposals: Sequence[PromotionProposal], by: str | None = None) -> list[SkillLevelRecord]:
    """Approve every proposal or none; each creates a skill-level record and sends ``promotion_approved``."""
    from app.signals import promotion_approved

    _decidable(proposals, needs_level=True)
    by = by or audit.current_actor()
    records = []
    for proposal in proposals:
        before = audit.snapshot(proposal, FIELDS)
        record = SkillLevelRecord(person_id=proposal.person_id, occupation_code=proposal.skill.occupation_code,
                                  level=proposal.proposed_level, obtained_on=clock.today(),
                                  source=source_of(proposal.event))
        db.session.add(record)
        db.session.flush()
        proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.APPROVED, by, clock.now()
        proposal.decision_reason, proposal.level_record_id = None, record.id
        audit.record("promotion.approve", "promotion_proposal", proposal.id, event_id=proposal.event_id,
                     before=before, after=audit.snapshot(proposal, FIELDS),
                     note=f"{proposal.registration.contestant_no}: {record.occupation_code} {record.level}")
        records.append(record)
    db.session.flush()
    for proposal, record in zip(proposals, records, strict=True):
        promotion_approved.send(proposal.event_id, proposal_id=proposal.id, record_id=record.id)
    return records


def reject(proposals: Sequence[PromotionProposal], reason: str, by: str | None = None) -> None:
    """Reject every proposal or none, with the organizer's reason."""
    reason = (reason or "").strip()
    if not reason:
        raise PromotionError(msg("a rejection needs a reason"))
    _decidable(proposals, needs_level=False)
    by = by or audit.current_actor()
    for proposal in proposals:
        before = audit.snapshot(proposal, FIELDS)
        proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.REJECTED, by, clock.now()
        proposal.decision_reason = reason[:500]
        audit.record("promotion.reject", "promotion_proposal", proposal.id, event_id=proposal.event_id,
                     before=before, after=audit.snapshot(proposal, FIELDS), note=reason[:500])
    db.session.flush()


# --- an amended final result -------------------------------------------------------------------------

def revoke(proposal: PromotionProposal, reason: str) -> None:
    """Undo an approval: delete its level record (the audit entry keeps it), send
    ``promotion_revoked`` and put the proposal back to ``proposed``."""
    from app.signals import promotion_revoked

    before = audit.snapshot(proposal, FIELDS)
    record = proposal.level_record
    gone = None if record is None else {"occupation": record.occupation_code, "level": record.level,
                                        "certificate_no": record.certificate_no, "source": record.source,
                                        "obtained_on": record.obtained_on}
    proposal.level_record_id = None
    if record is not None:
        db.session.delete(record)
    proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.PROPOSED, None, None
    proposal.decision_reason = None
    proposal.revoked_at, proposal.revoked_reason = clock.now(), reason[:500]
    db.session.flush()
    audit.record("promotion.revoke", "promotion_proposal", proposal.id, event_id=proposal.event_id,
                 before={**before, "level_record": gone}, after=audit.snapshot(proposal, FIELDS), note=reason[:500])
    held = gone or {}
    promotion_revoked.send(proposal.event_id, proposal_id=proposal.id, person_id=proposal.person_id,
                           occupation=held.get("occupation"), level=held.get("level"),
                           certificate_no=held.get("certificate_no"), reason=reason)


def on_result_amended(event_id: int, skill_id: int, reason: str, competitor_ids: Sequence[int] = (),
                      **_: object) -> int:
    """Revoke the skill's approved promotions the amendment affects, with its ``reason``, and recompute
    its pending proposals (see the module docstring); returns how many were revoked. Nothing happens
    for an event that never had proposals."""
    skill = db.session.get(Skill, skill_id)
    if skill is None:
        return 0
    event = skill.event
    existing = _existing(event)
    if not existing:
        return 0
    results = results_of(skill)
    computable = results is not None and results.final and results.complete and bool(event.promotion_rules)
    try:
        rules = rules_of(event) if computable else None
    except DomainError:                    # the rule set vanished: revoke by changed lines, compute nothing
        rules = None
    fresh = _outcomes(event, skill, rules) if rules is not None else {}
    registrations = _approved(skill)
    leads = _leads(skill, registrations)
    changed = set(competitor_ids)
    revoked = 0
    for proposal in [p for p in existing.values() if p.skill_id == skill.id]:
        if proposal.status != ProposalStatus.APPROVED:
            continue
        outcome = fresh.get(proposal.registration_id)
        if rules is not None:
            affected = outcome is None or (outcome.proposed, outcome.rule) != (proposal.proposed_level, proposal.rule)
        else:
            affected = leads.get(proposal.registration_id, proposal.registration_id) in changed
        if affected:
            revoke(proposal, reason)
            revoked += 1
    if rules is not None:
        _compute_skill(event, skill, rules, existing)
        db.session.flush()
    return revoked


def connect() -> None:
    """Revoke or recompute promotions when a result they rest on is amended."""
    from app.signals import result_amended
    result_amended.connect(on_result_amended)

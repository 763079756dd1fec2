"""Grant computation and the ledger: compute (read-only), recompute into the ledger, fill in,
approve, list, total and export (grants.md "What the grants feature must do").

A *scope* is a rule set and optionally a year, an event and a unit (the jurisdiction). The lines of
a scope are the rule set's lines over the facts (:mod:`app.grants.facts`), kept when

- ``year``: the line's year is it (the event's year, the title's year, or the day a training payment
  fell due — ``scoring.grants``' reading);
- ``event``: the line's trigger is that event (``EVENT/SKILL`` or ``AWARD/EVENT/…``); titles and
  trainings never are;
- ``unit``: the line's unit — the payee unit, or for a person the unit of the registration, title or
  training body that placed them (``GrantLine.unit``) — is that unit or below it.

The computation always runs over whole years (an event's scope computes its year), then filters,
so ``exclusive = true`` (the highest line per unit, occupation and year) sees every event of the
year, whatever the scope shown.

The ledger (:class:`~app.grants.models.LedgerLine`):

- :func:`recompute` stores new lines, updates lines not approved (a manual line keeps the amount a
  person filled in), removes not-approved lines of the scope whose trigger vanished, and never
  changes an approved line: when the fresh amount differs from the amount computed at approval (or
  the trigger vanished) it is marked ``changed`` with the fresh amount and explanation beside it,
  and marked back ``approved`` when the computation agrees again. A change of wording alone (a
  renamed skill) does not mark an approved line. Every write is audited with before and after.
- :func:`fill_amount` sets a manual line's amount (``scoring.grants.manual_amount_problems``: yuan
  to the fen, within the rule's cap); :func:`approve` freezes lines, refusing manual lines without
  an amount. Approval is the web's (formats.md); ``grants compute`` never writes.

Services add, flush and audit; the caller commits (design.md).
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app import audit, clock
from app.errors import DomainError
from app.events.models import Event
from app.extensions import db
from app.grants.facts import derive_facts
from app.grants.models import LedgerLine, LineStatus
from app.messages import Message, msg
from app.rulesets import GRANTS, RuleSetUnknown, rule_set
from app.tabular import csv_bytes, xlsx_bytes
from app.units.models import Unit
from app.units.services import subtree_ids
from scoring import grants
from scoring.grants.kinds import PersonByAward, UnitPerSkill

ZERO = Decimal("0.00")
EXPORT_COLUMNS = ["payee", "rule", "trigger", "amount", "explanation"]
CHUNK = 500
LINE_FIELDS = ["policy", "rule", "payee", "trigger", "amount", "computed_amount", "status", "fresh_amount",
               "vanished", "unit_code", "event_code", "year"]


class LedgerError(DomainError):
    """A grants operation refused, with a message a person can act on."""


@dataclass(frozen=True)
class Scope:
    policy: str
    year: int | None = None
    event: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class _Resolved:
    scope: Scope
    rule_set: grants.RuleSet
    year: int | None             # the year whose facts are computed
    units: frozenset[str] | None

    def keeps(self, unit: str, event: str | None, year: int | None) -> bool:
        if self.scope.year is not None and year != self.scope.year:
            return False
        if self.scope.event is not None and event != self.scope.event:
            return False
        return self.units is None or unit in self.units


@dataclass(frozen=True)
class Recomputed:
    computation: grants.Computation
    created: int = 0
    updated: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Totals:
    by_payee: dict[str, Decimal]
    by_rule: dict[str, Decimal]
    total: Decimal
    manual_open: int             # manual lines still without an amount (counted 0)


# --- scope ----------------------------------------------------------------------------------------

def grant_rule_set(code: str) -> grants.RuleSet:
    """The grant rule set with this code; refused as a ledger error when there is none."""
    try:
        found: grants.RuleSet = rule_set(GRANTS, code)
    except RuleSetUnknown:
        raise LedgerError(msg("unknown grant rule set %(code)s", code=code)) from None
    return found


def _resolve(scope: Scope) -> _Resolved:
    found = grant_rule_set(scope.policy)
    year = scope.year
    if scope.event is not None:
        event_year = db.session.scalar(select(Event.year).where(Event.code == scope.event))
        if event_year is None:
            raise LedgerError(msg("unknown event %(code)s", code=scope.event))
        year = event_year
    units = None
    if scope.unit is not None:
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == scope.unit))
        if unit_id is None:
            raise LedgerError(msg("unknown unit %(code)s", code=scope.unit))
        ids = sorted(subtree_ids(unit_id))
        codes: set[str] = set()
        for start in range(0, len(ids), CHUNK):
            codes.update(db.session.scalars(select(Unit.code).where(Unit.id.in_(ids[start:start + CHUNK]))))
        units = frozenset(codes)
    return _Resolved(scope, found, year, units)


def line_event(line: grants.GrantLine) -> str | None:
    """The event a line's trigger names: ``EVENT/SKILL`` or ``AWARD/EVENT/SKILL/<bib>``."""
    if line.kind == UnitPerSkill.KIND:
        return line.trigger.split("/", 1)[0]
    if line.kind == PersonByAward.KIND:
        return line.trigger.split("/")[1]
    return None


# --- computing (read-only) ------------------------------------------------------------------------

def _compute(resolved: _Resolved) -> grants.Computation:
    event_only = resolved.scope.event is not None
    facts = derive_facts(resolved.year, titles=not event_only, trainings=not event_only)
    try:
        result = grants.compute(resolved.rule_set, facts, today=clock.today())
    except grants.GrantsError as error:
        raise LedgerError(msg("the recorded facts cannot be computed: %(problems)s",
                              problems="; ".join(map(str, error.findings)))) from None

    def keep(line: grants.GrantLine) -> bool:
        return resolved.keeps(line.unit, line_event(line), line.year)

    return dataclasses.replace(result, lines=tuple(filter(keep, result.lines)),
                               excluded=tuple(filter(keep, result.excluded)))


def compute(scope: Scope) -> grants.Computation:
    """The fresh lines of a scope, sorted by payee, rule, trigger; writes nothing. Refused
    (:class:`LedgerError`) for an unknown rule set, event or unit."""
    return _compute(_resolve(scope))


def export_rows(lines: Iterable[grants.GrantLine | LedgerLine]) -> list[list[Any]]:
    """formats.md's CSV/XLSX rows ``payee,rule,trigger,amount,explanation`` (English explanation;
    a manual line's amount empty), in payee, rule, trigger order."""
    rows = []
    for line in lines:
        text = line.explanation.text if isinstance(line, grants.GrantLine) else line.message
        rows.append([line.payee, line.rule, line.trigger, "" if line.amount is None else f"{line.amount:.2f}",
                     str(text)])
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


def ledger_document(policy: str, lines: Iterable[LedgerLine]) -> dict[str, Any]:
    """formats.md's grant lines JSON for stored lines, each with its ``status`` (computed, approved,
    changed); amounts as 2-decimal strings, ``null`` for a manual line not filled in."""
    ordered = sorted(lines, key=lambda ln: (ln.payee, ln.rule, ln.trigger))
    found = totals(ordered)
    return {
        "policy": policy,
        "lines": [{"payee": ln.payee, "rule": ln.rule, "trigger": ln.trigger,
                   "amount": None if ln.amount is None else f"{ln.amount:.2f}", "explanation": str(ln.message),
                   "status": ln.status.value} for ln in ordered],
        "totals": {payee: f"{amount:.2f}" for payee, amount in found.by_payee.items()},
        "total": f"{found.total:.2f}",
    }


def export_bytes(lines: Iterable[grants.GrantLine | LedgerLine], fmt: str, title: str) -> bytes:
    """CSV (UTF-8 with BOM) or XLSX, formula-safe (``app.tabular``)."""
    rows = export_rows(lines)
    if fmt == "csv":
        return csv_bytes(EXPORT_COLUMNS, rows)
    return xlsx_bytes(EXPORT_COLUMNS, rows, title=title)


# --- the ledger -----------------------------------------------------------------------------------

def stored_explanation(explanation: grants.Explanation) -> dict[str, Any]:
    """An explanation as JSON: its template and values, nested explanations likewise."""
    return {"template": explanation.template,
            "params": {k: stored_explanation(v) if isinstance(v, grants.Explanation) else v
                       for k, v in explanation.params.items()}}


def _stored_in(resolved: _Resolved) -> list[LedgerLine]:
    query = select(LedgerLine).where(LedgerLine.policy == resolved.scope.policy)
    if resolved.scope.year is not None:
        query = query.where(LedgerLine.year == resolved.scope.year)
    if resolved.scope.event is not None:
        query = query.where(LedgerLine.event_code == resolved.scope.event)
    return [line for line in db.session.scalars(query)
            if resolved.keeps(line.unit_code, line.event_code, line.year)]


def _stored_by_key(policy: str, triggers: set[str]) -> dict[tuple[str, str, str, str], LedgerLine]:
    ordered = sorted(triggers)
    found: dict[tuple[str, str, str, str], LedgerLine] = {}
    for start in range(0, len(ordered), CHUNK):
        for line in db.session.scalars(select(LedgerLine).where(
                LedgerLine.policy == policy, LedgerLine.trigger.in_(ordered[start:start + CHUNK]))):
            found[line.key] = line
    return found


def _state(line: LedgerLine) -> dict[str, Any]:
    return audit.snapshot(line, LINE_FIELDS)


def _place(line: LedgerLine, fresh: grants.GrantLine) -> None:
    line.kind, line.unit_code, line.event_code = fresh.kind, fresh.unit, line_event(fresh)
    line.year, line.occupation = fresh.year, fresh.occupation


def _create(fresh: grants.GrantLine) -> LedgerLine:
    line = LedgerLine(policy=fresh.policy, rule=fresh.rule, payee=fresh.payee, trigger=fresh.trigger,
                      amount=fresh.amount, computed_amount=fresh.amount,
                      explanation=stored_explanation(fresh.explanation), status=LineStatus.COMPUTED,
                      vanished=False, computed_at=clock.now())
    _place(line, fresh)
    db.session.add(line)
    return line


def _update(line: LedgerLine, fresh: grants.GrantLine) -> bool:
    """A line not approved takes the fresh computation; a manual line keeps a filled-in amount."""
    before = _state(line), line.explanation
    if fresh.amount is not None:
        amount = fresh.amount
    else:
        amount = line.amount if line.computed_amount is None else None
    line.amount, line.computed_amount = amount, fresh.amount
    line.explanation = stored_explanation(fresh.explanation)
    _place(line, fresh)
    if (_state(line), line.explanation) == before:
        return False
    line.computed_at = clock.now()
    return True


def _mark(line: LedgerLine, fresh: grants.GrantLine | None) -> bool:
    """An approved line stays frozen; it is ``changed`` while the computation disagrees with it."""
    before = _state(line)
    differs = fresh is None or fresh.amount != line.computed_amount
    if differs:
        line.status = LineStatus.CHANGED
        line.vanished = fresh is None
        line.fresh_amount = None if fresh is None else fresh.amount
        line.fresh_explanation = None if fresh is None else stored_explanation(fresh.explanation)
    else:
        line.status, line.vanished = LineStatus.APPROVED, False
        line.fresh_amount, line.fresh_explanation = None, None
    return _state(line) != before


def recompute(scope: Scope) -> Recomputed:
    """Bring the ledger of ``scope`` in line with a fresh computation (see the module's doc)."""
    resolved = _resolve(scope)
    result = _compute(resolved)
    stored = {line.key: line for line in _stored_in(resolved)}
    stored.update(_stored_by_key(scope.policy, {fresh.trigger for fresh in result.lines}))
    counts: dict[str, int] = defaultdict(int)
    created: list[LedgerLine] = []
    for fresh in result.lines:
        line = stored.pop(fresh.key, None)
        if line is None:
            created.append(_create(fresh))
            continue
        before = _state(line)
        if line.approved:
            if _mark(line, fresh):
                counts["changed"] += 1
                audit.record("grant_line.mark", "grant_line", line.id, before=before, after=_state(line))
            else:
                counts["unchanged"] += 1
        elif _update(line, fresh):
            counts["updated"] += 1
            audit.record("grant_line.update", "grant_line", line.id, before=before, after=_state(line))
        else:
            counts["unchanged"] += 1
    for line in sorted(stored.values(), key=lambda ln: ln.key):
        if not resolved.keeps(line.unit_code, line.event_code, line.year):
            continue                   # found by its trigger only: another scope's line
        before = _state(line)
        if line.approved:
            if _mark(line, None):
                counts["changed"] += 1
                audit.record("grant_line.mark", "grant_line", line.id, before=before, after=_state(line),
                             note="trigger vanished")
            else:
                counts["unchanged"] += 1
            continue
        audit.record("grant_line.remove", "grant_line", line.id, before=before, note="trigger vanished")
        db.session.delete(line)
        counts["removed"] += 1
    db.session.flush()
    for line in created:
        audit.record("grant_line.create", "grant_line", line.id, after=_state(line))
    return Recomputed(result, created=len(created), updated=counts["updated"], removed=counts["removed"],
                      changed=counts["changed"], unchanged=counts["unchanged"])


def ledger(scope: Scope, *, status: LineStatus | None = None) -> list[LedgerLine]:
    """The stored lines of a scope (optionally of one status), sorted by payee, rule, trigger."""
    lines = _stored_in(_resolve(scope))
    if status is not None:
        lines = [line for line in lines if line.status == status]
    return sorted(lines, key=lambda ln: (ln.payee, ln.rule, ln.trigger))


def lines_by_id(policy: str, ids: Sequence[int]) -> list[LedgerLine]:
    """The lines of ``policy`` among ``ids`` (others ignored, whatever a form posts)."""
    if not ids:
        return []
    return list(db.session.scalars(select(LedgerLine).where(LedgerLine.policy == policy,
                                                            LedgerLine.id.in_(list(ids)))))


def fill_amount(line: LedgerLine, amount: Decimal | str) -> None:
    """A person's amount for a manual line not approved yet (yuan to the fen, within the rule's cap)."""
    if line.approved:
        raise LedgerError(msg("line %(trigger)s is approved and frozen", trigger=line.trigger))
    if not line.manual:
        raise LedgerError(msg("rule %(rule)s has an amount; only manual lines are filled in", rule=line.rule))
    found = grants.manual_amount_problems(grant_rule_set(line.policy), line.rule, amount)
    if found:
        raise LedgerError(msg(found[0].template, **found[0].params))
    before = _state(line)
    line.amount = grants.money(amount)
    audit.record("grant_line.amount", "grant_line", line.id, before=before, after=_state(line))


def approve(lines: Iterable[LedgerLine], by: str) -> int:
    """Approve (freeze) lines not approved yet, all or none: a manual line needs its amount first.
    ``by`` names the approver (``user:<username>``); returns how many were approved."""
    pending = [line for line in lines if not line.approved]
    open_manual = sorted(line.trigger for line in pending if line.amount is None)
    if open_manual:
        raise LedgerError(msg("fill in the amount of the manual line(s) %(triggers)s before approving",
                              triggers=", ".join(open_manual)))
    now = clock.now()
    for line in sorted(pending, key=lambda ln: ln.key):
        before = _state(line)
        line.status, line.approved_by, line.approved_at = LineStatus.APPROVED, by, now
        audit.record("grant_line.approve", "grant_line", line.id, before=before,
                     after={**_state(line), "approved_by": by})
    return len(pending)


def totals(lines: Iterable[LedgerLine | grants.GrantLine]) -> Totals:
    """Sums per payee and per rule in ``Decimal`` (a manual line without an amount counts 0)."""
    by_payee: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_rule: dict[str, Decimal] = defaultdict(lambda: ZERO)
    open_manual = 0
    for line in lines:
        by_payee[line.payee] += line.amount or ZERO
        by_rule[line.rule] += line.amount or ZERO
        open_manual += line.amount is None
    return Totals(dict(sorted(by_payee.items())), dict(sorted(by_rule.items())),
                  sum(by_payee.values(), ZERO), open_manual)


def not_computed_messages(result: grants.Computation) -> list[Message]:
    """What the computation could not do, as messages (a rule whose facts are not held)."""
    return [msg("%(policy)s %(rule)s: %(reason)s", policy=n.policy, rule=n.rule,
                reason=Message(n.reason.template, **n.reason.params)) for n in result.not_computed]

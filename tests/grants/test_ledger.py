"""The ledger: recomputing is idempotent, approved lines are frozen (and marked ``changed`` while a
fresh computation disagrees), lines whose trigger vanished are removed unless approved, manual lines
need an amount before approval, a scope never touches another's lines, and every write is audited."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.events.models import Attendance
from app.extensions import db
from app.grants.models import LedgerLine, LineStatus
from app.grants.services import (
    LedgerError,
    Scope,
    approve,
    fill_amount,
    ledger,
    ledger_document,
    recompute,
    totals,
)
from app.rulesets import import_rule_set
from scoring.rulesets import shipped_text
from tests.events.contest import id_number
from tests.grants.builders import JIANGXI_2026, GrantsWorld, amounts
from tests.grants.records_helpers import training_row
from tests.grants.test_records import TRAINING
from tests.marking.builders import run

JX = Scope("jiangxi-2019", year=2026)


def audit(action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


def line(trigger: str, rule: str | None = None, payee: str = "JX-TC1") -> LedgerLine:
    query = select(LedgerLine).where(LedgerLine.trigger == trigger, LedgerLine.payee == payee)
    if rule:
        query = query.where(LedgerLine.rule == rule)
    return db.session.scalar(query)


def hosting_amount(amount: int) -> None:
    text = shipped_text("grants", "jiangxi-2019").replace(
        'act = "hosting"\ntiers = "national_tiers"\namount = 300000',
        f'act = "hosting"\ntiers = "national_tiers"\namount = {amount}')
    import_rule_set(text.encode("utf-8"), "jiangxi.toml")


def test_recompute_stores_the_lines_once(make):
    GrantsWorld(make)
    first = recompute(JX)
    db.session.commit()
    assert (first.created, first.updated, first.removed, first.changed) == (6, 0, 0, 0)
    assert amounts(ledger(JX)) == JIANGXI_2026
    stored = line("NAT/WELD", "national_hosting")
    assert (stored.status, stored.computed_amount, stored.unit_code, stored.event_code, stored.year,
            stored.kind) == (LineStatus.COMPUTED, Decimal("300000.00"), "JX-TC1", "NAT", 2026,
                             "unit_per_skill")
    assert str(stored.message).startswith("JX-TC1 hosts skill 焊接 WELD of NAT")
    assert len(audit("grant_line.create")) == 6

    again = recompute(JX)
    db.session.commit()
    assert (again.created, again.updated, again.removed, again.changed, again.unchanged) == (0, 0, 0, 0, 6)
    assert len(audit("grant_line.create")) == 6 and audit("grant_line.update") == []
    doc = ledger_document("jiangxi-2019", ledger(JX))
    assert doc["total"] == "800000.00" and {ln["status"] for ln in doc["lines"]} == {"computed"}
    assert doc["lines"][0]["payee"] == "BJ-S1" and doc["totals"]["JX-JT"] == "200000.00"
    found = totals(ledger(JX))
    assert found.total == Decimal("800000.00") and found.by_payee["JX-TC1"] == Decimal("500000.00")
    assert found.by_rule["provincial_class1_organizing"] == Decimal("200000.00") and found.manual_open == 0


def test_approved_lines_are_frozen_and_marked_changed(make):
    GrantsWorld(make)
    recompute(JX)
    hosting = line("NAT/WELD", "national_hosting")
    assert approve([hosting], by="user:org") == 1
    db.session.commit()
    assert (hosting.status, hosting.approved_by) == (LineStatus.APPROVED, "user:org")
    assert audit("grant_line.approve")[0].after["approved_by"] == "user:org"

    hosting_amount(250000)
    result = recompute(JX)
    db.session.commit()
    assert result.changed == 1
    assert (hosting.amount, hosting.status, hosting.fresh_amount) == (
        Decimal("300000.00"), LineStatus.CHANGED, Decimal("250000.00"))
    assert "¥250,000.00" in str(hosting.fresh_message) and "¥300,000.00" in str(hosting.message)
    assert audit("grant_line.mark")[0].before["status"] == "approved"
    assert approve([hosting], by="user:other") == 0                            # still approved, frozen
    assert hosting.approved_by == "user:org"

    hosting_amount(300000)                                                      # agrees again
    recompute(JX)
    db.session.commit()
    assert (hosting.status, hosting.fresh_amount, hosting.fresh_explanation) == (
        LineStatus.APPROVED, None, None)


def test_lines_not_approved_follow_the_computation(make):
    GrantsWorld(make)
    recompute(JX)
    hosting_amount(250000)
    result = recompute(JX)
    db.session.commit()
    assert result.updated == 1
    stored = line("NAT/WELD", "national_hosting")
    assert (stored.amount, stored.computed_amount, stored.status) == (
        Decimal("250000.00"), Decimal("250000.00"), LineStatus.COMPUTED)
    entry = audit("grant_line.update")[0]
    assert (entry.before["amount"], entry.after["amount"]) == ("300000.00", "250000.00")


def test_a_vanished_trigger_removes_the_line_unless_approved(make):
    world = GrantsWorld(make)
    recompute(JX)
    approve([line("NAT/WELD", "national_participation")], by="user:org")       # N-01's
    world.regs["N-02"].attendance = Attendance.WITHDRAWN
    world.regs["N-01"].attendance = Attendance.DISQUALIFIED
    db.session.commit()
    result = recompute(JX)
    db.session.commit()
    assert result.removed == 1 and line("NAT/CNC") is None
    assert audit("grant_line.remove")[0].before["trigger"] == "NAT/CNC"
    kept = line("NAT/WELD", "national_participation")
    assert (kept.status, kept.vanished, kept.amount, kept.fresh_amount) == (
        LineStatus.CHANGED, True, Decimal("100000.00"), None)


def test_a_scope_never_touches_the_lines_of_another(make):
    world = GrantsWorld(make)
    recompute(JX)
    world.regs["N-02"].attendance = Attendance.ABSENT
    db.session.commit()
    prov = recompute(Scope("jiangxi-2019", event="PROV"))
    bj = recompute(Scope("jiangxi-2019", unit="BJ"))
    assert (prov.unchanged, prov.removed, bj.unchanged, bj.removed) == (2, 0, 1, 0)
    assert line("NAT/CNC") is not None                                # JX-TC1's, not in those scopes
    beijing = ledger(Scope("jiangxi-2019", unit="BJ"))
    assert [(ln.payee, ln.trigger) for ln in beijing] == [("BJ-S1", "NAT/WELD")]
    assert {ln.trigger for ln in ledger(Scope("jiangxi-2019", event="PROV"))} == {"PROV/A", "PROV/B"}
    jx = recompute(Scope("jiangxi-2019", year=2026, unit="JX"))
    assert jx.removed == 1 and line("NAT/CNC") is None
    assert ledger(Scope("jiangxi-2019", year=2025)) == []


def test_manual_lines_need_an_amount_before_approval(make, tmp_path):
    GrantsWorld(make)
    number = id_number()
    path = tmp_path / "training.csv"
    path.write_text(TRAINING + "\n" + training_row(number) + "\n", encoding="utf-8")
    assert run("import", "training", str(path)).exit_code == 0
    scope = Scope("shanxi-2018", year=2026)
    recompute(scope)
    db.session.commit()
    assert amounts(ledger(scope)) == {
        ("JX-TC1", "placement_reward", f"TRAINING/{number}/2026-03-01"): None,
        ("JX-TC1", "training.certificate", f"TRAINING/{number}/2026-03-01"): Decimal("1360.00"),
        ("JX-TC1", "training.employment", f"TRAINING/{number}/2026-03-01"): Decimal("340.00")}
    manual = line(f"TRAINING/{number}/2026-03-01", "placement_reward")
    assert manual.manual and totals(ledger(scope)).manual_open == 1
    with pytest.raises(LedgerError, match="fill in the amount of the manual line"):
        approve(ledger(scope), by="user:org")
    assert all(not ln.approved for ln in ledger(scope))                        # all or none
    with pytest.raises(LedgerError, match="an amount must be 0 or more, in yuan to the fen"):
        fill_amount(manual, "-5")
    with pytest.raises(LedgerError, match="only manual lines are filled in"):
        fill_amount(line(f"TRAINING/{number}/2026-03-01", "training.certificate"), "1")
    fill_amount(manual, "500.00")
    assert audit("grant_line.amount")[0].after["amount"] == "500.00"
    recompute(scope)                                                            # a filled amount survives
    assert manual.amount == Decimal("500.00")
    assert approve(ledger(scope), by="user:org") == 3
    db.session.commit()
    with pytest.raises(LedgerError, match="approved and frozen"):
        fill_amount(manual, "600")
    assert totals(ledger(scope)).total == Decimal("2200.00")
    assert manual.payee_shown == "JX-TC1"


def test_people_are_masked_where_shown(ctx):
    stored = LedgerLine(payee="person:360102200005010012")
    assert stored.payee_shown == "person:360***********0012"


def test_an_unknown_scope_is_refused(make):
    GrantsWorld(make)
    for scope, message in ((Scope("nope"), "unknown grant rule set nope"),
                           (Scope("jiangxi-2019", event="NOPE"), "unknown event NOPE"),
                           (Scope("jiangxi-2019", unit="NOPE"), "unknown unit NOPE")):
        with pytest.raises(LedgerError, match=message):
            recompute(scope)

"""Budgets: what a rule set may pay out in a year (grants.md "budget vs computed"), one amount per
rule set and year, set on the grants page and compared there with the computed and approved totals.

Choices where the docs are silent:

- A budget belongs to the rule set and year, not to a unit: it is the funding body's envelope
  (Jiangxi's provincial budget for 2026), so setting it again replaces it (audited with before and
  after); there is no history table, the audit log is the history.
- The amount is yuan to the fen, 0 … ``scoring.grants``' MAX_AMOUNT, read by the same
  ``scoring.grants.money`` as every other grant amount; the year is 1949 … next year.
- Money is :class:`~app.db.BigHundredths` (integer fen), never summed in SQL.

Services add, flush and audit; the caller commits (design.md).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from app import audit, clock
from app.db import BigHundredths, Moment
from app.extensions import db
from app.grants.services import LedgerError, grant_rule_set
from app.messages import msg
from scoring import grants

FIRST_YEAR = 1949


class GrantBudget(db.Model):
    __tablename__ = "grant_budgets"
    __table_args__ = (UniqueConstraint("policy", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(BigHundredths)
    set_by: Mapped[str] = mapped_column(String(120))
    set_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)


def budget(policy: str, year: int) -> GrantBudget | None:
    """The budget set for a rule set and year, ``None`` when none is."""
    query = select(GrantBudget).where(GrantBudget.policy == policy, GrantBudget.year == year)
    return db.session.scalar(query)


def set_budget(policy: str, year: int, amount: Any) -> GrantBudget:
    """Set (or replace) the budget of ``policy`` for ``year``; :class:`LedgerError` for an unknown
    rule set, a year out of range or an amount that is not yuan to the fen."""
    grant_rule_set(policy)
    if not FIRST_YEAR <= year <= clock.today().year + 1:
        raise LedgerError(msg("the year must be %(first)s … %(last)s", first=FIRST_YEAR,
                              last=clock.today().year + 1))
    value = grants.money(amount)
    if value is None:
        raise LedgerError(msg("an amount must be 0 or more, in yuan to the fen"))
    row = budget(policy, year)
    before = None if row is None else {"amount": row.amount}
    if row is None:
        row = GrantBudget(policy=policy, year=year, amount=value, set_by="", set_at=clock.now())
        db.session.add(row)
    row.amount, row.set_by, row.set_at = value, audit.current_actor(), clock.now()
    db.session.flush()
    audit.record("grant_budget.set", "grant_budget", f"{policy}/{year}", before=before,
                 after={"policy": policy, "year": year, "amount": value})
    return row

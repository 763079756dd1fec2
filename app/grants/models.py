"""The grants ledger: one stored line per (rule set, rule, payee, trigger), reviewed and approved.

A line keeps what the computation said (``computed_amount``, the explanation as an English template
with its values, so the web shows it in the reader's language) and what will be paid (``amount``:
the computed amount, or for a *manual* line — a rule whose source gives no amount — the amount a
person filled in). Once approved a line is frozen: a later computation that differs only sets
``fresh_amount``/``fresh_explanation`` beside it (``vanished`` when its trigger is gone) and shows
the line as ``changed``. ``unit_code``, ``event_code`` and ``year`` place the line in a scope
(jurisdiction, event, year) so a recomputation of one scope never touches another's lines.

Money is :class:`~app.db.BigHundredths` (integer fen, 64 bits: rule amounts reach ¥100,000,000),
never summed in SQL.
"""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.db import BigHundredths, Moment, enum_column
from app.extensions import db
from app.messages import Message
from app.people.idcard import mask

PERSON = "person:"


class LineStatus(enum.StrEnum):
    COMPUTED = "computed"      # not approved yet: a recomputation updates or removes it
    APPROVED = "approved"      # frozen
    CHANGED = "changed"        # approved (frozen), and the latest computation differs


class LedgerLine(db.Model):
    __tablename__ = "grant_lines"
    __table_args__ = (
        UniqueConstraint("policy", "rule", "payee", "trigger"),
        Index("ix_grant_lines_policy_year", "policy", "year"),
        Index("ix_grant_lines_policy_event_code", "policy", "event_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(80))
    payee: Mapped[str] = mapped_column(String(80))
    trigger: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    unit_code: Mapped[str] = mapped_column(String(20), index=True)
    event_code: Mapped[str | None] = mapped_column(String(40))
    year: Mapped[int | None] = mapped_column(Integer)
    occupation: Mapped[str] = mapped_column(String(100), default="")
    amount: Mapped[Decimal | None] = mapped_column(BigHundredths)
    computed_amount: Mapped[Decimal | None] = mapped_column(BigHundredths)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[LineStatus] = mapped_column(enum_column(LineStatus), default=LineStatus.COMPUTED)
    fresh_amount: Mapped[Decimal | None] = mapped_column(BigHundredths)
    fresh_explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    vanished: Mapped[bool] = mapped_column(Boolean, default=False)
    computed_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)
    approved_by: Mapped[str | None] = mapped_column(String(120))
    approved_at: Mapped[datetime | None] = mapped_column(Moment)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.policy, self.rule, self.payee, self.trigger)

    @property
    def approved(self) -> bool:
        return self.status != LineStatus.COMPUTED

    @property
    def manual(self) -> bool:
        """The rule gives no amount: a person fills ``amount`` in before approval."""
        return self.computed_amount is None

    @property
    def payee_shown(self) -> str:
        """What a page shows: a person's ID number masked (grants.md), a unit code as it is."""
        if self.payee.startswith(PERSON):
            return PERSON + mask(self.payee.removeprefix(PERSON))
        return self.payee

    @property
    def message(self) -> Message:
        """The explanation as a message the web translates (``translated(line.message)``)."""
        return message_of(self.explanation)

    @property
    def fresh_message(self) -> Message | None:
        return None if self.fresh_explanation is None else message_of(self.fresh_explanation)


def message_of(stored: dict[str, Any]) -> Message:
    """A stored explanation (``{"template", "params"}``, values possibly explanations themselves)."""
    params = {k: message_of(v) if isinstance(v, dict) and "template" in v else v
              for k, v in (stored.get("params") or {}).items()}
    return Message(stored["template"], **params)

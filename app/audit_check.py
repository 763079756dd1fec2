"""Checking the audit chain: ``flask --app wsgi audit verify``.

Walks the log in id order, recomputing each entry's digest from the one before it
(:func:`app.audit.seal`), and stops at the first broken link: an edited entry (its fields no longer
give its digest), a deleted or inserted one (it does not follow the entry before it), or a log whose
end is not the recorded chain head (entries deleted from the end, or added without the app).
Exit 0 when intact, 1 at the first break (formats.md's "input refused").

The digests use no secret, so someone able to rewrite the whole chain from an entry onwards, head
included, would pass the walk alone. Against that, note the printed head digest outside the server
now and then; ``--expect DIGEST`` then fails unless the chain still passes through it.
"""
from __future__ import annotations

from dataclasses import dataclass

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.audit import GENESIS, SEALED_FIELDS, AuditChainHead, AuditEntry, seal
from app.cli import fail
from app.extensions import db

audit_group = AppGroup("audit", help="The tamper-evident audit log.")
_BATCH = 1000  # rows read at a time: the log grows without bound


@dataclass
class ChainReport:
    entries: int
    head: str  # the newest digest (GENESIS for an empty log): worth noting down outside the server
    broken_at: int | None = None  # the first entry that fails, or None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify_chain(expect: str | None = None) -> ChainReport:
    """Walk the chain; with ``expect``, it must also hold an entry with that digest."""
    columns = [AuditEntry.id, AuditEntry.prev_digest, AuditEntry.digest,
               *(getattr(AuditEntry, name) for name in SEALED_FIELDS)]
    previous_id, previous = None, GENESIS
    count = 0
    rows = db.session.execute(select(*columns).order_by(AuditEntry.id).execution_options(yield_per=_BATCH))
    for row in rows:
        fields = row._mapping
        if row.prev_digest != previous:
            after = f"entry {previous_id}" if previous_id is not None else "the start of the log"
            return ChainReport(count, previous, row.id, f"entry {row.id} does not follow {after}: an entry "
                               "between them was deleted or inserted, or this one's link was edited")
        if seal(previous, fields) != row.digest:
            return ChainReport(count, previous, row.id,
                               f"entry {row.id} does not match its digest: it was edited")
        previous_id, previous = row.id, row.digest
        count += 1
        if row.digest == expect:
            expect = None
    head = db.session.get(AuditChainHead, 1)
    head_id, head_digest = (head.entry_id, head.digest) if head is not None else (0, GENESIS)
    if (head_id, head_digest) != (previous_id or 0, previous):
        ends = f"entry {previous_id}" if previous_id is not None else "no entry"
        return ChainReport(count, previous, head_id or None,
                           f"the chain head names entry {head_id or 'none'} but the log ends at {ends}: "
                           "entries were deleted from the end or added outside the app")
    if expect is not None and expect != GENESIS:
        return ChainReport(count, previous, None, f"no entry has the digest {expect}: the chain was "
                           "rewritten after it was noted")
    return ChainReport(count, previous)


@audit_group.command("verify")
@click.option("--expect", metavar="DIGEST", help="a head digest noted earlier: the chain must still hold it")
def verify_command(expect: str | None) -> None:
    """Check every entry's digest and link; report the first broken link (exit 1)."""
    report = verify_chain(expect.strip().lower() if expect else None)
    if not report.intact:
        click.echo(f"{report.entries} entries intact before it", err=True)
        fail(f"broken: {report.problem}")
    click.echo(f"audit chain intact: {report.entries} entries, head {report.head}")

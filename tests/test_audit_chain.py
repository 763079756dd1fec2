"""The audit chain (issue 14, row 13): rows edited, deleted or inserted straight in the database are
each caught by ``audit verify``, which names the first broken link and exits 1; concurrent writers
keep one unbroken chain; the app itself never updates or deletes an entry."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from app import audit
from app.audit import GENESIS, AuditChainHead, AuditEntry, seal
from app.audit_check import verify_chain
from app.extensions import db


def write_entries(count: int) -> list[int]:
    ids = [audit.record("test.write", "thing", n, before={"n": n}, after={"n": n + 1, "note": "焊接"}).id
           for n in range(count)]
    db.session.commit()
    return ids


def verify_cli(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def tamper(sql: str, **params) -> None:
    """Change the database behind the app's back, as its database role could."""
    db.session.rollback()  # SQLite: the session's open transaction holds the write lock
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)
    db.session.expire_all()


def test_an_untouched_chain_verifies(ctx):
    assert verify_cli(ctx) == (0, f"audit chain intact: 0 entries, head {GENESIS}\n")
    ids = write_entries(5)
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert entries[0].prev_digest == GENESIS
    assert all(later.prev_digest == earlier.digest for earlier, later in zip(entries, entries[1:], strict=False))
    head = db.session.get(AuditChainHead, 1)
    assert (head.entry_id, head.digest) == (ids[-1], entries[-1].digest)
    code, output = verify_cli(ctx)
    assert code == 0 and output == f"audit chain intact: 5 entries, head {head.digest}\n"


def test_a_chain_rewritten_after_a_noted_head_fails_the_expectation(ctx):
    write_entries(3)
    noted = verify_chain().head
    write_entries(2)
    assert verify_chain(noted).intact
    # Rewrite everything from the first entry on, head included, as someone with the database could.
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    forged, previous = [], GENESIS
    for row in rows:
        fields = {name: getattr(row, name) for name in audit.SEALED_FIELDS} | {"note": "rewritten"}
        previous = seal(previous, fields)
        forged.append((row.id, previous))
    for row_id, digest in forged:
        tamper("UPDATE audit_log SET note = 'rewritten', digest = :d, prev_digest = COALESCE("
               "(SELECT p.digest FROM audit_log p WHERE p.id = :id - 1), :genesis) WHERE id = :id",
               d=digest, id=row_id, genesis=GENESIS)
    tamper("UPDATE audit_chain_head SET digest = :d", d=forged[-1][1])
    assert verify_chain().intact  # the walk alone cannot tell
    report = verify_chain(noted)
    assert not report.intact and f"no entry has the digest {noted}" in report.problem
    result = ctx.test_cli_runner().invoke(args=["audit", "verify", "--expect", noted.upper()])
    assert result.exit_code == 1


@pytest.mark.parametrize("column, value", [("actor", "user:someone-else"), ("after", '{"n": 99}'),
                                           ("at", "2026-01-01 00:00:00"), ("note", "quietly")])
def test_an_edited_entry_is_caught(ctx, column, value):
    ids = write_entries(4)
    tamper(f"UPDATE audit_log SET {column} = :value WHERE id = :id", value=value, id=ids[2])
    report = verify_chain()
    assert (report.broken_at, report.entries) == (ids[2], 2)
    assert "it was edited" in report.problem
    code, output = verify_cli(ctx)
    assert code == 1 and f"broken: entry {ids[2]} does not match its digest" in output


def test_an_edited_entry_resealed_by_hand_breaks_the_next_link(ctx):
    ids = write_entries(4)
    row = db.session.get(AuditEntry, ids[1])
    fields = {name: getattr(row, name) for name in audit.SEALED_FIELDS} | {"actor": "user:forger"}
    tamper("UPDATE audit_log SET actor = 'user:forger', digest = :digest WHERE id = :id",
           digest=seal(row.prev_digest, fields), id=ids[1])
    assert verify_chain().broken_at == ids[2]


def test_a_deleted_entry_is_caught(ctx):
    ids = write_entries(4)
    tamper("DELETE FROM audit_log WHERE id = :id", id=ids[1])
    report = verify_chain()
    assert report.broken_at == ids[2]
    assert f"does not follow entry {ids[0]}" in report.problem
    assert verify_cli(ctx)[0] == 1


def test_the_first_or_last_entry_deleted_is_caught(ctx):
    ids = write_entries(3)
    tamper("DELETE FROM audit_log WHERE id = :id", id=ids[0])
    assert verify_chain().broken_at == ids[1]
    tamper("DELETE FROM audit_log")  # everything, head left behind
    report = verify_chain()
    assert report.broken_at == ids[-1] and "chain head names entry" in report.problem


def test_the_newest_entry_deleted_is_caught_by_the_head(ctx):
    ids = write_entries(3)
    tamper("DELETE FROM audit_log WHERE id = :id", id=ids[-1])
    report = verify_chain()
    assert report.entries == 2 and report.broken_at == ids[-1]
    assert f"but the log ends at entry {ids[1]}" in report.problem


def _insert(row_id: int, prev: str, digest: str) -> None:
    tamper("INSERT INTO audit_log (id, at, actor, action, entity, entity_id, before, after, prev_digest, digest) "
           "VALUES (:id, '2026-09-01 02:00:00', 'user:forger', 'mark.change', 'mark', '1', 'null', 'null', "
           ":prev, :digest)", id=row_id, prev=prev, digest=digest)


def test_an_inserted_entry_is_caught(ctx):
    ids = write_entries(3)
    tamper("DELETE FROM audit_log WHERE id = :id", id=ids[1])
    # Put a forged entry where the deleted one was, linked to its predecessor as the app would.
    first = db.session.get(AuditEntry, ids[0])
    _insert(ids[1], first.digest, "f" * 64)
    report = verify_chain()
    assert report.broken_at == ids[1] and "it was edited" in report.problem


def test_an_entry_appended_outside_the_app_is_caught_even_with_a_correct_digest(ctx):
    ids = write_entries(2)
    last = db.session.get(AuditEntry, ids[-1])
    _insert(ids[-1] + 1, last.digest, "0" * 64)
    forged = db.session.get(AuditEntry, ids[-1] + 1)
    digest = seal(last.digest, {name: getattr(forged, name) for name in audit.SEALED_FIELDS})
    tamper("UPDATE audit_log SET digest = :digest WHERE id = :id", digest=digest, id=forged.id)
    report = verify_chain()
    assert report.broken_at == ids[-1] and "added outside the app" in report.problem
    assert verify_cli(ctx)[0] == 1


def test_the_app_never_updates_or_deletes_an_entry(ctx):
    entry = db.session.get(AuditEntry, write_entries(1)[0])
    entry.actor = "user:someone-else"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert verify_chain().intact


def test_a_rolled_back_entry_leaves_the_chain_whole(ctx):
    write_entries(2)
    audit.record("test.write", "thing", "lost")
    db.session.rollback()
    write_entries(1)
    assert verify_chain().intact and verify_chain().entries == 3


def test_concurrent_writers_keep_one_chain(ctx):
    """Eight threads each write and commit twenty entries at once (PostgreSQL: the advisory lock;
    SQLite: BEGIN IMMEDIATE): no fork, no lost link."""
    app = ctx
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for i in range(20):
                    audit.record("test.concurrent", "thread", f"{n}/{i}")
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 160
    report = verify_chain()
    assert report.intact and report.entries == 160

"""``backup FILE`` and ``restore FILE [--force]`` on this run's database kind (SQLite online backup,
or pg_dump/pg_restore): standings, certificates and the audit chain come back identical; a backup
never overwrites a file; a restore refuses a database holding data without ``--force``, and a file
that is not a backup of this database kind."""
from __future__ import annotations

from sqlalchemy import select, text

from app import audit
from app.audit_check import verify_chain
from app.certificates.issuing import issue_for_results
from app.certificates.models import Certificate, CertificateStatus
from app.extensions import db
from tests.certificates.world import final_world

SNAPSHOT_TABLES = ("standings", "skill_results", "certificates", "audit_log", "audit_chain_head")


def snapshot() -> dict[str, list[tuple]]:
    db.session.expire_all()
    tables = db.metadata.tables
    return {name: [tuple(row) for row in db.session.execute(select(tables[name]).order_by(*tables[name].primary_key))]
            for name in SNAPSHOT_TABLES}


def cli(app, *args: str):
    db.session.commit()  # the command replaces the database: hold no transaction open
    result = app.test_cli_runner().invoke(args=list(args))
    db.session.remove()
    return result


def empty_database() -> None:
    db.session.remove()
    names = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                conn.execute(text(f"DELETE FROM {name}"))


def test_backup_and_restore_give_back_standings_certificates_and_the_audit_chain(ctx, make, tmp_path):
    world = final_world(make)
    issue_for_results(world.event)
    db.session.commit()
    before = snapshot()
    assert before["standings"] and before["certificates"] and len(before["audit_log"]) > 20
    file = tmp_path / "jingsai.backup"

    done = cli(ctx, "backup", str(file))
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("backed up ") and file.stat().st_size > 0
    again = cli(ctx, "backup", str(file))
    assert again.exit_code == 1 and "exists; a backup never overwrites a file" in again.stderr

    # Over a database holding data: refused without --force, nothing touched.
    refused = cli(ctx, "restore", str(file))
    assert refused.exit_code == 1 and "the database holds data; restore over it with --force" in refused.stderr

    # Changes after the backup are undone by a forced restore.
    certificate = db.session.scalar(select(Certificate).order_by(Certificate.id))
    certificate.status = CertificateStatus.REVOKED
    audit.record("test.after_backup", "thing", 1)
    db.session.commit()
    assert snapshot() != before
    forced = cli(ctx, "restore", "--force", str(file))
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.strip().endswith(f"audit chain intact ({len(before['audit_log'])} entries)")
    assert snapshot() == before

    # Into an empty database (a new server after ``db upgrade``) no --force is needed.
    empty_database()
    assert snapshot()["audit_log"] == []
    fresh = cli(ctx, "restore", str(file))
    assert fresh.exit_code == 0, fresh.output
    assert snapshot() == before and verify_chain().intact


def test_restore_refuses_what_is_not_a_backup_of_this_database_kind(ctx, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database\n")
    result = cli(ctx, "restore", str(junk))
    assert result.exit_code == 1 and "is neither a SQLite backup nor a pg_dump custom-format file" in result.stderr
    other = tmp_path / "other.backup"
    kind_here = db.engine.dialect.name
    other.write_bytes(b"PGDMP\x01\x0e" if kind_here == "sqlite" else b"SQLite format 3\x00" + b"\x00" * 84)
    result = cli(ctx, "restore", str(other))
    other_kind = "postgresql" if kind_here == "sqlite" else "sqlite"
    assert result.exit_code == 1 and f"is a {other_kind} backup; this app's database is {kind_here}" in result.stderr
    missing = cli(ctx, "restore", str(tmp_path / "nope.backup"))
    assert missing.exit_code == 2  # click: no such file


def test_backup_refuses_a_missing_directory(ctx, tmp_path):
    result = cli(ctx, "backup", str(tmp_path / "no" / "such" / "dir.backup"))
    assert result.exit_code == 1 and "refused: no directory" in result.stderr

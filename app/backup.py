"""``flask --app wsgi backup FILE`` and ``restore FILE [--force]``: the whole database in one file.

SQLite is copied with its online backup API (a consistent copy while the app keeps serving);
PostgreSQL with ``pg_dump``'s custom format, restored by ``pg_restore`` in one transaction. A
backup never overwrites a file, and a restore refuses a database that holds data unless
``--force`` is given (then the backup replaces it). After a restore the audit chain is checked
and its state printed: a backup carries its audit log, chain head included.

The certificate signing keys are files outside the database (:mod:`app.certificates.keyring`):
back up ``CERTIFICATE_KEYS_DIR`` beside the database, or the restored certificates cannot be
verified. Exit codes follow formats.md: 0 done, 1 refused or failed (with the reason on stderr).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import URL

from app.audit_check import verify_chain
from app.cli import fail
from app.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
_KINDS = {SQLITE_MAGIC: "sqlite", PG_DUMP_MAGIC: "postgresql"}


def _kind_of_file(path: Path) -> str | None:
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    return next((kind for magic, kind in _KINDS.items() if head.startswith(magic)), None)


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The connection URL for pg_dump/pg_restore, with the password in the environment, not argv."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        fail(f"refused: {command[0]} is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        fail(f"failed: {command[0]} exited {done.returncode}: {done.stderr.strip()}")


def holds_data() -> bool:
    """Any row in any table but Alembic's own: a database created by ``db upgrade`` is empty."""
    names = [n for n in inspect(db.engine).get_table_names() if n != "alembic_version"]
    with db.engine.connect() as conn:
        return any(conn.execute(select(func.count()).select_from(table(n))).scalar() for n in names)


def _release_connections() -> None:
    """Nothing of this process may hold a lock the copy waits for."""
    db.session.remove()
    db.engine.dispose()


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
def backup_command(file: str) -> None:
    """Copy the whole database into FILE (a new file)."""
    path = Path(file)
    if path.exists():
        fail(f"refused: {file} exists; a backup never overwrites a file")
    if not path.parent.is_dir():
        fail(f"refused: no directory {path.parent}")
    _release_connections()
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        raw = db.engine.raw_connection()
        try:
            target = sqlite3.connect(path)
            with target:
                raw.driver_connection.backup(target)
            target.close()
        finally:
            raw.close()
    else:
        dsn, env = _libpq(url)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}", dsn], env)
    click.echo(f"backed up {url.render_as_string(hide_password=True)} to {file} ({path.stat().st_size} bytes)")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
def restore_command(file: str, force: bool) -> None:
    """Replace the database's content with the backup in FILE."""
    path = Path(file)
    url = db.engine.url
    backend = url.get_backend_name()
    kind = _kind_of_file(path)
    if kind is None:
        fail(f"refused: {file} is neither a SQLite backup nor a pg_dump custom-format file")
    if kind != backend:
        fail(f"refused: {file} is a {kind} backup; this app's database is {backend}")
    if holds_data() and not force:
        fail("refused: the database holds data; restore over it with --force (it will be replaced)")
    _release_connections()
    if backend == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        raw = db.engine.raw_connection()
        try:
            source.backup(raw.driver_connection)
        finally:
            raw.close()
            source.close()
        db.engine.dispose()
    else:
        dsn, env = _libpq(url)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              f"--dbname={dsn}", str(path)], env)
    report = verify_chain()
    db.session.remove()
    chain = (f"audit chain intact ({report.entries} entries)" if report.intact
             else f"audit chain BROKEN: {report.problem}")
    click.echo(f"restored {file} into {url.render_as_string(hide_password=True)}; {chain}")

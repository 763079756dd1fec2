"""The command line of formats.md (``jingsai …``, or ``flask --app wsgi …``).

Conventions: English messages; exit 0 success, 1 input refused, 2 usage error (click's own), 3 partly
done; one summary line on stdout for a command that writes, problems on stderr; each writing
command is one transaction audited as ``cli:<os user>``.

This module is the command line's toolkit (the shared groups, :func:`cli_transaction`,
:func:`import_command`, export options) and its registry (:func:`register`). Features' ``cli`` modules
import it; it names them only as module paths, imported when the app is built, so it sits below every
feature (pyproject's import contracts).
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import TypeVar

import click
from flask import Flask
from flask.cli import AppGroup

from app import audit
from app.errors import DomainError, InputRefused
from app.extensions import db

import_group = AppGroup("import", help="Import units, events, contestants, judges … (formats.md).")
export_group = AppGroup("export", help="Export a marking scheme (formats.md).")
users_group = AppGroup("users", help="User accounts.")


def fail(message: str, code: int = 1) -> None:
    """Say why on stderr and stop with formats.md's exit code (1: input refused, 2: usage)."""
    click.echo(message, err=True)
    sys.exit(code)


@contextmanager
def cli_transaction() -> Iterator[None]:
    """One transaction, audited as the OS user; a refused input is reported in full and rolled back."""
    with audit.acting_as(audit.cli_actor()):
        try:
            yield
            db.session.commit()
        except InputRefused as refused:
            db.session.rollback()
            for problem in refused.problems:
                click.echo(str(problem), err=True)
            fail(f"refused: {len(refused.problems)} problem(s), nothing saved")
        except DomainError as error:
            db.session.rollback()
            fail(f"refused: {error}")


def export_options(command: Callable) -> Callable:
    """``--format json|csv|xlsx`` and ``--output FILE``: the options of every export (formats.md)."""
    command = click.option("--output", type=click.Path(dir_okay=False),
                           help="write to this file instead of stdout")(command)
    return click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json",
                        show_default=True)(command)


def check_output(fmt: str, output: str | None) -> None:
    """A workbook is binary: it goes to a file, never to the terminal (exit 2, before any work)."""
    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx needs --output FILE")


def json_bytes(document: object) -> bytes:
    """An export's JSON as formats.md writes it: UTF-8, indented, Chinese unescaped, one final newline."""
    import json
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def table_bytes(fmt: str, header: list[str], rows: list[list], title: str) -> bytes:
    """CSV (with BOM) or XLSX, both formula-safe (app.tabular)."""
    from app.tabular import csv_bytes, xlsx_bytes
    return csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes(header, rows, title=title)


def emit(data: bytes, output: str | None) -> None:
    """Write an export to ``output``, or to stdout."""
    if output:
        Path(output).write_bytes(data)
    else:
        click.echo(data.decode("utf-8"), nl=False)


def read_file(path: str) -> tuple[bytes, str]:
    """The bytes and name of a file named on the command line; a missing one is a usage error (exit 2)."""
    file = Path(path)
    if not file.is_file():
        fail(f"no such file: {path}", 2)
    return file.read_bytes(), file.name


Imported = TypeVar("Imported")


def import_command(file: str, save: Callable[[bytes, str], Imported]) -> Imported:
    """The body every ``import`` command shares: read FILE (exit 2 when missing), then ``save`` its bytes
    and name as one audited transaction (:func:`cli_transaction`: exit 1 and nothing saved when refused).
    ``save`` also looks up what the file goes into, so a missing file is named before an unknown event."""
    data, name = read_file(file)
    with cli_transaction():
        return save(data, name)


# The command line's parts, by module path: this module imports no feature (they import it), so the
# command line is assembled here only when the app is built.
SHARED_GROUP_MODULES = (  # importing one adds its commands to the import, export and users groups
    "app.units.cli", "app.events.cli", "app.events.cli_panels", "app.events.registration_cli", "app.auth.cli",
    "app.marking.cli", "app.results.cli", "app.grants.cli",
)
COMMANDS = (  # "module:name" of a group or command of its own
    "app.results.cli:results_group", "app.grants.cli:grants_group", "app.promotion.cli:promotion_group",
    "app.certificates.cli:certificates_group", "app.audit_check:audit_group", "app.demo:demo_command",
    "app.startup_checks:check_command", "app.backup:backup_command", "app.backup:restore_command",
    "app.worker:worker_command",
)


def register(app: Flask) -> None:
    """Put every command of formats.md on the app's command line."""
    for path in SHARED_GROUP_MODULES:
        import_module(path)
    for group in (import_group, export_group, users_group):
        app.cli.add_command(group)
    for spec in COMMANDS:
        path, name = spec.split(":")
        app.cli.add_command(getattr(import_module(path), name))

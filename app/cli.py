"""The command line of formats.md (``jingsai …``, or ``flask --app wsgi …``).

Conventions: English messages; exit 0 success, 1 input refused, 2 usage error (click's own), 3 partly
done; one summary line on stdout for a command that writes, problems on stderr; each writing
command is one transaction audited as ``cli:<os user>``.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

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


def event_or_fail(code: str):
    from app.events.services import event_by_code
    event = event_by_code(code)
    if event is None:
        fail(f"refused: unknown event {code}")
    return event


def skill_or_fail(event, code: str):
    skill = event.skill(code)
    if skill is None:
        fail(f"refused: no skill {code} in event {event.code}")
    return skill


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
    file = Path(path)
    if not file.is_file():
        fail(f"no such file: {path}", 2)
    return file.read_bytes(), file.name


@import_group.command("units")
@click.argument("file")
def import_units_command(file: str) -> None:
    """Units (csv/xlsx): code,name,kind,parent_code."""
    from app.tabular import read_table
    from app.units.services import UNIT_COLUMNS, import_units

    data, name = read_file(file)
    with cli_transaction():
        result = import_units(read_table(data, name, UNIT_COLUMNS))
    click.echo(f"imported {result.created + result.updated} units ({result.created} new, {result.updated} changed)")


@import_group.command("event")
@click.argument("file")
@click.option("--update", is_flag=True, help="Change an existing event before it starts.")
def import_event_command(file: str, update: bool) -> None:
    """An event with its skills (json)."""
    from app.events.services import import_event

    data, _ = read_file(file)
    with cli_transaction():
        event = import_event(data, update=update)
    click.echo(f"{'updated' if update else 'imported'} event {event.code} with {len(event.skills)} skills")


@users_group.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "organizer", "unit_admin", "expert", "arbiter",
                                                          "contestant"]))
@click.option("--unit", "unit_code", help="Unit code (required for organizer, unit_admin, arbiter).")
@click.option("--id-number", help="Links a contestant account to its person.")
@click.option("--password", help="Initial password (prompted when omitted on a terminal).")
def users_create_command(username: str, role: str, unit_code: str | None, id_number: str | None,
                         password: str | None) -> None:
    """Create a user with a global role."""
    from app.auth.services import create_user

    if password is None and sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with cli_transaction():
        user, link = create_user(username, role, unit_code=unit_code, id_number=id_number, password=password)
    if link:
        click.echo(f"{user.username}\t{link}")
    click.echo(f"created user {user.username} ({user.role.value})", err=bool(link))


@users_group.command("disable")
@click.argument("username")
def users_disable_command(username: str) -> None:
    """Refuse the user's logins and end every session they have open."""
    from app.auth.services import disable_user

    with cli_transaction():
        disable_user(username)
    click.echo(f"disabled user {username}")


def register(app: Flask) -> None:
    from app.audit_check import audit_group
    from app.certificates.cli import certificates_group
    from app.events import (
        cli_panels,  # noqa: F401  (import judges, import attendance)
        registration_cli,  # noqa: F401  (import contestants)
    )
    from app.grants.cli import grants_group  # also import titles/training/rules
    from app.marking import cli  # noqa: F401  (import scheme/marks/component, export scheme)
    from app.promotion.cli import promotion_group
    from app.results.cli import results_group  # also import timings
    for group in (import_group, export_group, users_group, results_group, grants_group, promotion_group,
                  certificates_group, audit_group):
        app.cli.add_command(group)
    for command in _extra_commands():
        app.cli.add_command(command)


def _extra_commands() -> list[Callable]:
    from app.backup import backup_command, restore_command
    from app.demo import demo_command
    from app.startup_checks import check_command
    return [demo_command, check_command, backup_command, restore_command]

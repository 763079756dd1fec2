"""``flask import judges EVENT FILE`` and ``flask import attendance EVENT SKILL FILE`` (formats.md).

Importing this module adds both commands to the ``import`` group of :mod:`app.cli`.
``import judges`` prints ``username<TAB>one-time-login-url`` on stdout for every account it
creates, so stdout can be piped to whoever hands the links out; its summary goes to stderr.
"""
from __future__ import annotations

import click

from app.cli import import_command, import_group
from app.events.cli import event_or_fail, import_contestant_rows
from app.tabular import read_table


@import_group.command("judges")
@click.argument("event_code", metavar="EVENT")
@click.argument("file")
def import_judges_command(event_code: str, file: str) -> None:
    """The skills' panels (csv/xlsx): skill_code,username,name,unit_code,role."""
    from app.events.panels import JUDGE_COLUMNS, import_judges

    result = import_command(file, lambda data, name: import_judges(event_or_fail(event_code),
                                                                   read_table(data, name, JUDGE_COLUMNS)))
    for username, link in result.created:
        click.echo(f"{username}\t{link}")
    click.echo(f"imported {result.members} panel members into {event_code} ({len(result.skills)} skills, "
               f"{len(result.created)} new accounts)", err=True)


@import_group.command("attendance")
@click.argument("event_code", metavar="EVENT")
@click.argument("skill_code", metavar="SKILL")
@click.argument("file")
def import_attendance_command(event_code: str, skill_code: str, file: str) -> None:
    """Check-in results (csv/xlsx): contestant_no,status."""
    from app.events.attendance import ATTENDANCE_COLUMNS, import_attendance

    import_contestant_rows(event_code, skill_code, file, ATTENDANCE_COLUMNS, import_attendance, "attendance")

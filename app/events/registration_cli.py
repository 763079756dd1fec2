"""``flask import contestants EVENT FILE`` (formats.md): registrations, with the organizer's powers.

Rows are approved at once and may fall outside the registration window (each such registration is
marked ``outside_window`` and its audit entry says so); every other eligibility rule applies and
existing bib numbers are refused. One summary line on stdout, problems on stderr, exit 1 and
nothing saved when anything is wrong.
"""
from __future__ import annotations

import click

from app.cli import import_command, import_group
from app.errors import DomainError
from app.messages import msg


@import_group.command("contestants")
@click.argument("event_code", metavar="EVENT")
@click.argument("file")
def import_contestants_command(event_code: str, file: str) -> None:
    """Contestants (csv/xlsx) into EVENT: unit_code,skill_code,contestant_no,name,… (formats.md)."""
    from app.events.registration import CONTESTANT_COLUMNS, register_rows
    from app.events.services import event_by_code
    from app.tabular import read_table

    def save(data: bytes, name: str) -> list:
        event = event_by_code(event_code)
        if event is None:
            raise DomainError(msg("unknown event %(code)s", code=event_code))
        return register_rows(event, read_table(data, name, CONTESTANT_COLUMNS), actor_is_organizer=True,
                             unit_scope=None)

    saved = import_command(file, save)
    count, late = len(saved), sum(1 for reg in saved if reg.outside_window)
    note = f" ({late} outside the registration window)" if late else ""
    click.echo(f"imported {count} contestants into {event_code}{note}")

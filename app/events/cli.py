"""``import event FILE [--update]`` (formats.md), and the lookups every command naming an EVENT and a
SKILL starts with."""
from __future__ import annotations

import click

from app.cli import fail, import_command, import_group
from app.tabular import read_table


def event_or_fail(code: str):
    """The event named on the command line; an unknown one refuses the command (exit 1)."""
    from app.events.services import event_by_code
    event = event_by_code(code)
    if event is None:
        fail(f"refused: unknown event {code}")
    return event


def skill_or_fail(event, code: str):
    """The event's skill named on the command line; an unknown one refuses the command (exit 1)."""
    skill = event.skill(code)
    if skill is None:
        fail(f"refused: no skill {code} in event {event.code}")
    return skill



def import_contestant_rows(event_code: str, skill_code: str, file: str, columns, save, what: str) -> None:
    """The body of the per-skill imports of one row a contestant (attendance, completion times): read FILE
    against ``columns``, ``save`` the rows into the skill, and say how many contestants were imported as
    ``what`` and how many changed."""
    result = import_command(file, lambda data, name: save(skill_or_fail(event_or_fail(event_code), skill_code),
                                                          read_table(data, name, columns)))
    click.echo(f"imported {what} of {result.rows} contestants into {event_code}/{skill_code} "
               f"({result.changed} changed)")

@import_group.command("event")
@click.argument("file")
@click.option("--update", is_flag=True, help="Change an existing event before it starts.")
def import_event_command(file: str, update: bool) -> None:
    """An event with its skills (json)."""
    from app.events.services import import_event

    event = import_command(file, lambda data, _name: import_event(data, update=update))
    click.echo(f"{'updated' if update else 'imported'} event {event.code} with {len(event.skills)} skills")

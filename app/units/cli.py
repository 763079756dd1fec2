"""``import units FILE`` (formats.md)."""
from __future__ import annotations

import click

from app.cli import import_command, import_group


@import_group.command("units")
@click.argument("file")
def import_units_command(file: str) -> None:
    """Units (csv/xlsx): code,name,kind,parent_code."""
    from app.tabular import read_table
    from app.units.services import UNIT_COLUMNS, import_units

    result = import_command(file, lambda data, name: import_units(read_table(data, name, UNIT_COLUMNS)))
    click.echo(f"imported {result.created + result.updated} units ({result.created} new, {result.updated} changed)")

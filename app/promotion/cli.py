"""``promotion propose`` and ``promotion export`` (formats.md).

``promotion propose`` computes and **stores** the pending proposals, as formats.md's table says
("computes and stores pending proposals (approved and rejected ones untouched) and prints them"),
so the command line and the proposals page show the same rows; it is one audited transaction. It
prints formats.md's JSON (every approved contestant once, decided ones as decided) and nothing
else on stdout; a refusal (no skill final, no or unknown rule set) goes to stderr with exit 1.
Skills not final yet get no proposals: they are named on stderr and the command exits 3 (partly
done), so a script can tell a finished event from one still waiting for some skills.
"""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from app.cli import check_output, cli_transaction, emit, export_options, json_bytes, table_bytes
from app.events.cli import event_or_fail

promotion_group = AppGroup("promotion", help="Competition as assessment: proposals and exports (formats.md).")


@promotion_group.command("propose")
@click.argument("event_code", metavar="EVENT")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
def propose_command(event_code: str, fmt: str) -> None:
    """Compute and store pending promotion proposals from final results, and print them."""
    from app.promotion.services import document, not_final, propose

    event = event_or_fail(event_code)
    with cli_transaction():
        data = document(event, propose(event))
        waiting = not_final(event)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    if waiting:
        click.echo(f"not final yet, no proposals: {', '.join(waiting)}", err=True)
        sys.exit(3)


@promotion_group.command("export")
@click.argument("event_code", metavar="EVENT")
@export_options
def export_command(event_code: str, fmt: str, output: str | None) -> None:
    """Approved promotions for provincial reporting (full ID numbers: keep the file safe)."""
    from app.promotion.export import export_document, export_table

    check_output(fmt, output)
    event = event_or_fail(event_code)
    if fmt == "json":
        emit(json_bytes(export_document(event)), output)
    else:
        emit(table_bytes(fmt, *export_table(event), title=event.code), output)

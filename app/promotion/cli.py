"""``promotion propose`` and ``promotion export`` (formats.md).

``promotion propose`` computes and **stores** the pending proposals, as formats.md's table says
("computes and stores pending proposals (approved and rejected ones untouched) and prints them"),
so the command line and the proposals page show the same rows; it is one audited transaction. It
prints formats.md's JSON (every approved contestant once, decided ones as decided) and nothing
else on stdout; a refusal (results not final, no or unknown rule set) goes to stderr with exit 1.
"""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli import cli_transaction, event_or_fail

promotion_group = AppGroup("promotion", help="Competition as assessment: proposals and exports (formats.md).")


@promotion_group.command("propose")
@click.argument("event_code", metavar="EVENT")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
def propose_command(event_code: str, fmt: str) -> None:
    """Compute and store pending promotion proposals from final results, and print them."""
    from app.promotion.services import document, propose

    event = event_or_fail(event_code)
    with cli_transaction():
        data = document(event, propose(event))
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@promotion_group.command("export")
@click.argument("event_code", metavar="EVENT")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="write to this file instead of stdout")
def export_command(event_code: str, fmt: str, output: str | None) -> None:
    """Approved promotions for provincial reporting (full ID numbers: keep the file safe)."""
    from app.promotion.export import export_document, export_table
    from app.tabular import csv_bytes, xlsx_bytes

    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx needs --output FILE")
    event = event_or_fail(event_code)
    if fmt == "json":
        data = (json.dumps(export_document(event), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        header, rows = export_table(event)
        data = csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes(header, rows, title=event.code)
    if output:
        Path(output).write_bytes(data)
    else:
        click.echo(data.decode("utf-8"), nl=False)

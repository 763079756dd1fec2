"""``grants compute``, ``import titles``, ``import training`` and ``import rules`` (formats.md).

``grants compute`` is read-only (approval is on the web): it computes the scope afresh and prints
formats.md's JSON (``scoring.grants.export``) or the CSV/XLSX rows; what could not be computed
("not computed: needs hire records"), the lines an ``exclusive`` rule set left out and the rule
set's warnings go to stderr. Exit 1 for an unknown rule set, event or unit; 2 for usage.

``import rules`` takes either kind of rule set (the file's ``kind`` decides); it lives here, beside
the first feature that applies imported rule sets, and stores through :mod:`app.rulesets`.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.cli import (
    check_output,
    emit,
    export_options,
    fail,
    import_command,
    import_group,
    json_bytes,
)

grants_group = AppGroup("grants", help="Grants and rewards under policy rule sets (grants.md).")


@grants_group.command("compute")
@click.option("--policy", required=True, metavar="CODE", help="grant rule set code, e.g. jiangxi-2019")
@click.option("--year", type=click.IntRange(1949, 9999), help="lines whose year is YYYY")
@click.option("--event", "event_code", metavar="EVENT", help="lines triggered by this event")
@click.option("--unit", "unit_code", metavar="CODE", help="payees inside this unit's tree")
@export_options
def compute_command(policy: str, year: int | None, event_code: str | None, unit_code: str | None, fmt: str,
                    output: str | None) -> None:
    """Compute grant lines (read-only; approval is on the web)."""
    from app.grants.services import LedgerError, Scope, compute, export_bytes, not_computed_messages
    from scoring.grants import export

    check_output(fmt, output)
    try:
        result = compute(Scope(policy, year=year, event=event_code, unit=unit_code))
    except LedgerError as error:
        fail(f"refused: {error}")
    for note in not_computed_messages(result):
        click.echo(note, err=True)
    for line in result.excluded:
        click.echo(f"excluded (exclusive): {line.payee} {line.rule} {line.trigger}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning.text}", err=True)
    emit(json_bytes(export(result)) if fmt == "json" else export_bytes(result.lines, fmt, title=policy), output)


@import_group.command("titles")
@click.argument("file")
def import_titles_command(file: str) -> None:
    """Titles (csv/xlsx): id_number,name,unit_code,title,year."""
    from app.grants.records import TITLE_COLUMNS, import_titles
    from app.tabular import read_table

    result = import_command(file, lambda data, name: import_titles(read_table(data, name, TITLE_COLUMNS)))
    click.echo(f"imported {result.created} titles ({result.unchanged} unchanged)")


@import_group.command("training")
@click.argument("file")
def import_training_command(file: str) -> None:
    """Training records (csv/xlsx): id_number,name,training_body,occupation,start_date,end_date,days,…"""
    from app.grants.records import TRAINING_COLUMNS, import_trainings
    from app.tabular import read_table

    result = import_command(file, lambda data, name: import_trainings(read_table(data, name, TRAINING_COLUMNS)))
    click.echo(f"imported {result.created} training records ({result.unchanged} unchanged)")


@import_group.command("rules")
@click.argument("file")
def import_rules_command(file: str) -> None:
    """A promotion or grant rule set (TOML), validated; stored as the newest version of its code."""
    from app.rulesets import import_rule_set

    result = import_command(file, import_rule_set)
    if result.version is None:
        origin = "the shipped file" if result.in_force == 0 else f"version {result.in_force}"
        click.echo(f"{result.kind} rule set {result.code} unchanged ({origin} in force)")
    else:
        click.echo(f"imported {result.kind} rule set {result.code} version {result.in_force} "
                   f"({result.rules} rules)")

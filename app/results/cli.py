"""``results export|publish|amend`` and ``import timings`` (formats.md).

``results export`` is the organizer's tool and shows private standings too; skills whose standings
are not complete are named on stderr (their results count locked criteria only).
"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.cli import (
    check_output,
    cli_transaction,
    emit,
    export_options,
    import_group,
    json_bytes,
    table_bytes,
)
from app.events.cli import event_or_fail, import_contestant_rows, skill_or_fail

results_group = AppGroup("results", help="Standings: export, publish, amend (formats.md).")


@results_group.command("export")
@click.argument("event_code", metavar="EVENT")
@export_options
def export_command(event_code: str, fmt: str, output: str | None) -> None:
    """The event's standings (JSON on stdout by default; xlsx needs --output)."""
    from app.results.export import standings_document, standings_rows
    from app.results.tables import skill_tables

    check_output(fmt, output)
    event = event_or_fail(event_code)
    tables = skill_tables(event, published_only=False)
    for table in tables:
        if table.results.incomplete:
            click.echo(f"{table.skill.code}: not complete ({'; '.join(table.results.reasons)})", err=True)
    left_out = sorted({s.code for s in event.skills} - {t.skill.code for t in tables})
    if left_out:
        click.echo(f"no standings (no marking scheme): {', '.join(left_out)}", err=True)
    if fmt == "json":
        emit(json_bytes(standings_document(event, tables)), output)
    else:
        emit(table_bytes(fmt, *standings_rows(tables), title=event.code), output)


@results_group.command("publish")
@click.argument("event_code", metavar="EVENT")
@click.option("--skill", "skill_code", help="publish one skill only")
@click.option("--final", is_flag=True, help="final publication (freezes the results)")
def publish_command(event_code: str, skill_code: str | None, final: bool) -> None:
    """Publish provisionally (appeals window) or finally; --final may come directly."""
    from app.results.publication import publish

    event = event_or_fail(event_code)
    skill = skill_or_fail(event, skill_code) if skill_code else None
    with cli_transaction():
        moved = publish(event, skill=skill, final=final)
    for results in moved:
        window = f", appeals until {results.appeals_close_at:%Y-%m-%d %H:%M}" if results.appeals_close_at \
            and not final else ""
        click.echo(f"published {event_code}/{results.skill.code} {results.publication.value}{window}")


@results_group.command("amend")
@click.argument("event_code", metavar="EVENT")
@click.argument("skill_code", metavar="SKILL")
@click.argument("contestant_no")
@click.option("--reason", required=True, help="why (recorded in the audit log)")
@click.option("--disqualify", is_flag=True, help="disqualify the contestant (or their team)")
@click.option("--reopen", "criterion", metavar="CRITERION", help="reopen one criterion for re-marking")
def amend_command(event_code: str, skill_code: str, contestant_no: str, reason: str, disqualify: bool,
                  criterion: str | None) -> None:
    """Amend a final result: --disqualify, or --reopen CRITERION (then re-mark and lock it again)."""
    from app.results.amendment import amend

    if disqualify == (criterion is not None):
        raise click.UsageError("give exactly one of --disqualify and --reopen CRITERION")
    skill = skill_or_fail(event_or_fail(event_code), skill_code)
    with cli_transaction():
        amend(skill, contestant_no, reason, disqualify=disqualify, reopen_criterion=criterion)
    if disqualify:
        click.echo(f"amended {event_code}/{skill_code}: {contestant_no} disqualified")
    else:
        click.echo(f"amended {event_code}/{skill_code}: criterion {criterion} reopened for {contestant_no}; "
                   f"import the new marks with --lock to close it")


@import_group.command("timings")
@click.argument("event_code", metavar="EVENT")
@click.argument("skill_code", metavar="SKILL")
@click.argument("file")
def import_timings_command(event_code: str, skill_code: str, file: str) -> None:
    """Completion times (csv/xlsx): contestant_no,completion_seconds."""
    from app.results.timings import TIMING_COLUMNS, import_timings

    import_contestant_rows(event_code, skill_code, file, TIMING_COLUMNS, import_timings, "completion times")


"""``import scheme``, ``export scheme``, ``import marks [--lock]`` and ``import component`` (formats.md).

``import marks --lock`` stores the marks and locks what it can in one transaction; when some
criterion stays unlocked it names each on stderr and exits 3 (the marks are kept: "partly done").
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from app.cli import export_group, fail, import_command, import_group
from app.events.cli import event_or_fail, skill_or_fail
from app.tabular import read_table


@import_group.command("scheme")
@click.argument("event_code", metavar="EVENT")
@click.argument("skill_code", metavar="SKILL")
@click.argument("file")
def import_scheme_command(event_code: str, skill_code: str, file: str) -> None:
    """A marking scheme (json, or the WorldSkills CIS xlsx); replaces one only while no mark exists."""
    from app.marking.schemes import SchemeFile, read_scheme_file, save_scheme

    def save(data: bytes, name: str) -> tuple[SchemeFile, str]:
        skill = skill_or_fail(event_or_fail(event_code), skill_code)
        source = read_scheme_file(data, name, section_tolerance=skill.event.section_tolerance)
        return source, save_scheme(skill, source, by_chief_expert=False)

    source, outcome = import_command(file, save)
    scheme = source.scheme
    aspects = list(scheme.aspects())
    judged = sum(1 for a in aspects if a.is_judgement)
    click.echo(f"{'imported' if outcome == 'created' else outcome} scheme of {event_code}/{skill_code}: "
               f"{len(scheme.criteria)} criteria, {len(aspects)} aspects ({len(aspects) - judged} measurement, "
               f"{judged} judgement), {scheme.max_total} marks")


@export_group.command("scheme")
@click.argument("event_code", metavar="EVENT")
@click.argument("skill_code", metavar="SKILL")
@click.option("--format", "fmt", type=click.Choice(["json", "xlsx"]), default="json", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="write to this file instead of stdout")
def export_scheme_command(event_code: str, skill_code: str, fmt: str, output: str | None) -> None:
    """The scheme back out, as JSON (stdout by default) or as a CIS spreadsheet (needs --output)."""
    from app.marking.schemes import load_scheme, scheme_document, scheme_xlsx

    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx needs --output FILE")
    skill = skill_or_fail(event_or_fail(event_code), skill_code)
    scheme = load_scheme(skill)
    if scheme is None:
        fail(f"refused: {event_code}/{skill_code} has no marking scheme")
    if fmt == "xlsx":
        Path(output).write_bytes(scheme_xlsx(skill, scheme))
        return
    text = json.dumps(scheme_document(scheme), ensure_ascii=False, indent=2)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


@import_group.command("marks")
@click.argument("event_code", metavar="EVENT")
@click.argument("skill_code", metavar="SKILL")
@click.argument("file")
@click.option("--lock", is_flag=True, help="sign off and lock every complete criterion without open flags")
def import_marks_command(event_code: str, skill_code: str, file: str, lock: bool) -> None:
    """Marks from paper forms (csv/xlsx): contestant_no,aspect,judge,score."""
    from app.marking.locking import lock_all_complete
    from app.marking.marksheet import Marksheet
    from app.marking.paper import MARK_COLUMNS, MarksImported, import_marks

    def save(data: bytes, name: str) -> tuple[MarksImported, int, list]:
        skill = skill_or_fail(event_or_fail(event_code), skill_code)
        result = import_marks(skill, read_table(data, name, MARK_COLUMNS))
        if not lock:
            return result, 0, []
        sheet = Marksheet(skill)
        unlocked_before = sum(1 for c in sheet.criteria() if not c.locked)
        return result, unlocked_before, lock_all_complete(sheet)

    result, unlocked_before, remaining = import_command(file, save)
    for warning in result.warnings:
        click.echo(warning)
    locked = f"; locked {unlocked_before - len(remaining)} criteria" if lock else ""
    click.echo(f"imported {result.rows} marks into {event_code}/{skill_code} ({result.created} new, "
               f"{result.changed} changed, {result.unchanged} unchanged){locked}")
    for state in remaining:
        click.echo(state.summary(), err=True)
    if remaining:
        sys.exit(3)


@import_group.command("component")
@click.argument("event_code", metavar="EVENT")
@click.argument("skill_code", metavar="SKILL")
@click.argument("component")
@click.argument("file")
def import_component_command(event_code: str, skill_code: str, component: str, file: str) -> None:
    """Scores of a component other than the practical one (csv/xlsx): contestant_no,score (0–100)."""
    from app.marking.components import COMPONENT_COLUMNS, import_component

    result = import_command(file, lambda data, name: import_component(
        skill_or_fail(event_or_fail(event_code), skill_code), component, read_table(data, name, COMPONENT_COLUMNS)))
    click.echo(f"imported {component} scores of {result.rows} contestants into {event_code}/{skill_code} "
               f"({result.changed} changed)")

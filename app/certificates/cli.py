"""``certificates issue EVENT [--skill SKILL] [--kinds …] --output DIR`` (formats.md).

Numbers are allocated and the certificates stored in one short transaction (audited as the OS
user); the PDFs are rendered after the commit, outside it. Exit 1: results not final, a non-empty
DIR, an unusable font; exit 2: an unknown kind (a usage error).
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli import cli_transaction, fail
from app.events.cli import event_or_fail, skill_or_fail

certificates_group = AppGroup("certificates", help="Certificates: issue PDFs for final results (formats.md).")


@certificates_group.command("issue")
@click.argument("event_code", metavar="EVENT")
@click.option("--skill", "skill_code", help="one skill only")
@click.option("--kinds", default="award", show_default=True, help="comma-separated: award,participation,level,expert")
@click.option("--output", required=True, type=click.Path(file_okay=False), help="a new or empty directory")
def issue_command(event_code: str, skill_code: str | None, kinds: str, output: str) -> None:
    """One PDF per certificate plus manifest.json; running it again re-renders the same numbers."""
    from app.certificates.issuing import CertificateError, issue_for_results, parse_kinds
    from app.certificates.output import check_output_dir, write_directory
    from app.errors import DomainError
    from app.extensions import db

    try:
        wanted = parse_kinds(kinds)
    except CertificateError as error:
        raise click.UsageError(str(error)) from None
    directory = Path(output)
    try:
        check_output_dir(directory)
    except CertificateError as error:
        fail(f"refused: {error}")
    event = event_or_fail(event_code)
    skill = skill_or_fail(event, skill_code) if skill_code else None
    with cli_transaction():
        result = issue_for_results(event, skill, wanted)
    certificates = [db.session.merge(c) for c in result.certificates]
    try:
        write_directory(event.code, certificates, directory)
    except DomainError as error:
        fail(f"refused: {error}")
    click.echo(f"issued {len(certificates)} certificates of {event.code} into {directory} "
               f"({result.new} new, {result.kept} re-rendered, {result.revoked} revoked)")


@certificates_group.command("rotate-key")
def rotate_key_command() -> None:
    """Make a new signing key current; old keys keep verifying the certificates they signed.

    Rotate on a schedule or when a key may have leaked (then also move the old key's file out of
    CERTIFICATE_KEYS_DIR, so its tokens stop verifying). Audited as the OS user."""
    from app import audit
    from app.certificates.keyring import KeyringError, app_keyring

    keyring = app_keyring()
    before = keyring.current_id()
    with cli_transaction():
        try:
            after = keyring.rotate()
        except KeyringError as error:
            fail(f"refused: {error}")
        audit.record("certificate_keys.rotate", "keyring", after, before={"current": before},
                     after={"current": after, "keys": keyring.key_ids()})
    click.echo(f"signing key {after} is current; keys {', '.join(map(str, keyring.key_ids()))} verify")

"""``users create`` and ``users disable`` (formats.md)."""
from __future__ import annotations

import sys

import click

from app.cli import cli_transaction, users_group


@users_group.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "organizer", "unit_admin", "expert", "arbiter",
                                                          "contestant"]))
@click.option("--unit", "unit_code", help="Unit code (required for organizer, unit_admin, arbiter).")
@click.option("--id-number", help="Links a contestant account to its person.")
@click.option("--password", help="Initial password (prompted when omitted on a terminal).")
def users_create_command(username: str, role: str, unit_code: str | None, id_number: str | None,
                         password: str | None) -> None:
    """Create a user with a global role."""
    from app.auth.services import create_user

    if password is None and sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with cli_transaction():
        user, link = create_user(username, role, unit_code=unit_code, id_number=id_number, password=password)
    if link:
        click.echo(f"{user.username}\t{link}")
    click.echo(f"created user {user.username} ({user.role.value})", err=bool(link))


@users_group.command("disable")
@click.argument("username")
def users_disable_command(username: str) -> None:
    """Refuse the user's logins and end every session they have open."""
    from app.auth.services import disable_user

    with cli_transaction():
        disable_user(username)
    click.echo(f"disabled user {username}")

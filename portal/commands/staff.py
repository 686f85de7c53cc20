import sys

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.models.staff import ROLES
from portal.services import staff
from portal.services.errors import ValidationFailed

staff_cli = AppGroup("staff", help="Staff accounts.")


@staff_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(email: str, role: str, password_stdin: bool) -> None:
    """Create a staff account (the password is asked at the prompt)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = staff.create_staff(email, role, password)
    except ValidationFailed as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"created {user.email} ({user.role})")


@staff_cli.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable an account; its open sessions end at once."""
    try:
        user = staff.disable_staff(email)
    except ValidationFailed as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"disabled {user.email}")


@staff_cli.command("first-name")
@click.argument("email")
@click.argument("first_name")
def first_name(email: str, first_name: str) -> None:
    """Set how this person signs replies to customers (docs/conversation.md)."""
    user = staff.find_staff(email)
    if user is None:
        raise click.ClickException(f"no staff account {email}")
    try:
        staff.set_first_name(user, first_name)
    except ValidationFailed as exc:
        raise click.ClickException("a first name is 1 to 80 characters") from exc
    db.session.commit()
    click.echo(f"{user.email} signs as {user.first_name}")

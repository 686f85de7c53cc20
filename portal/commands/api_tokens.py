import click
from flask.cli import AppGroup

from portal.api.blueprint import create_token
from portal.extensions import db

api_token_cli = AppGroup("api-token", help="Bearer tokens for the shop's API.")


@api_token_cli.command("create")
@click.argument("name")
def create(name: str) -> None:
    """Create a token called NAME and print it (only once; we keep its hash)."""
    token = create_token(name)
    db.session.commit()
    click.echo(token)

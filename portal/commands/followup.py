"""`flask --app wsgi followup run`: apologies when we are late, the question once it is over."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from portal.models.base import utcnow
from portal.outbox import deliver_due
from portal.web import commit_verb

followup_cli = AppGroup("followup", help="Late notices and the follow-up question.")


def _when(value: str | None) -> datetime:
    if not value:
        return utcnow()
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("an ISO date and time, e.g. 2026-12-01T09:00:00+00:00") from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


@followup_cli.command("run")
@click.option("--now", "now_text", default=None, help="Act as if it were this UTC time (ISO).")
@click.option(
    "--deliver/--no-deliver",
    default=None,
    help="Deliver the e-mails after commit (default: DELIVER_MAIL_AFTER_REQUEST).",
)
def run_command(now_text: str | None, deliver: bool | None) -> None:
    """Send what is due (safe to run twice: each e-mail goes once)."""
    from portal.services.followup import run

    sent = commit_verb(run, _when(now_text))
    click.echo(", ".join(f"{cause} {n}" for cause, n in sent.items()))
    if deliver is None:
        deliver = bool(current_app.config["DELIVER_MAIL_AFTER_REQUEST"])
    if deliver:
        delivered, failed = deliver_due()
        click.echo(f"sent {delivered}, failed {failed}")

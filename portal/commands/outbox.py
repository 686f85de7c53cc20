import time

import click
from flask.cli import AppGroup

from portal.outbox import deliver_due

outbox_cli = AppGroup("outbox", help="Deliver queued e-mails.")


@outbox_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped.")
@click.option(
    "--interval",
    default=5.0,
    show_default=True,
    help="Seconds to wait when a round found less than a full batch.",
)
@click.option(
    "--batch", default=100, show_default=True, help="Messages per round (one SMTP connection)."
)
def deliver(loop: bool, interval: float, batch: int) -> None:
    """Send the e-mails that are due (retries failed ones with backoff)."""
    from portal.services.labels import retry_pending_labels

    batch = max(batch, 1)
    while True:
        retry_pending_labels()
        sent, failed = deliver_due(limit=batch)
        if sent or failed or not loop:
            click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            return
        if sent + failed < batch:  # a full batch means more may be waiting: go on at once
            time.sleep(interval)

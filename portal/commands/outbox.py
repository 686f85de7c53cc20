import time

import click
from flask.cli import AppGroup

from portal.outbox import deliver_due

outbox_cli = AppGroup("outbox", help="Deliver queued e-mails.")


@outbox_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
def deliver(loop: bool, interval: float) -> None:
    """Send the e-mails that are due (retries failed ones with backoff)."""
    from portal.services.labels import retry_pending_labels

    while True:
        retry_pending_labels()
        sent, failed = deliver_due()
        if sent or failed or not loop:
            click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            return
        time.sleep(interval)

import time

import click
from flask.cli import AppGroup

refunds_cli = AppGroup("refunds", help="Send approved refunds to the payment provider.")


@refunds_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending until stopped.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
def send(loop: bool, interval: float) -> None:
    """Send the refunds that are due (retries timeouts and 5xx with backoff)."""
    from portal.payments.worker import send_due

    while True:
        counts = send_due()
        if any(counts.values()) or not loop:
            click.echo(", ".join(f"{k} {v}" for k, v in counts.items()))
        if not loop:
            return
        time.sleep(interval)

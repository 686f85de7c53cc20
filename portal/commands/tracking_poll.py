"""`flask tracking poll [--loop]`: ask Mondial Relay and Colissimo for new scans."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

tracking_cli = AppGroup("tracking", help="Tracking from carriers without webhooks.")


@tracking_cli.command("poll")
@click.option("--loop", is_flag=True, help="Keep polling; wait --every seconds between rounds.")
@click.option("--every", type=click.FloatRange(min=1), default=60.0, show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
def poll(loop: bool, every: float, limit: int) -> None:
    """Poll the open returns whose turn has come (safe from cron at any frequency)."""
    from portal.services.tracking_poll import poll_due

    while True:
        report = poll_due(limit=limit)
        click.echo(f"polled {report.polled}, new scans {report.new_scans}, failed {report.failed}")
        if not loop:
            return
        time.sleep(every)

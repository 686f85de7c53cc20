"""Returns housekeeping (for cron), label retries, and local carrier events."""

from __future__ import annotations

import uuid

import click
from flask.cli import AppGroup

from portal.carriers.base import TRACKING_STATUSES, TrackingUpdate
from portal.extensions import db
from portal.models.base import utcnow

returns_cli = AppGroup("returns", help="Returns housekeeping.")
labels_cli = AppGroup("labels", help="Return labels.")
carrier_cli = AppGroup("carrier", help="Carrier events for the local relay carrier.")


@returns_cli.command("expire")
def expire() -> None:
    """Expire returns whose label ran out unused, and delete the photos of journeys
    abandoned for more than a day (safe to run from cron at any frequency)."""
    from portal.customer.draft import purge_abandoned_photos
    from portal.services.returns import expire_returns

    expired = expire_returns(utcnow())
    purged = purge_abandoned_photos()
    db.session.commit()
    click.echo(f"expired {len(expired)}")
    for rr in expired:
        click.echo(f"  {rr.rma}")
    if purged:
        click.echo(f"purged {purged} photos of abandoned journeys")


@labels_cli.command("retry")
@click.option(
    "--unblock",
    is_flag=True,
    help="First clear the labels blocked by a non-retryable error (e.g. after funding the "
    "EasyPost account), so that they are tried again now.",
)
def retry(unblock: bool) -> None:
    """Try again the labels whose purchase failed and are due."""
    from portal.services.labels import retry_pending_labels, unblock_labels

    if unblock:
        unblocked = unblock_labels()
        db.session.commit()
        click.echo(f"unblocked {len(unblocked)}")
    click.echo(f"issued {retry_pending_labels()}")


@carrier_cli.command("event")
@click.argument("tracking")
@click.argument("status", type=click.Choice(TRACKING_STATUSES))
@click.option("--event-id", help="The carrier's event id (default: a new one); same id = replay.")
def event(tracking: str, status: str, event_id: str | None) -> None:
    """Feed a tracking event for TRACKING (as the carrier's webhook would)."""
    from portal.services.tracking import apply_tracking

    update = TrackingUpdate(
        event_id=event_id or f"local-{uuid.uuid4()}",
        tracking_code=tracking.strip().upper(),
        status=status,
        occurred_at=utcnow(),
    )
    outcome = apply_tracking(update, provider="local")
    db.session.commit()
    click.echo(outcome)
    if outcome == "unknown":
        raise click.ClickException(
            f"no label has the tracking code {update.tracking_code} (event not kept)"
        )

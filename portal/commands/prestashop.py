"""`flask shop poll`: the PrestaShop orders updated since the last poll, page by page.

PrestaShop sends no webhooks, so this is the near-real-time path: run it from cron every
few minutes (`*/5 * * * * flask --app wsgi shop poll`). Without --since it reads from the
last poll's time minus PRESTASHOP_POLL_OVERLAP_MINUTES (a day on the first run); an order
we already hold unchanged writes nothing, so overlapping windows cost reads only. The
nightly catch-up is the same command over a longer window: `shop poll --since 2d`; the
first sync `shop poll --since 90d`. Each page is committed before the next is read.
"""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app

from portal.commands.shops import parse_since
from portal.extensions import db
from portal.models.base import utcnow
from portal.shops import credentials
from portal.shops.platform import PlatformError, SyncProgress
from portal.shops.prestashop_orders import SOURCE, sync
from portal.shops.replacements import poll_tracking
from portal.shops.secrets import SecretsUnavailable
from portal.shops.sync import SyncResult, record


def _since(text: str | None, row):
    if text:
        return parse_since(text)
    if row is not None and row.last_sync_at is not None:
        overlap = int(current_app.config.get("PRESTASHOP_POLL_OVERLAP_MINUTES", 30))
        return row.last_sync_at - timedelta(minutes=overlap)
    return utcnow() - timedelta(days=1)


@click.command("poll")
@click.option("--since", "since", default=None, help="90d, 12h or a date (default: last poll)")
def poll_command(since: str | None) -> None:
    """Bring in the PrestaShop orders created or updated since the last poll."""
    try:
        row = credentials.saved(SOURCE)
        start = _since(since, row)
        result, failure = SyncResult(), None
        progress = SyncProgress(on_page=lambda n: click.echo(f"  {n} orders read"))
        try:
            for _ in sync(start, progress, result):
                db.session.commit()
        except PlatformError as exc:
            db.session.rollback()
            failure = f"{exc.kind}: {exc}"
    except SecretsUnavailable as exc:
        raise click.ClickException(f"the saved PrestaShop key cannot be read: {exc}") from exc
    record(credentials.saved(SOURCE), result, failure)
    db.session.commit()
    tracked, unread = poll_tracking(SOURCE) if failure is None else (0, [])
    db.session.commit()
    counts = result.counts()
    click.echo(
        f"created {counts['created']}, updated {counts['updated']}, "
        f"unchanged {counts['unchanged']}, rejected {counts['rejected']}"
    )
    for error in result.errors[:20]:
        click.echo(f"  rejected {error}")
    if tracked or unread:
        click.echo(f"exchange tracking numbers {tracked}, unreadable {len(unread)}")
    for error in unread[:20]:
        click.echo(f"  unreadable replacement order {error}")
    if failure:
        raise click.ClickException(failure)

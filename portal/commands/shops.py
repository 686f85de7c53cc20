"""`flask shop sync --since 90d`: Shopify orders updated since then, page by page.

Each page (250 orders) is applied and committed before the next is fetched, so memory
stays flat and an interrupted sync keeps what it did. An order whose `updated_at` we
already hold is skipped without a write, so the same command is the nightly catch-up
that heals missed webhooks (cron: `shop sync --since 2d`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.models.base import utcnow
from portal.shops import connection as shop_connection
from portal.shops.secrets import SecretsUnavailable
from portal.shops.shopify import ShopifyError
from portal.shops.shopify_mapping import Settings
from portal.shops.sync import SyncResult, apply_page, record

shop_cli = AppGroup("shop", help="Shop platform connectors (Shopify).")
SPAN = re.compile(r"(\d{1,5})([dh])")


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """'90d', '12h' or a date/date-time ('2026-09-01', '2026-09-01T08:00:00Z') → UTC."""
    now = now or utcnow()
    text = text.strip()
    if match := SPAN.fullmatch(text):
        amount, unit = int(match[1]), match[2]
        return now - (timedelta(days=amount) if unit == "d" else timedelta(hours=amount))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise click.BadParameter("use 90d, 12h or a date such as 2026-09-01") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@shop_cli.command("sync")
@click.option("--since", "since", default="90d", show_default=True, help="90d, 12h or a date")
def sync_command(since: str) -> None:
    """Bring in the Shopify orders created or updated since then."""
    start = parse_since(since)
    try:
        conn = shop_connection.current()
    except SecretsUnavailable as exc:
        raise click.ClickException(f"the saved Shopify token cannot be read: {exc}") from exc
    if conn is None:
        raise click.ClickException(
            "no Shopify shop is connected: use /staff/shops, or set SHOPIFY_SHOP_DOMAIN "
            "and SHOPIFY_ACCESS_TOKEN"
        )
    client = shop_connection.client_for(conn.domain, conn.token)
    settings = Settings.from_config(current_app.config)
    result = SyncResult()
    failure = None
    try:
        total = client.order_count(start)
        with click.progressbar(length=total, label=f"{conn.domain}", file=None) as bar:
            for page in client.order_pages(start):
                apply_page(page, settings, result)
                db.session.commit()
                bar.update(len(page))
    except ShopifyError as exc:
        db.session.rollback()
        failure = shop_connection.explain(exc)
    record(conn.saved, result, failure)
    db.session.commit()
    counts = result.counts()
    click.echo(
        f"created {counts['created']}, updated {counts['updated']}, "
        f"unchanged {counts['unchanged']}, rejected {counts['rejected']}"
    )
    for error in result.errors[:20]:
        click.echo(f"  rejected {error}")
    if failure:
        raise click.ClickException(failure)

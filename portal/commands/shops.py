"""`flask shop sync [--platform NAME] --since 90d`: each connected platform's orders
updated since then, page by page; `flask shop calls`: send the due platform calls.

Each page (Shopify: 250 orders) is applied and committed before the next is fetched, so
memory stays flat and an interrupted sync keeps what it did. An order whose platform
`updated_at` we already hold is skipped without a write, so the same command is the
nightly catch-up that heals missed webhooks (cron: `shop sync --since 2d`). Without
`--platform`, every registered platform that has credentials is synced in turn.

A platform writes its pages with its own `apply_orders(page, result)`; one without it
gives pages of our JSON API's order shape (`number` and the rest, see docs/api.md).
After the orders, a platform with `stock_pages` has its stock levels read and our variants
reconciled from them (portal/shops/stock_sync.py): the platform owns the stock.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.models.base import utcnow
from portal.shops import calls, credentials, stock_sync
from portal.shops.platform import PLATFORMS, PlatformError
from portal.shops.secrets import SecretsUnavailable
from portal.shops.sync import SyncResult, record

shop_cli = AppGroup("shop", help="Shop platform connectors (Shopify, WooCommerce, PrestaShop).")
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


def _apply_generic(page: list, result: SyncResult) -> None:
    from portal.services import shop_sync
    from portal.services.errors import ValidationFailed

    for payload in page:
        number = payload.get("number") if isinstance(payload, dict) else None
        try:
            with db.session.begin_nested():
                _, created = shop_sync.upsert_order(number, payload)
        except ValidationFailed as exc:
            result.errors.append(f"{number or '?'}: {exc}")
            continue
        if created:
            result.created += 1
        else:
            result.updated += 1


def sync_one(connector, creds, start: datetime, *, bar: bool = True) -> SyncResult:
    """Read and write every page; the connection row records how it went."""
    result, failure = SyncResult(), None
    apply = getattr(connector, "apply_orders", None) or _apply_generic
    try:
        count = getattr(connector, "count", None)
        total = count(creds, start) if count else None
        label = f"{connector.title} {creds.address}"
        if bar and total is not None:
            with click.progressbar(length=total, label=label, file=None) as progress:
                for page in connector.order_pages(creds, start):
                    apply(page, result)
                    db.session.commit()
                    progress.update(len(page))
        else:
            for page in connector.order_pages(creds, start):
                apply(page, result)
                db.session.commit()
                if bar:
                    click.echo(f"{label}: {result.created + result.updated + result.unchanged}")
        _reconcile_stock(connector, creds, result, bar=bar)
    except PlatformError as exc:
        db.session.rollback()
        failure = str(exc)
    record(credentials.saved(connector.name), result, failure)
    db.session.commit()
    result.failure = failure
    return result


def _reconcile_stock(connector, creds, result: SyncResult, *, bar: bool) -> None:
    """Our stock is the platform's cache: read its levels after the orders (which make
    the variants), a page at a time, committed after each."""
    pages = getattr(connector, "stock_pages", None)
    if pages is None:
        return
    held = stock_sync.held_in_platform(connector.name, getattr(connector, "hold_days", None))
    for page in pages(creds):
        stock_sync.apply_levels(page, held, result)
        db.session.commit()
    if bar:
        click.echo(f"{connector.title} stock: {result.stock_updated} variants updated")


@shop_cli.command("sync")
@click.option("--since", "since", default="90d", show_default=True, help="90d, 12h or a date")
@click.option(
    "--platform",
    "platform_name",
    default=None,
    help="shopify, woocommerce or prestashop (default: every connected platform)",
)
def sync_command(since: str, platform_name: str | None) -> None:
    """Bring in the orders created or updated since then."""
    start = parse_since(since)
    if platform_name is not None and platform_name not in PLATFORMS:
        known = ", ".join(sorted(PLATFORMS)) or "none"
        raise click.BadParameter(f"unknown platform {platform_name!r} (registered: {known})")
    names = [platform_name] if platform_name else list(PLATFORMS)
    failures, synced = [], 0
    for name in names:
        connector = PLATFORMS[name]
        try:
            creds = credentials.current(name)
        except SecretsUnavailable as exc:
            raise click.ClickException(
                f"the saved {connector.title} credentials cannot be read: {exc}"
            ) from exc
        if creds is None:
            if platform_name:
                raise click.ClickException(
                    f"no {connector.title} shop is connected: use /staff/shops"
                    + _environment_hint(name)
                )
            continue
        synced += 1
        result = sync_one(connector, creds, start)
        counts = result.counts()
        click.echo(
            f"{connector.title}: created {counts['created']}, updated {counts['updated']}, "
            f"unchanged {counts['unchanged']}, rejected {counts['rejected']}, "
            f"stock updated {counts['stock']}"
        )
        for error in result.errors[:20]:
            click.echo(f"  rejected {error}")
        if result.failure:
            failures.append(result.failure)
    if not synced:
        raise click.ClickException("no shop platform is connected: use /staff/shops")
    if failures:
        raise click.ClickException("; ".join(failures))


def _environment_hint(name: str) -> str:
    address, secrets = credentials.ENVIRONMENT.get(name, ("", {}))
    names = [address, *secrets.values()] if address else []
    return f", or set {' and '.join(names)}" if names else ""


@shop_cli.command("calls")
@click.option("--limit", default=100, show_default=True)
def calls_command(limit: int) -> None:
    """Send the due platform calls (gift cards, stock holds, replacement orders)."""
    counts = calls.send_due(limit=limit)
    click.echo(
        f"done {counts['done']}, refused {counts['refused']}, retry {counts['retry']}, "
        f"skipped {counts['skipped']}"
    )

"""PrestaShop orders into ours (flush, never commit), and the sync the commands run.

The writing is the Shopify writer's (`shopify_orders._fill` and `_lines`: lines matched on
the platform's own line id, lines without a SKU kept, a line with returns never shrunk or
repriced); only the lookup and the number rule are ours. An order whose `date_upd` we
already hold (or an older one) changes nothing and writes nothing: that is what makes the
poll and the nightly catch-up safe to run again and again.

A PrestaShop reference is not unique on its own: a cart shipped from two warehouses or by
two carriers becomes two orders with the same reference. The first keeps the reference as
its number; the next is numbered "<reference>-<id>" (docs/shops-prestashop.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models import Order
from portal.shops import credentials, platform
from portal.shops import shopify_orders as writer
from portal.shops.platform import PlatformError, SyncProgress
from portal.shops.prestashop_mapping import SOURCE, Settings, map_order
from portal.shops.shopify_mapping import BadPayload
from portal.shops.sync import SyncResult


def _free_number(mapped) -> str:
    taken = db.session.scalar(select(Order.source).where(Order.number == mapped.number))
    if taken is None:
        return mapped.number
    other = f"{mapped.number}-{mapped.external_id}"[:64]
    if db.session.scalar(select(Order.id).where(Order.number == other)) is not None:
        raise BadPayload(f"order number {mapped.number} is already used by another order")
    return other


def apply_order(payload, settings: Settings) -> str:
    """'created', 'updated' or 'unchanged'; BadPayload when the order cannot be read."""
    mapped = map_order(payload, settings)
    order = db.session.scalar(
        select(Order).where(Order.source == SOURCE, Order.external_id == mapped.external_id)
    )
    held = order.external_updated_at if order is not None else None
    if held is not None and mapped.updated_at is not None and mapped.updated_at <= held:
        return "unchanged"
    created = order is None
    if created:
        mapped.number = _free_number(mapped)
        order = Order(number=mapped.number, source=SOURCE, external_id=mapped.external_id)
        db.session.add(order)
    else:
        mapped.number = order.number  # the number customers were given stays theirs
    # the Shopify writer's own steps, shared rather than copied (see the module's text)
    writer._fill(order, mapped)  # noqa: SLF001
    writer._lines(order, mapped.lines, mapped.currency, settings.writer())  # noqa: SLF001
    db.session.flush()
    return "created" if created else "updated"


def _label(payload) -> str:
    if isinstance(payload, dict):
        return str(payload.get("reference") or payload.get("id") or "?")[:40]
    return "?"


def apply_page(orders: list, settings: Settings, result: SyncResult) -> None:
    """Each order in its own savepoint: one that cannot be read is named and skipped."""
    for payload in orders:
        try:
            with db.session.begin_nested():
                outcome = apply_order(payload, settings)
        except BadPayload as exc:
            result.errors.append(f"{_label(payload)}: {exc}")
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)


def connector() -> platform.Platform:
    found = platform.PLATFORMS.get(SOURCE)
    if found is None:  # registered by create_app; a bare script still works
        from portal.shops.prestashop_platform import PrestaShop

        found = PrestaShop()
    return found


def sync(
    since: datetime, progress: SyncProgress | None = None, result: SyncResult | None = None
) -> Iterator[SyncResult]:
    """Apply each page of orders updated since then and yield: the caller commits each page
    (so memory stays flat and an interrupted sync keeps what it did). PlatformError when no
    shop is connected or the shop cannot be read."""
    given = credentials.current(SOURCE)
    if given is None:
        raise PlatformError(
            "auth",
            "no PrestaShop shop is connected: use /staff/shops, or set PRESTASHOP_SHOP_URL "
            "and PRESTASHOP_WEBSERVICE_KEY",
        )
    settings = Settings.from_config(current_app.config)
    result = result if result is not None else SyncResult()
    for page in connector().order_pages(given, since):
        apply_page(page, settings, result)
        if progress is not None:
            progress.done += len(page)
            if progress.on_page is not None:
                progress.on_page(len(page))
        yield result

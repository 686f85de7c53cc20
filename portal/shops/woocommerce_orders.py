"""WooCommerce orders into ours (flush, never commit), and the sync of pages of them.

The writing is the shared writer's (`order_writer`: a page read in a few queries and
flushed once, fields assigned only when they changed, lines matched on the platform's line
id, lines with returns kept); only the reading (`woocommerce_mapping`) and the source
differ. A payload whose `date_modified_gmt`
we already hold (or an older one, arriving late) changes nothing and writes nothing: that
is what makes a sync, the nightly catch-up and a webhook replay safe to run again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask import current_app

from portal.extensions import db
from portal.shops import credentials as shop_credentials
from portal.shops import platform, replacements
from portal.shops.order_writer import Page, write_one, write_page
from portal.shops.platform import PlatformError, SyncProgress
from portal.shops.shopify_mapping import BadPayload, MappedOrder, Settings
from portal.shops.sync import SyncResult, record
from portal.shops.woocommerce_mapping import (
    KEY_META,
    SOURCE,
    map_order,
    settings_from_config,
    tracking,
)
from portal.shops.woocommerce_stock import meta_value


def _replacement(payload) -> str | None:
    """An exchange's replacement order we made (woocommerce_platform.create_replacement:
    `parent_id` the customer's order, our key in the meta `_retours_key`): not imported;
    its Shipment Tracking number goes to the exchange (portal/shops/replacements.py).
    None when the payload is not one of ours."""
    if not isinstance(payload, dict) or not payload.get("parent_id"):
        return None
    key = meta_value(payload, KEY_META)
    if not isinstance(key, str) or not key.startswith("retours-exchange-"):
        return None
    call = replacements.call_for(SOURCE, str(payload.get("id")))
    if call is None:  # made, but its answer not applied yet: the next update brings it
        return "unchanged"
    found = tracking(payload)
    return replacements.tracked(call, found[1] if found else None)


def apply_order(payload, settings: Settings) -> str:
    """'created', 'updated' or 'unchanged'; BadPayload when the order cannot be read."""
    ours = _replacement(payload)
    if ours is not None:
        return ours
    return write_one(Page, SOURCE, settings, map_order(payload, settings))


def _label(payload) -> str:
    if isinstance(payload, dict):
        return str(payload.get("number") or payload.get("id") or "?")[:40]
    return "?"


def apply_page(orders: list, settings: Settings, result: SyncResult) -> None:
    """A page of the store's orders, written by the shared writer (read in a few queries,
    flushed once): an order that cannot be read or written is named and skipped, the
    others land; our own replacement orders are left out."""
    todo: list[tuple[str, MappedOrder]] = []
    for payload in orders:
        ours = _replacement(payload)
        if ours is not None:
            setattr(result, ours, getattr(result, ours) + 1)
            continue
        try:
            mapped = map_order(payload, settings)
        except BadPayload as exc:
            result.errors.append(f"{_label(payload)}: {exc}")
            continue
        todo.append((mapped.number, mapped))
    write_page(Page, SOURCE, settings, todo, result)


def sync(since: datetime, progress: SyncProgress | None = None) -> Iterator[SyncResult]:
    """Apply the store's orders modified since then, one page at a time; yields after each
    page (flushed, not committed: the caller commits, so memory stays flat and an
    interrupted sync keeps what it did). The last sync's counts and errors are recorded on
    the saved connection. PlatformError when there is no connection or the store fails."""
    found = shop_credentials.current(SOURCE)
    if found is None:
        raise PlatformError("auth", "no WooCommerce store is connected")
    settings = settings_from_config(current_app.config)
    progress = progress or SyncProgress()
    result = SyncResult()

    def on_total(total: int) -> None:
        progress.total = total

    try:
        connector = platform.for_source(SOURCE)  # registered by portal.shops.init_app
        for page in connector.order_pages(found, since, on_total=on_total):
            apply_page(page, settings, result)
            progress.done += len(page)
            if progress.on_page is not None:
                progress.on_page(len(page))
            yield result
    except PlatformError as exc:
        db.session.rollback()
        record(shop_credentials.saved(SOURCE), result, str(exc))
        raise
    record(shop_credentials.saved(SOURCE), result)

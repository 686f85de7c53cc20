"""WooCommerce orders into ours (flush, never commit), and the sync of pages of them.

The writing is the Shopify writer's (`shopify_orders`: fields assigned only when they
changed, lines matched on the platform's line id, lines with returns kept); only the
reading (`woocommerce_mapping`) and the source differ. A payload whose `date_modified_gmt`
we already hold (or an older one, arriving late) changes nothing and writes nothing: that
is what makes a sync, the nightly catch-up and a webhook replay safe to run again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import Order
from portal.shops import credentials as shop_credentials
from portal.shops import replacements
from portal.shops.platform import PlatformError, SyncProgress
from portal.shops.shopify_mapping import BadPayload, MappedOrder, Settings
from portal.shops.shopify_orders import _fill, _lines, _variant
from portal.shops.sync import SyncResult, record
from portal.shops.woocommerce_mapping import SOURCE, map_order, settings_from_config, tracking
from portal.shops.woocommerce_platform import KEY_META, PLATFORM
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
    mapped = map_order(payload, settings)
    order = db.session.scalar(
        select(Order).where(Order.source == SOURCE, Order.external_id == mapped.external_id)
    )
    return _apply(mapped, order, settings)


def _unchanged(mapped: MappedOrder, order: Order | None) -> bool:
    held = order.external_updated_at if order is not None else None
    return held is not None and mapped.updated_at is not None and mapped.updated_at <= held


def _apply(mapped: MappedOrder, order: Order | None, settings: Settings, taken=None) -> str:
    """Write `mapped` over `order` (None: a new one). `taken`: whether its number is used
    already, when the caller knows; else it is looked up."""
    if _unchanged(mapped, order):
        return "unchanged"
    created = order is None
    if created:
        if taken is None:
            found = db.session.scalar(select(Order.id).where(Order.number == mapped.number))
            taken = found is not None
        if taken:
            raise BadPayload(f"order number {mapped.number} is already used by another order")
    for line in mapped.lines:  # the variants first, each flushed before the next looks
        _variant(line, mapped.currency, settings)
    if db.session.new:
        db.session.flush()
    with db.session.no_autoflush:  # then the order and its lines in one flush
        if created:
            order = Order(number=mapped.number, source=SOURCE, external_id=mapped.external_id)
            db.session.add(order)
        _fill(order, mapped)
        _lines(order, mapped.lines, mapped.currency, settings)
    db.session.flush()
    return "created" if created else "updated"


def _label(payload) -> str:
    if isinstance(payload, dict):
        return str(payload.get("number") or payload.get("id") or "?")[:40]
    return "?"


def apply_page(orders: list, settings: Settings, result: SyncResult) -> None:
    """The page's orders we hold and the numbers already used are read in two queries; an
    order we hold as it is costs nothing more; the others are written each in its own
    savepoint, and one that cannot be read or written is named and skipped."""
    mapped: list[MappedOrder] = []
    for payload in orders:
        ours = _replacement(payload)
        if ours is not None:
            setattr(result, ours, getattr(result, ours) + 1)
            continue
        try:
            mapped.append(map_order(payload, settings))
        except BadPayload as exc:
            result.errors.append(f"{_label(payload)}: {exc}")
    ids = [m.external_id for m in mapped]
    held = {
        o.external_id: o
        for o in db.session.scalars(
            select(Order).where(Order.source == SOURCE, Order.external_id.in_(ids))
        )
    }
    new_numbers = [m.number for m in mapped if m.external_id not in held]
    used = set(db.session.scalars(select(Order.number).where(Order.number.in_(new_numbers))))
    for one in mapped:
        order = held.get(one.external_id)
        if _unchanged(one, order):
            result.unchanged += 1
            continue
        try:
            with db.session.begin_nested():
                outcome = _apply(one, order, settings, taken=one.number in used)
        except (BadPayload, IntegrityError) as exc:
            why = exc if isinstance(exc, BadPayload) else "it clashes with another order"
            result.errors.append(f"{one.number}: {why}")
            continue
        used.add(one.number)
        setattr(result, outcome, getattr(result, outcome) + 1)


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
        for page in PLATFORM.order_pages(found, since, on_total=on_total):
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

"""PrestaShop orders into ours (flush, never commit), and the sync the commands run.

The writing is the shared writer's (`order_writer`: a page read in a few queries and
flushed once, lines matched on the platform's own line id, lines without a SKU kept, a
line with returns never shrunk or repriced); only the number rule is ours. An order
whose `date_upd` we already hold (or an older one) changes nothing and writes nothing:
that is what makes the poll and the nightly catch-up safe to run again and again.

A PrestaShop reference is not unique on its own: a cart shipped from two warehouses or by
two carriers becomes two orders with the same reference. The first keeps the reference as
its number; the next is numbered "<reference>-<id>" (docs/shops-prestashop.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask import current_app

from portal.models import Order
from portal.shops import credentials, order_writer, platform
from portal.shops.platform import PlatformError, SyncProgress
from portal.shops.prestashop_mapping import SOURCE, Settings, map_order
from portal.shops.shopify_mapping import BadPayload, MappedOrder
from portal.shops.sync import SyncResult


class Page(order_writer.Page):
    """The shared writer's page, with PrestaShop's numbers: a new order takes its reference,
    or "<reference>-<id>" when another order has it; an order we hold keeps its number."""

    def candidates(self, mapped: MappedOrder) -> tuple[str, ...]:
        return (mapped.number, f"{mapped.number}-{mapped.external_id}"[:64])

    def number_for(self, mapped: MappedOrder, order: Order | None) -> str:
        if order is not None:
            return order.number  # the number customers were given stays theirs
        for number in self.candidates(mapped):
            if number not in self.numbers:
                return number
        raise BadPayload(f"order number {mapped.number} is already used by another order")


def apply_order(payload, settings: Settings) -> str:
    """'created', 'updated' or 'unchanged'; BadPayload (before anything is written) when
    the order cannot be read."""
    return order_writer.write_one(Page, SOURCE, settings, map_order(payload, settings))


def _label(payload) -> str:
    if isinstance(payload, dict):
        return str(payload.get("reference") or payload.get("id") or "?")[:40]
    return "?"


def ours(payload, module: str) -> bool:
    """A replacement order Retours made (prestashop_exchange): paid with the replacement
    module, at 0, its payment named "Retours <RMA>". Not a customer's order to return."""
    if not isinstance(payload, dict):
        return False
    try:
        free = float(payload.get("total_paid") or 0) == 0
    except (TypeError, ValueError):
        return False
    payment = str(payload.get("payment") or "")
    return free and payload.get("module") == module and payment.startswith("Retours ")


def apply_page(orders: list, settings: Settings, result: SyncResult) -> None:
    """An order that cannot be read or written is named and skipped, the others land; our
    own replacement orders are left out (and counted unchanged); the page is read in a few
    queries and flushed once (`order_writer.write_page`)."""
    module = current_app.config.get("PRESTASHOP_REPLACEMENT_MODULE") or "ps_wirepayment"
    todo: list[tuple[str, MappedOrder]] = []
    for payload in orders:
        if ours(payload, module):
            result.unchanged += 1
            continue
        try:
            todo.append((_label(payload), map_order(payload, settings)))
        except BadPayload as exc:
            result.errors.append(f"{_label(payload)}: {exc}")
    order_writer.write_page(Page, SOURCE, settings, todo, result)


def connector() -> platform.Platform:
    found = platform.PLATFORMS.get(SOURCE)
    if found is None:
        raise PlatformError("not_found", "the PrestaShop connector is not registered (create_app)")
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

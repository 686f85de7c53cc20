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
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models import Order, OrderLine, Variant
from portal.shops import credentials, platform
from portal.shops import shopify_orders as writer
from portal.shops.platform import PlatformError, SyncProgress
from portal.shops.prestashop_mapping import SOURCE, Settings, map_order
from portal.shops.shopify_mapping import BadPayload, Line, MappedOrder
from portal.shops.sync import SyncResult


@dataclass
class Page:
    """What a page of orders needs from the database, read in three queries rather than a
    few per order: our orders with these ids, the numbers taken, the variants by SKU."""

    held: dict[str, Order] = field(default_factory=dict)
    numbers: set[str] = field(default_factory=set)
    variants: dict[str, Variant] = field(default_factory=dict)

    @classmethod
    def read(cls, payloads: list) -> Page:
        ids, numbers, skus = set(), set(), set()
        for payload in payloads:
            if not isinstance(payload, dict):
                continue
            ids.add(str(payload.get("id")))
            reference = str(payload.get("reference") or "").strip()
            numbers |= {reference, f"{reference}-{payload.get('id')}"}
            for item in (payload.get("associations") or {}).get("order_rows") or []:
                if isinstance(item, dict):
                    skus.add(str(item.get("product_reference") or "").strip())
                    skus.add(
                        f"prestashop-{item.get('product_id')}-{item.get('product_attribute_id')}"
                    )
        held = db.session.scalars(
            select(Order).where(Order.source == SOURCE, Order.external_id.in_(ids))
        )
        taken = db.session.scalars(select(Order.number).where(Order.number.in_(numbers)))
        variants = db.session.scalars(select(Variant).where(Variant.sku.in_(skus)))
        return cls(
            held={order.external_id: order for order in held},
            numbers=set(taken),
            variants={variant.sku: variant for variant in variants},
        )

    def number_for(self, mapped: MappedOrder) -> str:
        for number in (mapped.number, f"{mapped.number}-{mapped.external_id}"[:64]):
            if number not in self.numbers:
                self.numbers.add(number)
                return number
        raise BadPayload(f"order number {mapped.number} is already used by another order")

    def variant(self, line: Line, currency: str, settings: Settings) -> Variant:
        found = self.variants.get(line.sku)
        if found is None:  # the Shopify writer's: a new variant of a new or known product
            found = writer._variant(line, currency, settings.writer())  # noqa: SLF001
            self.variants[line.sku] = found
        return found


def apply_order(payload, settings: Settings, page: Page | None = None) -> str:
    """'created', 'updated' or 'unchanged'; BadPayload (before anything is written) when
    the order cannot be read."""
    mapped = map_order(payload, settings)
    page = page if page is not None else Page.read([payload])
    order = page.held.get(mapped.external_id)
    held = order.external_updated_at if order is not None else None
    if held is not None and mapped.updated_at is not None and mapped.updated_at <= held:
        return "unchanged"
    created = order is None
    if created:
        mapped.number = page.number_for(mapped)
        order = Order(number=mapped.number, source=SOURCE, external_id=mapped.external_id)
        db.session.add(order)
        page.held[mapped.external_id] = order
    else:
        mapped.number = order.number  # the number customers were given stays theirs
    # the Shopify writer's own steps, shared rather than copied (see the module's text)
    writer._fill(order, mapped)  # noqa: SLF001
    if created:  # a new order has no returns: its lines are plainly the platform's
        for line in mapped.lines:
            order.lines.append(
                OrderLine(
                    external_id=line.external_id,
                    variant=page.variant(line, mapped.currency, settings),
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    discount=line.discount,
                )
            )
    else:
        writer._lines(order, mapped.lines, mapped.currency, settings.writer())  # noqa: SLF001
    return "created" if created else "updated"


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
    """An order that cannot be read is named and skipped (it is refused before anything of
    it is written, so no savepoint is needed); our own replacement orders are left out (and
    counted unchanged); the page is flushed once."""
    page = Page.read(orders)
    module = current_app.config.get("PRESTASHOP_REPLACEMENT_MODULE") or "ps_wirepayment"
    for payload in orders:
        if ours(payload, module):
            result.unchanged += 1
            continue
        try:
            outcome = apply_order(payload, settings, page)
        except BadPayload as exc:
            result.errors.append(f"{_label(payload)}: {exc}")
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
    db.session.flush()


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

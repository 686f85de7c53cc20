"""Shopify orders into ours: create or update one order from its payload (flushes, never
commits). A payload whose `updated_at` we already hold (or an older one, arriving late)
changes nothing and writes nothing: that is what makes a sync and a webhook replay safe to
run again.

Lines are matched on Shopify's line id (`OrderLine.external_id`), so the same SKU on two
lines stays two lines. A line's variant is ours with that SKU; a line without a SKU gets a
variant of its own (`shopify-variant-<id>`, or `shopify-line-<id>` for a custom item),
returnable or not by SHOPIFY_RETURN_LINES_WITHOUT_SKU. Gift-card lines are never
returnable. A line that has returns keeps its quantity (never below what was returned)
and its price, and is never removed.
"""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Order, OrderLine, Product, ReturnItem, ReturnRequest, Variant
from portal.services.shop_sync import new_gift_code
from portal.shops import replacements
from portal.shops.shopify_mapping import SOURCE, BadPayload, Line, MappedOrder, Settings, map_order


def apply_order(payload, settings: Settings, known: dict[str, Variant] | None = None) -> str:
    """'created', 'updated' or 'unchanged'; BadPayload when the order cannot be read.
    `known`: variants already read by SKU (a sync's page shares one), so that the same
    SKU is not asked for again on every line."""
    if (ours := _replacement(payload)) is not None:
        return ours
    mapped = map_order(payload, settings)
    order = db.session.scalar(
        select(Order).where(Order.source == SOURCE, Order.external_id == mapped.external_id)
    )
    held = order.external_updated_at if order is not None else None
    if held is not None and mapped.updated_at is not None and mapped.updated_at <= held:
        return "unchanged"
    created = order is None
    if created:
        taken = db.session.scalar(select(Order.id).where(Order.number == mapped.number))
        if taken is not None:
            raise BadPayload(f"order number {mapped.number} is already used by another order")
        order = Order(number=mapped.number, source=SOURCE, external_id=mapped.external_id)
        db.session.add(order)
    _fill(order, mapped)
    _lines(order, mapped.lines, mapped.currency, settings, known)
    db.session.flush()
    return "created" if created else "updated"


def _replacement(payload) -> str | None:
    """An exchange's replacement order we made (tagged `retours`): not imported; its
    fulfilment's tracking number goes to the exchange (portal/shops/replacements.py)."""
    if not isinstance(payload, dict):
        return None
    tags = payload.get("tags")
    if not isinstance(tags, str) or "retours" not in {t.strip() for t in tags.split(",")}:
        return None
    call = replacements.call_for(SOURCE, str(payload.get("id")))
    if call is None:
        return None
    tracking = None
    for fulfillment in payload.get("fulfillments") or []:
        if isinstance(fulfillment, dict) and fulfillment.get("tracking_number"):
            tracking = str(fulfillment["tracking_number"])
    return replacements.tracked(call, tracking)


def _set(obj, name: str, value) -> None:
    """Assign only what changed, so that an order that did not change is not rewritten."""
    if getattr(obj, name) != value:
        setattr(obj, name, value)


def _fill(order: Order, mapped: MappedOrder) -> None:
    if order.number != mapped.number:
        clash = db.session.scalar(
            select(Order.id).where(Order.number == mapped.number, Order.id != order.id)
        )
        if clash is not None:
            raise BadPayload(f"order number {mapped.number} is already used by another order")
        order.number = mapped.number
    address = mapped.address
    values = {
        "email": mapped.email,
        "shipping_name": address["name"],
        "shipping_line1": address["line1"],
        "shipping_line2": address["line2"] or None,
        "shipping_postcode": address["postcode"],
        "shipping_city": address["city"],
        "shipping_country": address["country"],
        "placed_at": mapped.placed_at,
        "delivered_at": mapped.delivered_at,
        "delivery_estimated": mapped.delivery_estimated,
        "currency": mapped.currency,
        "payment_method": mapped.payment_method,
        "payment_reference": mapped.payment_reference,
        "discount": 0,  # Shopify spreads order discounts over the lines itself
        "cancelled": mapped.cancelled,
        "external_updated_at": mapped.updated_at,
    }
    for name, value in values.items():
        _set(order, name, value)
    if mapped.is_gift:
        _set(order, "gift_message", mapped.gift_message)
        if not order.gift_code:
            order.gift_code = new_gift_code()
    elif order.gift_code:
        order.gift_code, order.gift_message = None, None


def _returnable(line: Line, settings: Settings) -> bool:
    return not line.gift_card and (line.has_sku or settings.lines_without_sku_returnable)


def _variant(line: Line, currency: str, settings: Settings, known: dict | None = None) -> Variant:
    variant = known.get(line.sku) if known is not None else None
    if variant is None:
        variant = db.session.scalar(select(Variant).where(Variant.sku == line.sku))
        if variant is not None and known is not None:
            known[line.sku] = variant  # stored already: a rolled-back savepoint keeps it
    returnable = _returnable(line, settings)
    if variant is None:
        product = db.session.scalar(select(Product).where(Product.code == line.product_code))
        if product is None:
            product = Product(code=line.product_code, name=line.product_name)
            db.session.add(product)
        variant = Variant(
            sku=line.sku,
            product=product,
            colour=line.variant_title,
            price=line.unit_price,
            currency=currency,
            stock_on_hand=0,  # the platform owns the stock
            stock_reserved=0,
            returnable=returnable,
        )
        db.session.add(variant)
    elif not line.has_sku or line.gift_card:
        _set(variant, "returnable", returnable)  # our own variants follow the setting
    return variant


def _returned(order: Order) -> dict[int, int]:
    if order.id is None:
        return {}
    rows = db.session.execute(
        select(ReturnItem.order_line_id, func.sum(ReturnItem.quantity))
        .join(ReturnRequest)
        .where(ReturnRequest.order_id == order.id)
        .group_by(ReturnItem.order_line_id)
    ).all()
    return {line_id: int(qty) for line_id, qty in rows}


def _lines(
    order: Order, lines: list[Line], currency: str, settings: Settings, known: dict | None = None
) -> None:
    returned = _returned(order)
    existing = {row.external_id: row for row in order.lines}
    wanted = {line.external_id for line in lines}
    for key, row in existing.items():
        if key not in wanted and row.id not in returned:
            order.lines.remove(row)
    for line in lines:
        row = existing.get(line.external_id)
        if row is None:
            row = OrderLine(
                external_id=line.external_id, variant=_variant(line, currency, settings, known)
            )
            order.lines.append(row)
        elif not line.has_sku or line.gift_card:
            _set(row.variant, "returnable", _returnable(line, settings))
        taken = returned.get(row.id, 0) if row.id is not None else 0
        _set(row, "quantity", max(line.quantity, taken))
        if not taken:  # a line with returns keeps the price its refunds were worked out on
            _set(row, "unit_price", line.unit_price)
            _set(row, "discount", line.discount)

"""Catalogue and orders pushed by the shop (JSON API and file imports).

Each payload is checked whole first; nothing is written unless all of it is valid.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select

from portal.extensions import db
from portal.models import Order, OrderLine, Product, ReturnItem, ReturnRequest, Variant
from portal.services.errors import ValidationFailed
from portal.services.validation import Checker

# the columns' sizes; country is checked to be two letters afterwards
ADDRESS_MAX_LENGTHS = {
    "name": 200,
    "line1": 200,
    "line2": 200,
    "postcode": 16,
    "city": 100,
    "country": 200,
}
GIFT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_gift_code() -> str:
    """GIFT-XXXX-XXXX-XXXX: 60 random bits, no look-alike characters."""
    chars = "".join(secrets.choice(GIFT_ALPHABET) for _ in range(12))
    return f"GIFT-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def upsert_variants(payload) -> dict[str, int]:
    """Create or update the variants listed in {"variants": [...]}; returns counts."""
    check = Checker()
    if not isinstance(payload, dict):
        raise ValidationFailed({"": "body must be a JSON object"})
    items = check.array(payload, "variants", "variants")
    if items is None:
        raise ValidationFailed(check.errors)
    rows = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        f = f"variants[{i}]"
        if not isinstance(item, dict):
            check.fail(f, "must be an object")
            continue
        row = {
            "sku": check.text(item, "sku", f"{f}.sku", max_len=64),
            "product": check.text(item, "product", f"{f}.product", max_len=64),
            "name": check.text(item, "name", f"{f}.name"),
            "size": check.text(item, "size", f"{f}.size", required=False, max_len=32) or "",
            "colour": check.text(item, "colour", f"{f}.colour", required=False, max_len=64) or "",
            "price": check.integer(item, "price", f"{f}.price"),
            "currency": check.currency(item, "currency", f"{f}.currency"),
            "stock": check.integer(item, "stock", f"{f}.stock"),
            "returnable": check.boolean(item, "returnable", f"{f}.returnable", True),
            "weight_grams": check.integer(item, "weight_grams", f"{f}.weight_grams", minimum=1)
            if item.get("weight_grams") is not None
            else None,
        }
        if row["sku"] in seen:
            check.fail(f"{f}.sku", "appears twice in this request")
        seen.add(row["sku"])
        rows.append((f, row))
    if check.errors:
        raise ValidationFailed(check.errors)

    counts = {"created": 0, "updated": 0}
    for f, row in rows:
        product = db.session.scalar(select(Product).where(Product.code == row["product"]))
        if product is None:
            product = Product(code=row["product"], name=row["name"])
            db.session.add(product)
        product.name = row["name"]
        if row["weight_grams"]:
            product.weight_grams = row["weight_grams"]
        variant = db.session.scalar(select(Variant).where(Variant.sku == row["sku"]))
        if variant is None:
            variant = Variant(sku=row["sku"], stock_reserved=0)
            db.session.add(variant)
            counts["created"] += 1
        else:
            counts["updated"] += 1
        if variant.stock_reserved and row["stock"] < variant.stock_reserved:
            raise ValidationFailed(
                {f"{f}.stock": f"is below the {variant.stock_reserved} units promised to exchanges"}
            )
        variant.product = product
        variant.size, variant.colour = row["size"], row["colour"]
        variant.price, variant.currency = row["price"], row["currency"]
        variant.stock_on_hand, variant.returnable = row["stock"], row["returnable"]
    db.session.flush()
    return counts


def _read_order(number: str, payload, check: Checker) -> dict:
    if not isinstance(payload, dict):
        raise ValidationFailed({"": "body must be a JSON object"})
    if payload.get("number") not in (None, number):
        check.fail("number", "does not match the order number in the URL")
    order = {
        "email": check.email(payload, "email", "email"),
        "placed_at": check.timestamp(payload, "placed_at", "placed_at"),
        "delivered_at": check.timestamp(payload, "delivered_at", "delivered_at", required=False),
        "currency": check.currency(payload, "currency", "currency"),
        "cancelled": check.boolean(payload, "cancelled", "cancelled", False),
    }
    addr = check.mapping(payload, "shipping_address", "shipping_address") or {}
    order["address"] = {
        key: check.text(addr, key, f"shipping_address.{key}", required=key != "line2", max_len=n)
        for key, n in ADDRESS_MAX_LENGTHS.items()
    }
    country = order["address"]["country"]
    if country is not None and (len(country) != 2 or not country.isalpha()):
        check.fail("shipping_address.country", "must be a two-letter country code")
    payment = check.mapping(payload, "payment", "payment") or {}
    order["payment_method"] = check.text(payment, "method", "payment.method", max_len=32)
    order["payment_reference"] = (
        check.text(payment, "reference", "payment.reference", required=False, max_len=128) or ""
    )
    gift = check.mapping(payload, "gift", "gift", required=False)
    order["gift"] = None
    if gift is not None:
        code = check.text(gift, "code", "gift.code", required=False, max_len=32)
        if code is not None and len(code) < 12:
            check.fail("gift.code", "must be at least 12 characters (hard to guess)")
        message = check.text(gift, "message", "gift.message", required=False, max_len=2000)
        order["gift"] = {"code": code.upper() if code else None, "message": message}
    lines = check.array(payload, "lines", "lines") or []
    if not lines and "lines" not in check.errors:
        check.fail("lines", "must list at least one line")
    order["lines"] = []
    for i, line in enumerate(lines):
        f = f"lines[{i}]"
        if not isinstance(line, dict):
            check.fail(f, "must be an object")
            continue
        sku = check.text(line, "sku", f"{f}.sku", max_len=64)
        variant = db.session.scalar(select(Variant).where(Variant.sku == sku)) if sku else None
        if sku and variant is None:
            check.fail(f"{f}.sku", f"unknown SKU {sku!r}")
        if variant is not None and order["currency"] and variant.currency != order["currency"]:
            check.fail(f"{f}.sku", f"is priced in {variant.currency}, not {order['currency']}")
        order["lines"].append(
            {
                "field": f,
                "variant": variant,
                "quantity": check.integer(line, "quantity", f"{f}.quantity", minimum=1),
                "unit_price": check.integer(line, "unit_price", f"{f}.unit_price"),
                "final_sale": check.boolean(line, "final_sale", f"{f}.final_sale", False),
            }
        )
    skus = [line["variant"].sku for line in order["lines"] if line["variant"] is not None]
    if len(skus) != len(set(skus)):
        check.fail("lines", "list each SKU once (use quantity for several units)")
    return order


def upsert_order(number: str, payload) -> tuple[Order, bool]:
    """Create or replace order `number`. Returns (order, created)."""
    check = Checker()
    number = (number or "").strip()
    if not number or len(number) > 64:
        raise ValidationFailed({"number": "is required (at most 64 characters)"})
    data = _read_order(number, payload, check)
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is not None and not check.errors:
        _check_lines_kept(order, data, check)
    gift_code = data["gift"]["code"] if data["gift"] else None
    if gift_code:
        other = db.session.scalar(select(Order).where(Order.gift_code == gift_code))
        if other is not None and other is not order:
            check.fail("gift.code", "is already used by another order")
    if check.errors:
        raise ValidationFailed(check.errors)

    created = order is None
    if created:
        order = Order(number=number)
        db.session.add(order)
    addr = data["address"]
    order.email = data["email"]
    order.shipping_name, order.shipping_line1 = addr["name"], addr["line1"]
    order.shipping_line2, order.shipping_postcode = addr["line2"], addr["postcode"]
    order.shipping_city, order.shipping_country = addr["city"], addr["country"].upper()
    order.placed_at, order.delivered_at = data["placed_at"], data["delivered_at"]
    order.currency, order.cancelled = data["currency"], data["cancelled"]
    order.payment_method, order.payment_reference = (
        data["payment_method"],
        data["payment_reference"],
    )
    if data["gift"] is not None:
        order.gift_code = gift_code or order.gift_code or new_gift_code()
        order.gift_message = data["gift"]["message"]
    else:
        order.gift_code, order.gift_message = None, None
    existing = {line.variant_id: line for line in order.lines}
    wanted = {line["variant"].id for line in data["lines"]}
    for variant_id, line in existing.items():
        if variant_id not in wanted:
            order.lines.remove(line)
    for line in data["lines"]:
        row = existing.get(line["variant"].id)
        if row is None:
            row = OrderLine(variant=line["variant"])
            order.lines.append(row)
        row.quantity, row.unit_price = line["quantity"], line["unit_price"]
        row.final_sale = line["final_sale"]
    db.session.flush()
    return order, created


def _check_lines_kept(order: Order, data: dict, check: Checker) -> None:
    """An order with returns keeps its returned lines (and their quantity and price)."""
    returned = db.session.execute(
        select(ReturnItem.order_line_id, ReturnItem.quantity)
        .join(ReturnRequest)
        .where(ReturnRequest.order_id == order.id)
    ).all()
    if not returned:
        return
    taken: dict[int, int] = {}
    for line_id, qty in returned:
        taken[line_id] = taken.get(line_id, 0) + qty
    new = {line["variant"].id: line for line in data["lines"] if line["variant"] is not None}
    for line in order.lines:
        if line.id not in taken:
            continue
        incoming = new.get(line.variant_id)
        if incoming is None:
            check.fail("lines", f"line {line.variant.sku} has returns and cannot be removed")
        elif (incoming["quantity"] or 0) < taken[line.id]:
            check.fail(
                "lines", f"line {line.variant.sku} cannot drop below {taken[line.id]} returned"
            )
        elif incoming["unit_price"] != line.unit_price:
            check.fail("lines", f"line {line.variant.sku} has returns; its price cannot change")

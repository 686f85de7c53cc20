"""Catalogue and orders pushed by the shop (JSON API and file imports).

Each payload is checked whole first, against the schema the OpenAPI document publishes
for it (portal/services/validation.py), then against the rules a schema cannot state
(`_catalog_rules`, `_order_rules`, `_money_rules`, `_check_lines_kept`: the SKU exists, a
discount fits what it applies to, a line keeps its returns, …). Every problem is reported
at once; nothing is written unless all is valid.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select

from portal import payments
from portal.extensions import db
from portal.models import Order, OrderLine, Product, ReturnItem, ReturnRequest, Variant
from portal.services import validation
from portal.services.errors import ValidationFailed

GIFT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_gift_code() -> str:
    """GIFT-XXXX-XXXX-XXXX: 60 random bits, no look-alike characters."""
    chars = "".join(secrets.choice(GIFT_ALPHABET) for _ in range(12))
    return f"GIFT-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def _text(value: str | None) -> str | None:
    """A text field as stored: trimmed, None when absent or blank."""
    value = value.strip() if isinstance(value, str) else None
    return value or None


def _valid(problems: dict[str, str], field: str) -> bool:
    """True when nothing is wrong with `field`, inside it, or with what holds it."""

    def related(key: str) -> bool:
        inner, outer = (key, field) if len(key) >= len(field) else (field, key)
        return inner == outer or inner.startswith((f"{outer}.", f"{outer}[")) or outer == ""

    return not any(related(key) for key in problems)


# --- the catalogue ------------------------------------------------------------------------


def upsert_variants(payload) -> dict[str, int]:
    """Create or update the variants listed in {"variants": [...]}; returns counts."""
    problems = validation.errors("CatalogUpsert", payload)
    if not isinstance(payload, dict) or not isinstance(payload.get("variants"), list):
        raise ValidationFailed(problems)
    items = payload["variants"]
    problems |= _catalog_rules(items, problems)
    if problems:
        raise ValidationFailed(problems)

    counts = {"created": 0, "updated": 0}
    for item in items:
        sku, name = _text(item["sku"]), _text(item["name"])
        code = _text(item["product"])
        product = db.session.scalar(select(Product).where(Product.code == code))
        if product is None:
            product = Product(code=code, name=name)
            db.session.add(product)
        product.name = name
        if item.get("weight_grams"):
            product.weight_grams = item["weight_grams"]
        if "warranty_months" in item:  # null: back to the policy's default
            product.warranty_months = item["warranty_months"]
        variant = db.session.scalar(select(Variant).where(Variant.sku == sku))
        if variant is None:
            variant = Variant(sku=sku, stock_reserved=0)
            db.session.add(variant)
            counts["created"] += 1
        else:
            counts["updated"] += 1
        variant.product = product
        variant.size = _text(item.get("size")) or ""
        variant.colour = _text(item.get("colour")) or ""
        variant.price, variant.currency = item["price"], item["currency"]
        variant.stock_on_hand = item["stock"]
        variant.returnable = item.get("returnable", True)
        variant.image_url = _text(item.get("image_url"))
        variant.translations = _translations(item.get("translations"))
    db.session.flush()
    return counts


def _translations(given) -> dict | None:
    """The catalogue's names in other languages, trimmed; None when it gives none."""
    if not isinstance(given, dict):
        return None
    kept = {
        lang: {k: _text(v) for k, v in words.items() if _text(v)}
        for lang, words in given.items()
        if isinstance(words, dict)
    }
    return {lang: words for lang, words in kept.items() if words} or None


def _catalog_rules(items: list, problems: dict[str, str]) -> dict[str, str]:
    """What the document cannot state about a catalogue push: each SKU once, and stock
    never below the units already promised to exchanges. Checks the valid variants only."""
    found: dict[str, str] = {}
    seen: set[str] = set()
    for i, item in enumerate(items):
        field = f"variants[{i}]"
        if not _valid(problems, f"{field}.sku"):
            continue
        sku = _text(item["sku"])
        if sku in seen:
            found[f"{field}.sku"] = "appears twice in this request"
        seen.add(sku)
        if not _valid(problems, f"{field}.stock"):
            continue
        reserved = db.session.scalar(select(Variant.stock_reserved).where(Variant.sku == sku))
        if reserved and item["stock"] < reserved:
            found[f"{field}.stock"] = f"is below the {reserved} units promised to exchanges"
    return found


# --- orders -------------------------------------------------------------------------------


def _order_rules(number: str, payload: dict, problems: dict[str, str]) -> tuple[dict, list]:
    """What the document cannot state about an order; checks the valid fields only.

    Returns (problems found, the variant of each line or None)."""
    found: dict[str, str] = {}
    if _valid(problems, "number") and _text(payload.get("number")) not in (None, number):
        found["number"] = "does not match the order number in the URL"
    currency = payload.get("currency") if _valid(problems, "currency") else None
    lines = payload.get("lines")
    variants: list[Variant | None] = []
    for i, line in enumerate(lines if isinstance(lines, list) else []):
        field = f"lines[{i}].sku"
        variant = None
        if isinstance(line, dict) and _valid(problems, field):
            sku = _text(line["sku"])
            variant = db.session.scalar(select(Variant).where(Variant.sku == sku))
            if variant is None:
                found[field] = f"unknown SKU {sku!r}"
            elif currency and variant.currency != currency:
                found[field] = f"is priced in {variant.currency}, not {currency}"
        variants.append(variant)
    skus = [v.sku for v in variants if v is not None]
    if len(skus) != len(set(skus)):
        found.setdefault("lines", "list each SKU once (use quantity for several units)")
    found |= _money_rules(payload, problems)
    gift = payload.get("gift")
    code = _text(gift.get("code")) if isinstance(gift, dict) and _valid(problems, "gift") else None
    if code:
        other = db.session.scalar(select(Order.number).where(Order.gift_code == code.upper()))
        if other is not None and other != number:
            found["gift.code"] = "is already used by another order"
    return found, variants


def _money_rules(payload: dict, problems: dict[str, str]) -> dict[str, str]:
    """Discounts no larger than what they apply to; a payment reference the configured
    provider can refund (docs/payments.md). Checks the valid fields only."""
    found: dict[str, str] = {}
    lines = payload.get("lines") if _valid(problems, "lines") else None
    nets = []
    for i, line in enumerate(lines if isinstance(lines, list) else []):
        if not isinstance(line, dict) or not _valid(problems, f"lines[{i}]"):
            nets = None
            continue
        gross = line["unit_price"] * line["quantity"]
        discount = line.get("discount", 0)
        if discount > gross:
            found[f"lines[{i}].discount"] = (
                f"is more than the line's {gross} (unit_price × quantity)"
            )
        if nets is not None:
            nets.append(gross - min(discount, gross))
    discount = payload.get("discount", 0) if _valid(problems, "discount") else 0
    if nets is not None and lines and discount > sum(nets):
        found["discount"] = f"is more than the {sum(nets)} the lines cost after their discounts"
    payment = payload.get("payment")
    if isinstance(payment, dict) and _valid(problems, "payment"):
        why = payments.reference_problem(_text(payment.get("reference")))
        if why:
            found["payment.reference"] = why
    return found


def upsert_order(number: str, payload) -> tuple[Order, bool]:
    """Create or replace order `number`. Returns (order, created)."""
    problems = validation.errors("OrderNumber", number, prefix="number")
    number = _text(number) or ""
    problems |= validation.errors("OrderInput", payload)
    if not isinstance(payload, dict):
        raise ValidationFailed(problems)
    rules, variants = _order_rules(number, payload, problems)
    problems = rules | problems
    order = None
    if "number" not in problems:  # a number with a NUL byte is never looked up
        order = db.session.scalar(select(Order).where(Order.number == number))
    if order is not None and not problems:
        _check_lines_kept(order, payload["lines"], variants, problems, payload.get("discount", 0))
    if problems:
        raise ValidationFailed(problems)

    created = order is None
    if created:
        order = Order(number=number)
        db.session.add(order)
    addr = payload["shipping_address"]
    order.email = validation.normalize_email(payload["email"])
    order.shipping_name, order.shipping_line1 = _text(addr["name"]), _text(addr["line1"])
    order.shipping_line2 = _text(addr.get("line2"))
    order.shipping_postcode, order.shipping_city = _text(addr["postcode"]), _text(addr["city"])
    order.shipping_country = addr["country"].upper()
    order.placed_at = validation.parse_timestamp(payload["placed_at"])
    delivered = payload.get("delivered_at")
    order.delivered_at = validation.parse_timestamp(delivered) if delivered else None
    order.currency, order.cancelled = payload["currency"], payload.get("cancelled", False)
    payment = payload["payment"]
    order.payment_method = _text(payment["method"])
    order.payment_reference = _text(payment.get("reference")) or ""
    order.discount = payload.get("discount", 0)
    gift = payload.get("gift")
    if gift is not None:
        code = _text(gift.get("code"))
        order.gift_code = (code.upper() if code else None) or order.gift_code or new_gift_code()
        order.gift_message = _text(gift.get("message"))
    else:
        order.gift_code, order.gift_message = None, None
    existing = {line.variant_id: line for line in order.lines}
    wanted = {variant.id for variant in variants}
    for variant_id, line in existing.items():
        if variant_id not in wanted:
            order.lines.remove(line)
    for line, variant in zip(payload["lines"], variants, strict=True):
        row = existing.get(variant.id)
        if row is None:
            row = OrderLine(variant=variant)
            order.lines.append(row)
        row.quantity, row.unit_price = line["quantity"], line["unit_price"]
        row.final_sale = line.get("final_sale", False)
        row.discount = line.get("discount", 0)
    db.session.flush()
    return order, created


def _check_lines_kept(
    order: Order, lines: list, variants: list, problems: dict, payload_discount: int
) -> None:
    """An order with returns keeps its returned lines (and their quantity and price)."""
    returned = db.session.execute(
        select(ReturnItem.order_line_id, ReturnItem.quantity)
        .join(ReturnRequest)
        .where(ReturnRequest.order_id == order.id)
    ).all()
    if not returned:
        return
    if payload_discount != (order.discount or 0):
        problems.setdefault("discount", "the order has returns; its discount cannot change")
    taken: dict[int, int] = {}
    for line_id, qty in returned:
        taken[line_id] = taken.get(line_id, 0) + qty
    new = {variant.id: line for line, variant in zip(lines, variants, strict=True)}
    for line in order.lines:
        if line.id not in taken:
            continue
        incoming = new.get(line.variant_id)
        if incoming is None:
            problems.setdefault(
                "lines", f"line {line.variant.sku} has returns and cannot be removed"
            )
        elif incoming["quantity"] < taken[line.id]:
            problems.setdefault(
                "lines", f"line {line.variant.sku} cannot drop below {taken[line.id]} returned"
            )
        elif incoming["unit_price"] != line.unit_price:
            problems.setdefault(
                "lines", f"line {line.variant.sku} has returns; its price cannot change"
            )
        elif incoming.get("discount", 0) != (line.discount or 0):
            problems.setdefault(
                "lines", f"line {line.variant.sku} has returns; its discount cannot change"
            )

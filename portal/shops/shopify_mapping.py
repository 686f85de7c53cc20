"""A Shopify order (the REST Admin API's Order resource, as orders.json and the orders/*
webhooks send it) read into plain values; no database here.

What is read, and from which documented field (docs/shops.md has the sources):
- the order: `id`, `name` ("#1001", what the customer sees and types), `updated_at`,
  `processed_at` (else `created_at`) as UTC, `cancelled_at`, `email` (else
  `contact_email`), `shipping_address` (else `billing_address`), `payment_gateway_names`,
  `taxes_included`, `presentment_currency` (else `currency`), `note_attributes` (gift).
- each line: `id`, `sku`, `variant_id`, `product_id`, `title`, `variant_title`,
  `quantity`, `price`, `gift_card`, `tax_lines[].price`, `discount_allocations[].amount`
  (line discounts and the order's discounts Shopify already spread over the lines);
  amounts from `*_set.presentment_money` when the order has them (what the customer paid,
  in the customer's currency), else the plain field.
- delivery: the `fulfillments` with `status` "success": the latest `updated_at` of one
  whose `shipment_status` is "delivered" is the delivery; otherwise the latest
  `created_at` (shipped) + the configured delay, marked as an estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from portal import money
from portal.services import validation

SOURCE = "shopify"


class BadPayload(ValueError):
    """An order we cannot read; the message says which field and why."""


@dataclass(frozen=True)
class Settings:
    delivery_delay_days: int = 3
    lines_without_sku_returnable: bool = True
    gift_attributes: tuple[str, ...] = ("gift_message", "gift message")

    @classmethod
    def from_config(cls, config) -> Settings:
        names = config.get("SHOPIFY_GIFT_ATTRIBUTES") or cls.gift_attributes
        if isinstance(names, str):
            names = names.split(",")
        return cls(
            delivery_delay_days=int(config.get("SHOPIFY_DELIVERY_DELAY_DAYS", 3)),
            lines_without_sku_returnable=bool(config.get("SHOPIFY_RETURN_LINES_WITHOUT_SKU", True)),
            gift_attributes=tuple(n.strip().lower() for n in names if n.strip()),
        )


@dataclass
class Line:
    external_id: str
    sku: str  # the shop's SKU, or one we make from the variant or line id
    has_sku: bool
    product_code: str
    product_name: str
    variant_title: str
    quantity: int
    unit_price: int  # what one unit cost before discounts, taxes included
    discount: int  # on the whole line
    gift_card: bool


@dataclass
class MappedOrder:
    external_id: str
    number: str
    updated_at: datetime | None
    placed_at: datetime
    cancelled: bool
    email: str
    currency: str
    address: dict[str, str]
    payment_method: str
    payment_reference: str
    gift_message: str | None
    is_gift: bool
    delivered_at: datetime | None
    delivery_estimated: bool
    lines: list[Line] = field(default_factory=list)


def _time(value, name: str, *, required: bool = False) -> datetime | None:
    if value in (None, ""):
        if required:
            raise BadPayload(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise BadPayload(f"{name} is not a date-time")
    try:
        return validation.parse_timestamp(value)
    except ValueError as exc:
        raise BadPayload(f"{name} is not a date-time: {value[:40]!r}") from exc


def _text(value, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    return " ".join(text.split())[:limit]


def _amount(obj: dict, name: str, currency: str, presentment: bool, where: str) -> int:
    """A money field in minor units of `currency`, from `<name>_set` when we read presentment
    amounts; absent counts as 0."""
    value = obj.get(name)
    if presentment and isinstance(obj.get(f"{name}_set"), dict):
        bag = obj[f"{name}_set"].get("presentment_money") or {}
        value = bag.get("amount")
        if bag.get("currency_code") not in (None, currency):
            raise BadPayload(f"{where}.{name} is in {bag.get('currency_code')}, not {currency}")
    if value in (None, ""):
        return 0
    try:
        amount = money.to_minor(Decimal(str(value)), currency)
    except (InvalidOperation, money.BadAmount) as exc:
        raise BadPayload(f"{where}.{name} is not an amount in {currency}: {value!r}") from exc
    if amount < 0:
        raise BadPayload(f"{where}.{name} is negative")
    return amount


def _id(value, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise BadPayload(f"{where} is not a Shopify id")
    return str(value)[:64]


def _line(item, i: int, currency: str, presentment: bool, taxes_included: bool) -> Line:
    where = f"line_items[{i}]"
    if not isinstance(item, dict):
        raise BadPayload(f"{where} is not an object")
    line_id = _id(item.get("id"), f"{where}.id")
    quantity = item.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise BadPayload(f"{where}.quantity is not a positive whole number")
    price = _amount(item, "price", currency, presentment, where)
    discount = 0
    for j, allocation in enumerate(item.get("discount_allocations") or []):
        if isinstance(allocation, dict):
            discount += _amount(
                allocation, "amount", currency, presentment, f"{where}.discount_allocations[{j}]"
            )
    tax = 0
    if not taxes_included:  # prices before tax: what was paid adds the line's taxes
        for j, tax_line in enumerate(item.get("tax_lines") or []):
            if isinstance(tax_line, dict):
                tax += _amount(tax_line, "price", currency, presentment, f"{where}.tax_lines[{j}]")
    # The tax shared over the units, rounded up, the excess given back as line discount:
    # the line's total stays exactly price × quantity + tax − discounts.
    per_unit_tax = math.ceil(tax / quantity)
    unit_price = price + per_unit_tax
    discount = min(discount + per_unit_tax * quantity - tax, unit_price * quantity)
    sku = _text(item.get("sku"), 64)
    variant_id, product_id = item.get("variant_id"), item.get("product_id")
    if sku:
        key = sku
    elif variant_id:
        key = f"shopify-variant-{_id(variant_id, f'{where}.variant_id')}"
    else:
        key = f"shopify-line-{line_id}"
    product = f"shopify-product-{_id(product_id, f'{where}.product_id')}" if product_id else key
    return Line(
        external_id=line_id,
        sku=key,
        has_sku=bool(sku),
        product_code=product[:64],
        product_name=_text(item.get("title"), 200) or _text(item.get("name"), 200) or key,
        variant_title=_text(item.get("variant_title"), 64),
        quantity=quantity,
        unit_price=unit_price,
        discount=discount,
        gift_card=item.get("gift_card") is True,
    )


def _delivery(payload: dict, delay_days: int) -> tuple[datetime | None, bool]:
    delivered: list[datetime] = []
    shipped: list[datetime] = []
    for i, fulfillment in enumerate(payload.get("fulfillments") or []):
        if not isinstance(fulfillment, dict) or fulfillment.get("status") != "success":
            continue
        where = f"fulfillments[{i}]"
        if fulfillment.get("shipment_status") == "delivered":
            when = _time(fulfillment.get("updated_at"), f"{where}.updated_at")
            if when:
                delivered.append(when)
        when = _time(fulfillment.get("created_at"), f"{where}.created_at")
        if when:
            shipped.append(when)
    if delivered:
        return max(delivered), False
    if shipped:
        return max(shipped) + timedelta(days=delay_days), True
    return None, False


def _gift(payload: dict, names: tuple[str, ...]) -> tuple[bool, str | None]:
    for attribute in payload.get("note_attributes") or []:
        if not isinstance(attribute, dict):
            continue
        name = attribute.get("name")
        if isinstance(name, str) and name.strip().lower() in names:
            message = _text(attribute.get("value"), 2000)
            if message:
                return True, message
    return False, None


def _address(payload: dict) -> dict[str, str]:
    raw = payload.get("shipping_address") or payload.get("billing_address") or {}
    raw = raw if isinstance(raw, dict) else {}
    name = _text(raw.get("name"), 200) or _text(
        f"{raw.get('first_name') or ''} {raw.get('last_name') or ''}", 200
    )
    return {
        "name": name,
        "line1": _text(raw.get("address1"), 200),
        "line2": _text(raw.get("address2"), 200),
        "postcode": _text(raw.get("zip"), 16),
        "city": _text(raw.get("city"), 100),
        "country": _text(raw.get("country_code"), 2).upper(),
    }


def _email(payload: dict) -> str:
    for key in ("email", "contact_email"):
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            try:
                return validation.normalize_email(value)[:254]
            except ValueError:
                continue
    return ""  # a point-of-sale order without one: found with the postcode


def map_order(payload, settings: Settings) -> MappedOrder:
    if not isinstance(payload, dict):
        raise BadPayload("the order is not an object")
    external_id = _id(payload.get("id"), "id")
    number = _text(payload.get("name"), 64)
    if not number and payload.get("order_number") is not None:
        number = f"#{_id(payload.get('order_number'), 'order_number')}"
    if not number:
        raise BadPayload("name is missing")
    shop_currency = payload.get("currency")
    currency = payload.get("presentment_currency") or shop_currency
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise BadPayload("currency is not a currency code")
    currency = currency.upper()
    presentment = currency != (shop_currency or "").upper()
    lines_in = payload.get("line_items")
    if not isinstance(lines_in, list) or not lines_in:
        raise BadPayload("line_items is missing or empty")
    taxes_included = payload.get("taxes_included") is True
    lines = [
        _line(item, i, currency, presentment, taxes_included) for i, item in enumerate(lines_in)
    ]
    if len({line.external_id for line in lines}) != len(lines):
        raise BadPayload("line_items repeats a line id")
    gateways = [g for g in payload.get("payment_gateway_names") or [] if isinstance(g, str)]
    is_gift, message = _gift(payload, settings.gift_attributes)
    delivered_at, estimated = _delivery(payload, settings.delivery_delay_days)
    placed = _time(payload.get("processed_at"), "processed_at") or _time(
        payload.get("created_at"), "created_at", required=True
    )
    return MappedOrder(
        external_id=external_id,
        number=number,
        updated_at=_time(payload.get("updated_at"), "updated_at"),
        placed_at=placed or datetime.now(UTC),
        cancelled=bool(payload.get("cancelled_at")),
        email=_email(payload),
        currency=currency,
        address=_address(payload),
        payment_method=(_text(gateways[0], 32) if gateways else "") or SOURCE,
        payment_reference=external_id,
        gift_message=message,
        is_gift=is_gift,
        delivered_at=delivered_at,
        delivery_estimated=estimated,
        lines=lines,
    )

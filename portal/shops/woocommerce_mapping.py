"""A WooCommerce order (the REST API v3 Order object, as `GET orders` and the
order.created / order.updated webhooks send it) read into the same plain values as a
Shopify order (`shopify_mapping.MappedOrder`); no database here.

What is read, and from which documented field (docs/shops-woocommerce.md has the sources):
- the order: `id`, `number` (what the customer sees: "727", found as "#727" too),
  `date_created_gmt` and `date_modified_gmt` (UTC; never `date_created`, which is the
  site's local time), `status` (cancelled, failed, trash: cancelled), `currency` (per
  order), `billing.email`, `shipping` (else `billing`), `payment_method_title`,
  `transaction_id`, `meta_data` (gift message, shipment tracking).
- each line: `id` (so the same SKU on two lines is two lines), `sku` (may be empty),
  `product_id`, `variation_id`, `name`, `quantity`, `subtotal` + `subtotal_tax` (the price
  before coupons) and `total` + `total_tax` (what the customer paid: `discount_total` is
  WooCommerce's sum of what coupons took off the lines), `meta_data` (gift wrap).
- delivery: WooCommerce Shipment Tracking keeps `_wc_shipment_tracking_items` in the
  order's meta (`tracking_number`, `tracking_provider`, `date_shipped` as a Unix time);
  it records shipping, not delivery, so the latest `date_shipped` + the configured delay is
  the estimate; without tracking, `date_completed_gmt` + the delay; else none.
- gift: an order meta whose key is in WOOCOMMERCE_GIFT_META (default `gift_message`,
  `_gift_message`) with text is the gift message; a line meta "Gift Wrapped" = "Yes" (the
  WooCommerce Product Gift Wrap plugin's) marks the order a gift without a message.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from portal import money
from portal.services import validation
from portal.shops.shopify_mapping import BadPayload, Line, MappedOrder, Settings

SOURCE = "woocommerce"
KEY_META = "_retours_key"  # the meta our refunds, coupons and replacement orders carry
CANCELLED = {"cancelled", "failed", "trash"}
TRACKING_META = "_wc_shipment_tracking_items"
GIFT_WRAP_KEYS = ("gift wrapped", "gift wrap")
YES = {"yes", "oui", "1", "true"}
DEFAULT_GIFT_META = ("gift_message", "_gift_message")


def settings_from_config(config) -> Settings:
    names = config.get("WOOCOMMERCE_GIFT_META") or DEFAULT_GIFT_META
    if isinstance(names, str):
        names = names.split(",")
    return Settings(
        delivery_delay_days=int(config.get("WOOCOMMERCE_DELIVERY_DELAY_DAYS", 3)),
        lines_without_sku_returnable=bool(config.get("WOOCOMMERCE_RETURN_LINES_WITHOUT_SKU", True)),
        gift_attributes=tuple(n.strip().lower() for n in names if n.strip()),
    )


def _gmt(value, name: str, *, required: bool = False) -> datetime | None:
    """A `*_gmt` field: 'YYYY-MM-DDTHH:MM:SS' without offset, in UTC."""
    if value in (None, ""):
        if required:
            raise BadPayload(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise BadPayload(f"{name} is not a date-time")
    text = value.strip()
    if text.endswith("Z") or "+" in text[10:]:
        text = text.replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadPayload(f"{name} is not a date-time: {value[:40]!r}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _text(value, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    return " ".join(text.split())[:limit]


def minor(value, currency: str) -> int:
    """A WooCommerce decimal string in minor units of `currency`, rounded half up (the
    store may keep more decimals than the currency has); ValueError when it is none."""
    try:
        places = money.exponent(currency)
        exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return money.to_minor(exact, currency)
    except (InvalidOperation, money.BadAmount) as exc:
        raise ValueError(value) from exc


def _amount(obj: dict, name: str, currency: str, where: str) -> int:
    value = obj.get(name)
    if value in (None, ""):
        return 0
    try:
        amount = minor(value, currency)
    except ValueError as exc:
        raise BadPayload(f"{where}.{name} is not an amount in {currency}: {value!r}") from exc
    if amount < 0:
        raise BadPayload(f"{where}.{name} is negative")
    return amount


def _id(value, where: str, *, zero_ok: bool = False) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise BadPayload(f"{where} is not a WooCommerce id")
    if int(value) == 0:
        if zero_ok:
            return None
        raise BadPayload(f"{where} is 0")
    return str(int(value))[:32]


def _meta(items) -> list[tuple[str, object]]:
    found = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            found.append((item["key"], item.get("value")))
    return found


def _line(item, i: int, currency: str) -> tuple[Line, bool]:
    """The line, and whether it carries the gift-wrap meta."""
    where = f"line_items[{i}]"
    if not isinstance(item, dict):
        raise BadPayload(f"{where} is not an object")
    line_id = _id(item.get("id"), f"{where}.id")
    quantity = item.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise BadPayload(f"{where}.quantity is not a positive whole number")
    before = _amount(item, "subtotal", currency, where) + _amount(
        item, "subtotal_tax", currency, where
    )
    paid = _amount(item, "total", currency, where) + _amount(item, "total_tax", currency, where)
    # One unit's price before coupons, taxes included, rounded up; the rest is the line's
    # discount, so that price × quantity − discount is exactly what the customer paid.
    unit_price = math.ceil(max(before, paid) / quantity)
    discount = unit_price * quantity - paid
    sku = _text(item.get("sku"), 64)
    # a deleted product's lines keep product_id 0 (or null)
    product_id = _id(item.get("product_id") or 0, f"{where}.product_id", zero_ok=True)
    variation_id = _id(item.get("variation_id") or 0, f"{where}.variation_id", zero_ok=True)
    if sku:
        key = sku
    elif variation_id:
        key = f"woocommerce-variation-{variation_id}"
    elif product_id:
        key = f"woocommerce-product-{product_id}"
    else:
        key = f"woocommerce-line-{line_id}"
    product = f"woocommerce-product-{product_id}" if product_id else key
    wrapped = any(
        name.strip().lower() in GIFT_WRAP_KEYS and str(value).strip().lower() in YES
        for name, value in _meta(item.get("meta_data"))
    )
    line = Line(
        external_id=line_id,
        sku=key,
        has_sku=bool(sku),
        product_code=product[:64],
        product_name=_text(item.get("name"), 200) or key,
        variant_title="",
        quantity=quantity,
        unit_price=unit_price,
        discount=discount,
        gift_card=False,
    )
    return line, wrapped


def _shipped(meta: list[tuple[str, object]]) -> list[datetime]:
    moments = []
    for key, value in meta:
        if key != TRACKING_META or not isinstance(value, list):
            continue
        for entry in value:
            stamp = entry.get("date_shipped") if isinstance(entry, dict) else None
            if isinstance(stamp, str) and stamp.strip().isdigit():
                stamp = int(stamp.strip())
            if isinstance(stamp, int) and not isinstance(stamp, bool) and stamp > 0:
                try:
                    moments.append(datetime.fromtimestamp(stamp, UTC))
                except (OverflowError, OSError, ValueError):
                    continue
    return moments


def tracking(payload: dict) -> tuple[str, str] | None:
    """The latest Shipment Tracking entry of an order: (provider, tracking number)."""
    for key, value in reversed(_meta(payload.get("meta_data"))):
        if key != TRACKING_META or not isinstance(value, list):
            continue
        for entry in reversed(value):
            if not isinstance(entry, dict):
                continue
            number = _text(entry.get("tracking_number"), 64)
            provider = _text(entry.get("tracking_provider"), 64) or _text(
                entry.get("custom_tracking_provider"), 64
            )
            if number:
                return provider, number
    return None


def _delivery(payload: dict, meta, delay_days: int) -> tuple[datetime | None, bool]:
    shipped = _shipped(meta)
    if shipped:
        return max(shipped) + timedelta(days=delay_days), True
    completed = _gmt(payload.get("date_completed_gmt"), "date_completed_gmt")
    if completed:
        return completed + timedelta(days=delay_days), True
    return None, False


def _address(payload: dict) -> dict[str, str]:
    shipping = payload.get("shipping") if isinstance(payload.get("shipping"), dict) else {}
    billing = payload.get("billing") if isinstance(payload.get("billing"), dict) else {}
    raw = shipping if _text(shipping.get("address_1"), 200) else billing
    name = _text(f"{raw.get('first_name') or ''} {raw.get('last_name') or ''}", 200)
    return {
        "name": name or _text(raw.get("company"), 200),
        "line1": _text(raw.get("address_1"), 200),
        "line2": _text(raw.get("address_2"), 200),
        "postcode": _text(raw.get("postcode"), 16),
        "city": _text(raw.get("city"), 100),
        "country": _text(raw.get("country"), 2).upper(),
    }


def _email(payload: dict) -> str:
    billing = payload.get("billing") if isinstance(payload.get("billing"), dict) else {}
    value = billing.get("email")
    if isinstance(value, str) and value.strip():
        try:
            return validation.normalize_email(value)[:254]
        except ValueError:
            return ""
    return ""


def map_order(payload, settings: Settings) -> MappedOrder:
    if not isinstance(payload, dict):
        raise BadPayload("the order is not an object")
    external_id = _id(payload.get("id"), "id")
    number = payload.get("number")
    if isinstance(number, int) and not isinstance(number, bool):
        number = str(number)  # a numbering plugin may send it as a number
    number = _text(number, 64) or external_id
    currency = payload.get("currency")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise BadPayload("currency is not a currency code")
    currency = currency.upper()
    items = payload.get("line_items")
    if not isinstance(items, list) or not items:
        raise BadPayload("line_items is missing or empty")
    read = [_line(item, i, currency) for i, item in enumerate(items)]
    lines = [line for line, _ in read]
    if len({line.external_id for line in lines}) != len(lines):
        raise BadPayload("line_items repeats a line id")
    meta = _meta(payload.get("meta_data"))
    message = next(
        (
            _text(value, 2000)
            for key, value in meta
            if key.strip().lower() in settings.gift_attributes and _text(value, 2000)
        ),
        None,
    )
    is_gift = bool(message) or any(wrapped for _, wrapped in read)
    delivered_at, estimated = _delivery(payload, meta, settings.delivery_delay_days)
    status = payload.get("status")
    return MappedOrder(
        external_id=external_id,
        number=number,
        updated_at=_gmt(payload.get("date_modified_gmt"), "date_modified_gmt"),
        placed_at=_gmt(payload.get("date_created_gmt"), "date_created_gmt", required=True),
        cancelled=isinstance(status, str) and status in CANCELLED,
        email=_email(payload),
        currency=currency,
        address=_address(payload),
        payment_method=_text(payload.get("payment_method_title"), 32)
        or _text(payload.get("payment_method"), 32)
        or SOURCE,
        payment_reference=_text(payload.get("transaction_id"), 64) or external_id,
        gift_message=message,
        is_gift=is_gift,
        delivered_at=delivered_at,
        delivery_estimated=estimated,
        lines=lines,
    )

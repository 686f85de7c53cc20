"""A PrestaShop order (the webservice's `orders` resource, display=full) read into the same
plain values the Shopify mapping makes (`shopify_mapping.MappedOrder`), so that one writer
serves both. No database here.

What is read, and from which documented field (docs/shops-prestashop.md has the sources):
- the order: `id`, `reference` (what the customer sees in their account and e-mails, and
  types), `date_add` (placed) and `date_upd`, both in the SHOP's local time, converted
  with PRESTASHOP_TIMEZONE; `id_currency` (the order's own currency, through
  /api/currencies), `current_state` (cancelled when one of PRESTASHOP_CANCELLED_STATES),
  `payment`, `gift` and `gift_message`, `total_discounts_tax_incl`.
- each line: `associations.order_rows[]`: `id` (the order detail's id: the same product
  twice is two lines), `product_id`, `product_attribute_id`, `product_reference` (the SKU,
  may be empty), `product_name`, `product_quantity`, `unit_price_tax_incl` (what one unit
  cost, taxes included, after catalogue price reductions).
- the order's discounts (vouchers) are shared over the lines in proportion to what each
  cost, the last line taking the rounding, so each line holds what the customer paid;
  when a voucher gave free shipping (`order_cart_rules.free_shipping`), the shipping's
  price, which PrestaShop counts in `total_discounts`, is not taken off the products.
- from what `prestashop_platform` adds under "_retours" for each page: the customer's
  `email` (customers), the delivery address (addresses, countries) and the order's states
  (order_histories): the latest entry into one of PRESTASHOP_DELIVERED_STATES is the
  delivery; otherwise the latest entry into PRESTASHOP_SHIPPED_STATES + the configured
  delay, marked as an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal import money
from portal.services import validation
from portal.shops import shopify_mapping
from portal.shops.shopify_mapping import BadPayload, Line, MappedOrder

SOURCE = "prestashop"
LOCAL = "%Y-%m-%d %H:%M:%S"


def _states(value, default: tuple[str, ...]) -> frozenset[str]:
    if isinstance(value, str):
        value = value.split(",")
    items = [str(v).strip() for v in (value or default) if str(v).strip()]
    return frozenset(items or default)


@dataclass(frozen=True)
class Settings:
    timezone: str = "Europe/Paris"
    delivery_delay_days: int = 3
    lines_without_sku_returnable: bool = True
    # a default install's ids: 4 Shipped, 5 Delivered, 6 Canceled (order_states)
    shipped_states: frozenset[str] = field(default_factory=lambda: frozenset({"4"}))
    delivered_states: frozenset[str] = field(default_factory=lambda: frozenset({"5"}))
    cancelled_states: frozenset[str] = field(default_factory=lambda: frozenset({"6"}))

    @classmethod
    def from_config(cls, config) -> Settings:
        return cls(
            timezone=config.get("PRESTASHOP_TIMEZONE") or "Europe/Paris",
            delivery_delay_days=int(config.get("PRESTASHOP_DELIVERY_DELAY_DAYS", 3)),
            lines_without_sku_returnable=bool(
                config.get("PRESTASHOP_RETURN_LINES_WITHOUT_SKU", True)
            ),
            shipped_states=_states(config.get("PRESTASHOP_SHIPPED_STATES"), ("4",)),
            delivered_states=_states(config.get("PRESTASHOP_DELIVERED_STATES"), ("5",)),
            cancelled_states=_states(config.get("PRESTASHOP_CANCELLED_STATES"), ("6",)),
        )

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise BadPayload(f"PRESTASHOP_TIMEZONE {self.timezone!r} is not a time zone") from exc

    def writer(self) -> shopify_mapping.Settings:
        """What the shared writer reads (which lines are returnable)."""
        return shopify_mapping.Settings(
            delivery_delay_days=self.delivery_delay_days,
            lines_without_sku_returnable=self.lines_without_sku_returnable,
        )


def to_local_text(moment: datetime, zone: ZoneInfo) -> str:
    """A UTC moment as the webservice's filters want it: the shop's local time."""
    return moment.astimezone(zone).strftime(LOCAL)


def local_time(value, name: str, zone: ZoneInfo, *, required: bool = False) -> datetime | None:
    """'2026-11-28 23:30:00' in the shop's zone → an aware UTC datetime."""
    if value in (None, "", "0000-00-00 00:00:00", "0000-00-00"):
        if required:
            raise BadPayload(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise BadPayload(f"{name} is not a date-time")
    try:
        naive = datetime.strptime(value.strip(), LOCAL)
    except ValueError as exc:
        raise BadPayload(f"{name} is not a date-time: {value[:40]!r}") from exc
    return naive.replace(tzinfo=zone).astimezone(UTC)


def _text(value, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    return " ".join(text.split())[:limit]


def _id(value, where: str) -> str:
    text = str(value).strip() if isinstance(value, int | str) and value is not True else ""
    if not text.isdigit():
        raise BadPayload(f"{where} is not a PrestaShop id")
    return text[:64]


def amount(value, currency: str, where: str) -> int:
    """'23.900000' → 2390 (the webservice gives six decimals; rounded half up)."""
    if value in (None, ""):
        return 0
    try:
        exact = Decimal(str(value))
        places = Decimal(1).scaleb(-money.exponent(currency))
        minor = money.to_minor(exact.quantize(places, rounding=ROUND_HALF_UP), currency)
    except (InvalidOperation, money.BadAmount, ValueError) as exc:
        raise BadPayload(f"{where} is not an amount in {currency}: {value!r}") from exc
    if minor < 0:
        raise BadPayload(f"{where} is negative")
    return minor


def _quantity(value, where: str) -> int:
    try:
        number = int(str(value))
    except ValueError as exc:
        raise BadPayload(f"{where} is not a whole number") from exc
    if number <= 0:
        raise BadPayload(f"{where} is not a positive whole number")
    return number


def _line(item, i: int, currency: str) -> Line:
    where = f"order_rows[{i}]"
    if not isinstance(item, dict):
        raise BadPayload(f"{where} is not an object")
    line_id = _id(item.get("id"), f"{where}.id")
    product = _id(item.get("product_id") or 0, f"{where}.product_id")
    combination = _id(item.get("product_attribute_id") or 0, f"{where}.product_attribute_id")
    reference = _text(item.get("product_reference"), 64)
    key = reference or f"prestashop-{product}-{combination}"
    return Line(
        external_id=line_id,
        sku=key,
        has_sku=bool(reference),
        product_code=f"prestashop-product-{product}",
        product_name=_text(item.get("product_name"), 200) or key,
        variant_title="",
        quantity=_quantity(item.get("product_quantity"), f"{where}.product_quantity"),
        unit_price=amount(item.get("unit_price_tax_incl"), currency, f"{where}.unit_price"),
        discount=0,
        gift_card=False,
    )


def _share(lines: list[Line], discount: int) -> None:
    """The order's discounts over its lines, in proportion, never more than a line cost."""
    gross = [line.unit_price * line.quantity for line in lines]
    left = min(discount, sum(gross))
    total = sum(gross)
    for i, line in enumerate(lines):
        if not total:
            break
        part = left if i == len(lines) - 1 else min(discount * gross[i] // total, left)
        part = min(part, gross[i])
        line.discount, left = part, left - part


def _delivery(extra: dict, settings: Settings, zone: ZoneInfo) -> tuple[datetime | None, bool]:
    delivered: list[datetime] = []
    shipped: list[datetime] = []
    for i, history in enumerate(extra.get("histories") or []):
        if not isinstance(history, dict):
            continue
        state = str(history.get("id_order_state") or "")
        when = local_time(history.get("date_add"), f"order_histories[{i}].date_add", zone)
        if when is None:
            continue
        if state in settings.delivered_states:
            delivered.append(when)
        elif state in settings.shipped_states:
            shipped.append(when)
    if delivered:
        return max(delivered), False
    if shipped:
        return max(shipped) + timedelta(days=settings.delivery_delay_days), True
    return None, False


def _address(extra: dict) -> dict[str, str]:
    raw = extra.get("address") if isinstance(extra.get("address"), dict) else {}
    name = f"{raw.get('firstname') or ''} {raw.get('lastname') or ''}"
    return {
        "name": _text(name, 200),
        "line1": _text(raw.get("address1"), 200),
        "line2": _text(raw.get("address2"), 200),
        "postcode": _text(raw.get("postcode"), 16),
        "city": _text(raw.get("city"), 100),
        "country": _text(extra.get("country"), 2).upper(),
    }


def _email(extra: dict) -> str:
    value = extra.get("email")
    if isinstance(value, str) and value.strip():
        try:
            return validation.normalize_email(value)[:254]
        except ValueError:
            return ""
    return ""


def map_order(payload, settings: Settings) -> MappedOrder:
    if not isinstance(payload, dict):
        raise BadPayload("the order is not an object")
    zone = settings.zone
    external_id = _id(payload.get("id"), "id")
    number = _text(payload.get("reference"), 64)
    if not number:
        raise BadPayload("reference is missing")
    extra = payload.get("_retours") if isinstance(payload.get("_retours"), dict) else {}
    currency = extra.get("currency")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise BadPayload(f"id_currency {payload.get('id_currency')!r} is not a known currency")
    currency = currency.upper()
    rows = (payload.get("associations") or {}).get("order_rows")
    if not isinstance(rows, list) or not rows:
        raise BadPayload("associations.order_rows is missing or empty")
    lines = [_line(item, i, currency) for i, item in enumerate(rows)]
    if len({line.external_id for line in lines}) != len(lines):
        raise BadPayload("order_rows repeats a row id")
    discounts = amount(payload.get("total_discounts_tax_incl"), currency, "total_discounts")
    if extra.get("free_shipping"):  # a free-shipping voucher's value is the shipping's
        shipping = amount(payload.get("total_shipping_tax_incl"), currency, "total_shipping")
        discounts = max(discounts - shipping, 0)
    _share(lines, discounts)
    gift = str(payload.get("gift") or "0") == "1"
    message = _text(payload.get("gift_message"), 2000) or None
    delivered_at, estimated = _delivery(extra, settings, zone)
    return MappedOrder(
        external_id=external_id,
        number=number,
        updated_at=local_time(payload.get("date_upd"), "date_upd", zone),
        placed_at=local_time(payload.get("date_add"), "date_add", zone, required=True),
        cancelled=str(payload.get("current_state") or "") in settings.cancelled_states,
        email=_email(extra),
        currency=currency,
        address=_address(extra),
        payment_method=_text(payload.get("payment"), 32) or SOURCE,
        payment_reference=external_id,
        gift_message=message if gift else None,
        is_gift=gift,
        delivered_at=delivered_at,
        delivery_estimated=estimated,
        lines=lines,
    )

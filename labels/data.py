"""Plain input data for the label and gift-receipt renderers (no Flask, no database)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

PAGE_SIZES = ("A6", "4x6")
LOCALES = ("fr", "en")


@dataclass(frozen=True)
class Address:
    """A postal address as printed on the label."""

    name: str
    line1: str
    postcode: str
    city: str
    country: str = "FR"
    line2: str | None = None


@dataclass(frozen=True)
class RelayPointInfo:
    """The drop-off point the customer takes the parcel to."""

    network: str  # e.g. "Mondial Relay"
    name: str
    address: str  # street line
    postcode: str
    city: str
    opening_hours: str = ""


@dataclass(frozen=True)
class LabelItem:
    """One line of the parcel contents: a SKU and how many of it."""

    sku: str
    quantity: int


@dataclass(frozen=True)
class LabelData:
    """Everything printed on a prepaid return label."""

    rma: str  # e.g. "R-7Q2K-9D"
    tracking_code: str  # e.g. "RT123456785FR"
    carrier_name: str  # e.g. "Retours Relay"
    relay_point: RelayPointInfo | None  # drop-off point (None for home pickup / EasyPost)
    sender: Address  # the customer
    recipient: Address  # the shop's warehouse
    items: tuple[LabelItem, ...]
    status_url: str  # encoded in a QR code
    issued_on: datetime.date
    valid_until: datetime.date | None = None
    locale: str = "fr"  # "fr" or "en"
    page_size: str = "A6"  # "A6" or "4x6"


@dataclass(frozen=True)
class GiftReceiptLine:
    """One gifted article: description (name, size, colour), SKU and quantity. No price."""

    description: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class GiftReceiptData:
    """Everything printed on a gift receipt (never any price)."""

    shop_name: str
    order_number: str
    gift_code: str
    gift_message: str | None
    lines: tuple[GiftReceiptLine, ...]
    portal_url: str  # where to start a gift return; the only content of the QR code
    locale: str = "fr"


def require_text(value: object, field: str) -> str:
    """Return ``value`` stripped, or raise ValueError if it is not a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} must be a non-empty string")
    return value.strip()


def require_locale(locale: object) -> str:
    """Return the locale or raise ValueError if it is not supported."""
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; expected one of {', '.join(LOCALES)}")
    return str(locale)


def require_quantity(quantity: object, sku: str) -> int:
    """Return the quantity or raise ValueError unless it is an int >= 1."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValueError(f"quantity for {sku!r} must be an integer >= 1, got {quantity!r}")
    return quantity


def validate_label(data: LabelData) -> None:
    """Raise ValueError if ``data`` cannot be rendered as a label."""
    if data.page_size not in PAGE_SIZES:
        raise ValueError(
            f"unknown page_size {data.page_size!r}; expected one of {', '.join(PAGE_SIZES)}"
        )
    require_locale(data.locale)
    require_text(data.rma, "rma")
    code = require_text(data.tracking_code, "tracking_code")
    if not code.isascii() or not code.isprintable():
        raise ValueError("tracking_code must be printable ASCII (Code 128)")
    require_text(data.status_url, "status_url")
    if not data.items:
        raise ValueError("a label needs at least one item")
    for item in data.items:
        require_text(item.sku, "item sku")
        require_quantity(item.quantity, item.sku)
    if not isinstance(data.issued_on, datetime.date):
        raise ValueError("issued_on must be a date")
    if data.valid_until is not None and not isinstance(data.valid_until, datetime.date):
        raise ValueError("valid_until must be a date or None")


def validate_gift_receipt(data: GiftReceiptData) -> None:
    """Raise ValueError if ``data`` cannot be rendered as a gift receipt."""
    require_locale(data.locale)
    require_text(data.shop_name, "shop_name")
    require_text(data.order_number, "order_number")
    require_text(data.gift_code, "gift_code")
    require_text(data.portal_url, "portal_url")
    if not data.lines:
        raise ValueError("a gift receipt needs at least one line")
    for line in data.lines:
        require_text(line.sku, "line sku")
        require_quantity(line.quantity, line.sku)

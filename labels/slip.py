"""The return slip: one A4 portrait page the customer puts inside the parcel.

A real network's label carries the network's barcode, not our RMA; the slip is how the warehouse
knows the parcel when it is opened. At the top the shop, the RMA in large type and a QR code
whose content is the staff scan page's address for this RMA (the scan station also accepts that
text as typed by a USB scanner); then how it travels (network and tracking number), the
customer, and every item with what the customer asked for (refund, store credit, exchange).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from labels.data import require_locale, require_quantity, require_text
from labels.draw import Pen, draw_qr, one_at_a_time
from labels.i18n import format_date, gettext_in, ngettext_in

MARGIN = 18 * mm
QR_SIZE = 42 * mm
ROW = 30.0


@dataclass(frozen=True)
class ReturnSlipLine:
    """One returned article: its description, SKU, quantity, why, and what the customer wants
    instead (already in the customer's words: "Refund", "Exchange for size M", …)."""

    description: str
    sku: str
    quantity: int
    reason: str
    wish: str


@dataclass(frozen=True)
class ReturnSlipData:
    shop_name: str
    rma: str
    scan_url: str  # the only content of the QR code
    customer_name: str
    lines: tuple[ReturnSlipLine, ...]
    issued_on: datetime.date
    carrier_name: str = ""  # "Mondial Relay", "Colissimo", … ("" before the label exists)
    tracking_code: str = ""
    locale: str = "fr"


def validate_slip(data: ReturnSlipData) -> None:
    require_locale(data.locale)
    require_text(data.shop_name, "shop_name")
    require_text(data.rma, "rma")
    require_text(data.scan_url, "scan_url")
    if not data.lines:
        raise ValueError("a return slip needs at least one line")
    for line in data.lines:
        require_text(line.sku, "line sku")
        require_quantity(line.quantity, line.sku)
    if not isinstance(data.issued_on, datetime.date):
        raise ValueError("issued_on must be a date")


@one_at_a_time
def render_return_slip(data: ReturnSlipData) -> bytes:
    """Render ``data`` as a one-page A4 PDF and return its bytes (ValueError on bad data)."""
    validate_slip(data)
    _ = gettext_in(data.locale)
    page_w, page_h = A4
    pen = Pen(A4, _("Return slip %(rma)s", rma=data.rma))
    left, right, top = MARGIN, page_w - MARGIN, page_h - MARGIN
    width = right - left
    text_w = width - QR_SIZE - 12

    draw_qr(pen, data.scan_url, right - QR_SIZE, top - QR_SIZE, QR_SIZE)
    pen.text(left, top - 18, data.shop_name, 18, bold=True, max_width=text_w, min_size=11)
    pen.text(left, top - 38, _("Return slip: put it inside the parcel"), 12, max_width=text_w)
    pen.text(left, top - 60, _("Return number"), 9, bold=True, max_width=text_w)
    pen.text(left, top - 92, data.rma, 30, bold=True, max_width=text_w, min_size=14)
    on = _("Issued on %(date)s", date=format_date(data.locale, data.issued_on))
    pen.text(left, top - 110, on, 9, max_width=text_w)
    y = top - QR_SIZE - 14
    pen.rule(left, y, right, y)

    y -= 18
    pen.text(left, y, _("From: %(name)s", name=data.customer_name), 10, max_width=width)
    if data.tracking_code:
        y -= 15
        sent = _(
            "Sent with %(carrier)s, tracking number %(code)s",
            carrier=data.carrier_name or "—",
            code=data.tracking_code,
        )
        pen.text(left, y, sent, 10, max_width=width, min_size=7)
    _lines(pen, data, left, right, y - 26, MARGIN + 40)
    foot = _("Warehouse: scan the QR code or type the return number at the scan station.")
    pen.rule(left, MARGIN + 22, right, MARGIN + 22, 0.4)
    pen.text(left, MARGIN + 8, foot, 8.5, max_width=width, min_size=6.5)
    return pen.finish()


def _lines(
    pen: Pen, data: ReturnSlipData, left: float, right: float, top: float, bottom: float
) -> None:
    _ = gettext_in(data.locale)
    width = right - left
    sku_x, qty_x, wish_x = left + width * 0.42, left + width * 0.64, left + width * 0.70
    pen.text(left, top, _("Item"), 8, bold=True, max_width=sku_x - left - 8)
    pen.text(sku_x, top, _("SKU"), 8, bold=True, max_width=qty_x - sku_x - 8)
    pen.text(qty_x + 18, top, _("Qty"), 8, bold=True, align="right")
    pen.text(wish_x, top, _("The customer asks for"), 8, bold=True, max_width=right - wish_x)
    pen.rule(left, top - 4, right, top - 4, 0.4)
    first = top - 4 - 14
    capacity = max(1, int((first - bottom) // ROW) + 1)
    lines = data.lines
    shown = lines if len(lines) <= capacity else lines[: capacity - 1]
    for i, line in enumerate(shown):
        y = first - i * ROW
        pen.text(left, y, line.description, 9.5, max_width=sku_x - left - 8, min_size=7)
        pen.text(left, y - 11, line.reason, 8, max_width=sku_x - left - 8, min_size=6.5)
        pen.text(sku_x, y, line.sku, 8.5, max_width=qty_x - sku_x - 8, min_size=6.5)
        pen.text(qty_x + 18, y, str(line.quantity), 9.5, bold=True, align="right")
        pen.text(wish_x, y, line.wish, 9.5, bold=True, max_width=right - wish_x, min_size=7)
    if len(shown) < len(lines):
        ngettext = ngettext_in(data.locale)
        more = ngettext("+%(num)d more", "+%(num)d more", len(lines) - len(shown))
        pen.text(left, first - len(shown) * ROW, more, 9.5, bold=True, max_width=width)

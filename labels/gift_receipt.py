"""The gift receipt: an A5 portrait page the buyer slips into the parcel. Never any price.

Shop and order at the top, the gift message, the gifted articles (description, SKU,
quantity), and at the foot the gift code with how to return, next to a QR code that holds
only the portal URL.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm

from labels.data import GiftReceiptData, validate_gift_receipt
from labels.draw import Pen, draw_qr, one_at_a_time
from labels.i18n import gettext_in, ngettext_in

MARGIN = 15 * mm
QR_SIZE = 35 * mm
FOOT_HEIGHT = QR_SIZE + 18
ROW = 14.0


@one_at_a_time
def render_gift_receipt(data: GiftReceiptData) -> bytes:
    """Render ``data`` as a one-page A5 PDF and return its bytes.

    Raises ValueError for an unknown locale, no lines, or a quantity below 1.
    """
    validate_gift_receipt(data)
    page_w, page_h = A5
    _ = gettext_in(data.locale)
    pen = Pen(A5, _("Gift receipt %(shop)s", shop=data.shop_name))
    left, right, top = MARGIN, page_w - MARGIN, page_h - MARGIN
    width = right - left

    pen.text(left, top - 18, data.shop_name, 20, bold=True, max_width=width, min_size=12)
    order, order_size = pen.fit(_("Order %(number)s", number=data.order_number), 9, width * 0.45)
    title_w = width - pen.width(order, order_size) - 12
    pen.text(left, top - 37, _("Gift receipt"), 13, max_width=title_w, min_size=9)
    pen.text(right, top - 37, order, order_size, align="right")
    pen.rule(left, top - 47, right, top - 47)
    y = top - 47

    message = (data.gift_message or "").strip()
    if message:
        quoted = _("“%(message)s”", message=message)
        pen.text(left, y - 16, _("Message"), 8, bold=True, max_width=width)
        lines = pen.wrap(quoted, 10.5, width, 5)
        y = pen.lines(left, y - 31, lines, 10.5, 13.5, width) + 13.5 - 6

    _lines_table(pen, data, left, right, y - 12, MARGIN + FOOT_HEIGHT + 6)
    _foot(pen, data, left, right, MARGIN)
    return pen.finish()


def _lines_table(
    pen: Pen, data: GiftReceiptData, left: float, right: float, top: float, bottom: float
) -> None:
    width = right - left
    sku_x, qty_x = left + width * 0.62, right
    _ = gettext_in(data.locale)
    pen.text(left, top - 8, _("Item"), 8, bold=True, max_width=sku_x - left - 8)
    pen.text(sku_x, top - 8, _("SKU"), 8, bold=True, max_width=width * 0.25)
    pen.text(qty_x, top - 8, _("Qty"), 8, bold=True, align="right")
    pen.rule(left, top - 12, right, top - 12, 0.4)
    first = top - 12 - ROW
    capacity = max(1, int((first - bottom) // ROW) + 1)
    lines = data.lines
    shown = lines if len(lines) <= capacity else lines[: capacity - 1]
    for i, line in enumerate(shown):
        y = first - i * ROW
        pen.text(left, y, line.description, 9.5, max_width=sku_x - left - 8, min_size=7.5)
        pen.text(sku_x, y, line.sku, 8.5, max_width=qty_x - sku_x - 30, min_size=7)
        pen.text(qty_x, y, str(line.quantity), 9.5, bold=True, align="right")
    if len(shown) < len(lines):
        ngettext = ngettext_in(data.locale)
        more = ngettext("+%(num)d more", "+%(num)d more", len(lines) - len(shown))
        pen.text(left, first - len(shown) * ROW, more, 9.5, bold=True, max_width=width)


def _foot(pen: Pen, data: GiftReceiptData, left: float, right: float, bottom: float) -> None:
    _ = gettext_in(data.locale)
    top = bottom + FOOT_HEIGHT
    pen.rule(left, top, right, top, 0.6)
    qr_x = right - QR_SIZE
    draw_qr(pen, data.portal_url, qr_x, bottom, QR_SIZE)
    width = qr_x - 10 - left
    pen.text(left, top - 16, _("Gift code"), 8, bold=True, max_width=width)
    pen.text(left, top - 40, data.gift_code, 22, bold=True, max_width=width, min_size=12)
    how = _(
        "Something not quite right? Exchange it or get store credit in your own name: "
        "scan the QR code or go to %(url)s and enter the gift code. "
        "The person who gave it to you is not told.",
        url=data.portal_url,
    )
    how = pen.wrap(how, 8.5, width, 6)
    pen.lines(left, top - 58, how, 8.5, 10.5, width)

"""The prepaid return label: one A6 or 4×6 in page, fixed layout, text fitted to its boxes.

From top to bottom: carrier and dates; RMA number (big), drop-off point and the status QR
code; the tracking Code 128 with its text; sender and recipient; contents by SKU (as many
lines as the space allows, then "+N more"); drop-off instructions at the foot.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A6
from reportlab.lib.units import inch, mm

from labels.data import Address, LabelData, validate_label
from labels.draw import Pen, draw_code128, draw_qr, one_at_a_time
from labels.i18n import format_date, gettext_in, ngettext_in

PAGE_SIZES: dict[str, tuple[float, float]] = {"A6": A6, "4x6": (4 * inch, 6 * inch)}
MARGIN = 4 * mm
QR_SIZE = 27 * mm
GAP = 6.0


@one_at_a_time
def render_label(data: LabelData) -> bytes:
    """Render ``data`` as a one-page PDF label and return its bytes.

    Raises ValueError for an unknown page size or locale, no items, or a quantity below 1.
    """
    validate_label(data)
    page_w, page_h = PAGE_SIZES[data.page_size]
    _ = gettext_in(data.locale)
    pen = Pen((page_w, page_h), _("Return label %(rma)s", rma=data.rma))
    left, right = MARGIN, page_w - MARGIN
    y = _header(pen, data, left, right, page_h - MARGIN)
    y = _rma_and_drop_off(pen, data, left, right, y)
    y = _tracking(pen, data, left, right, y)
    y = _addresses(pen, data, left, right, y)
    bottom = _instructions(pen, data, left, right, MARGIN)
    _contents(pen, data, left, right, y, bottom)
    return pen.finish()


def _header(pen: Pen, data: LabelData, left: float, right: float, top: float) -> float:
    width = right - left
    pen.text(left, top - 10, data.carrier_name, 11, bold=True, max_width=width * 0.55, min_size=8)
    _ = gettext_in(data.locale)
    issued = _("Issued %(date)s", date=format_date(data.locale, data.issued_on))
    pen.text(right, top - 6.5, issued, 6.5, max_width=width * 0.43, min_size=5.5, align="right")
    if data.valid_until is not None:
        until = _("Valid until %(date)s", date=format_date(data.locale, data.valid_until))
        pen.text(
            right,
            top - 14.5,
            until,
            6.5,
            bold=True,
            max_width=width * 0.43,
            min_size=5.5,
            align="right",
        )
    pen.rule(left, top - 19, right, top - 19)
    return top - 19


def _rma_and_drop_off(pen: Pen, data: LabelData, left: float, right: float, top: float) -> float:
    _ = gettext_in(data.locale)
    qr_x = right - QR_SIZE
    draw_qr(pen, data.status_url, qr_x, top - 2 - QR_SIZE, QR_SIZE)
    pen.text(
        qr_x + QR_SIZE / 2,
        top - QR_SIZE - 8,
        _("Track your return"),
        6,
        align="center",
        max_width=QR_SIZE,
    )
    width = qr_x - GAP - left
    pen.text(left, top - 9, _("Return no."), 6.5, max_width=width)
    pen.text(left, top - 31, data.rma, 24, bold=True, max_width=width, min_size=20)
    relay = data.relay_point
    if relay is None:
        pen.text(left, top - 43, _("Hand over to the carrier"), 6.5, bold=True, max_width=width)
        text = _("Home pickup or drop-off with %(carrier)s.", carrier=data.carrier_name)
        lines = pen.wrap(text, 8, width, 3)
        pen.lines(left, top - 53, lines, 8, 9.5, width)
    else:
        pen.text(left, top - 43, _("Drop-off point"), 6.5, max_width=width)
        pen.text(left, top - 53, relay.network, 8.5, bold=True, max_width=width, min_size=7)
        pen.text(left, top - 62.5, relay.name, 8, max_width=width, min_size=6.5)
        pen.text(left, top - 71.5, relay.address, 7.5, max_width=width, min_size=6)
        pen.text(
            left, top - 80.5, f"{relay.postcode} {relay.city}", 7.5, max_width=width, min_size=6
        )
        if relay.opening_hours.strip():
            text = _("Opening hours: %(hours)s", hours=relay.opening_hours)
            hours = pen.wrap(text, 6.5, width, 2)
            pen.lines(left, top - 89, hours, 6.5, 7.5, width)
    pen.rule(left, top - 100, right, top - 100, 0.4)
    return top - 100


def _tracking(pen: Pen, data: LabelData, left: float, right: float, top: float) -> float:
    code = data.tracking_code.strip()
    draw_code128(pen, code, left, top - 46, right - left, 42)
    pen.text((left + right) / 2, top - 57, code, 10, align="center", max_width=right - left)
    pen.rule(left, top - 61, right, top - 61, 0.4)
    return top - 61


def _address_lines(address: Address) -> list[str]:
    lines = [address.name, address.line1]
    if address.line2 and address.line2.strip():
        lines.append(address.line2)
    lines.append(f"{address.postcode} {address.city}")
    lines.append(address.country)
    return lines


def _addresses(pen: Pen, data: LabelData, left: float, right: float, top: float) -> float:
    _ = gettext_in(data.locale)
    col = (right - left - GAP) / 2
    columns = (
        (left, _("From"), data.sender, False),
        (left + col + GAP, _("To"), data.recipient, True),
    )
    for x, caption, address, bold in columns:
        pen.text(x, top - 9, caption, 6.5, bold=True, max_width=col)
        name, *rest = _address_lines(address)
        pen.text(x, top - 19, name, 8.5, bold=bold, max_width=col, min_size=6.5)
        for i, line in enumerate(rest):
            pen.text(x, top - 28.5 - 8.5 * i, line, 7.5, max_width=col, min_size=6)
    pen.rule(left, top - 60, right, top - 60, 0.4)
    return top - 60


def _instructions(pen: Pen, data: LabelData, left: float, right: float, bottom: float) -> float:
    """Draw the drop-off steps upwards from ``bottom``; return the top of the block."""
    _ = gettext_in(data.locale)
    carrier = data.carrier_name
    if data.valid_until is None:
        if data.relay_point is None:
            drop_off = _("2. Drop the parcel off with %(carrier)s.", carrier=carrier)
        else:
            drop_off = _("2. Drop the parcel off at the drop-off point shown.")
    else:
        date = format_date(data.locale, data.valid_until)
        if data.relay_point is None:
            drop_off = _(
                "2. Drop the parcel off with %(carrier)s by %(date)s.", carrier=carrier, date=date
            )
        else:
            drop_off = _(
                "2. Drop the parcel off at the drop-off point shown by %(date)s.", date=date
            )
    steps = (
        _("1. Stick the label flat on the parcel, barcode visible, no tape over it."),
        drop_off,
        _("3. Keep your drop-off receipt until the return is complete."),
    )
    lines = [line for step in steps for line in pen.wrap(step, 6.5, right - left, 2)]
    top = bottom + 7.5 * len(lines) + 1
    pen.lines(left, top - 6.5, lines, 6.5, 7.5, right - left)
    pen.rule(left, top + 2, right, top + 2, 0.4)
    return top + 2


def _contents(
    pen: Pen, data: LabelData, left: float, right: float, top: float, bottom: float
) -> None:
    _ = gettext_in(data.locale)
    ngettext = ngettext_in(data.locale)
    pen.text(left, top - 9, _("Contents (SKU × qty)"), 6.5, bold=True, max_width=right - left)
    first, leading = top - 19, 9.0
    per_column = max(1, int((first - (bottom + 3)) // leading) + 1)
    items = data.items
    columns = 1 if len(items) <= per_column else 2
    slots = per_column * columns
    shown = items if len(items) <= slots else items[: slots - 1]
    col_w = (right - left - GAP * (columns - 1)) / columns
    for i, item in enumerate(shown):
        x = left + (i // per_column) * (col_w + GAP)
        y = first - (i % per_column) * leading
        qty = f"× {item.quantity}"
        qty_w = pen.width(qty, 8, bold=True)
        pen.text(x, y, item.sku, 8, max_width=col_w - qty_w - 4, min_size=6.5)
        pen.text(x + col_w, y, qty, 8, bold=True, align="right")
    if len(shown) < len(items):
        i = len(shown)
        x = left + (i // per_column) * (col_w + GAP)
        more = ngettext("+%(num)d more", "+%(num)d more", len(items) - len(shown))
        pen.text(x, first - (i % per_column) * leading, more, 8, bold=True, max_width=col_w)

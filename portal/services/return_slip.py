"""The return slip of a return (labels.render_return_slip), in the customer's language.

Its QR code holds the staff scan page's address for the RMA (`scan_url`): a phone camera opens
the return at the scan station; a USB scanner types the same text, which the station also
accepts (`portal.services.warehouse.find_by_scan`).

What a slip says is fixed with its label (the items, the RMA, the label's carrier, tracking
code and date), so the slip drawn for a label's confirmation is kept with the label
(`Label.slip_pdf`, `for_mail`): a confirmation sent again, or the slip downloaded, does
not draw it again (`stored_or_drawn`, which writes nothing)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from labels import ReturnSlipData, ReturnSlipLine, render_return_slip
from labels.data import LOCALES
from portal.carriers import COLISSIMO, MONDIAL_RELAY
from portal.extensions import db
from portal.links import public_url
from portal.models import Label, ReturnItem, ReturnRequest
from portal.models.base import utcnow
from portal.words import reason_labels

NETWORK_NAMES = {"mondial_relay": MONDIAL_RELAY, "colissimo": COLISSIMO, "easypost": "EasyPost"}


def scan_url(rma: str) -> str:
    """What the slip's QR code holds: the scan station, asked for this RMA."""
    return public_url("/staff/scan?" + urlencode({"code": rma}))


def _wish(item: ReturnItem) -> str:
    if item.resolution == "exchange" and item.exchange_variant is not None:
        return _("Exchange for %(variant)s", variant=item.exchange_variant.display_name)
    if item.resolution == "store_credit":
        return _("Store credit")
    if item.resolution == "repair":
        return _("A repair under warranty")
    return _("A refund")


def slip_pdf(rr: ReturnRequest) -> bytes:
    locale = rr.locale if rr.locale in LOCALES else "fr"
    label = rr.current_label
    with force_locale(locale):
        reasons = reason_labels()
        lines = tuple(
            ReturnSlipLine(
                description=item.display_name,
                sku=item.order_line.variant.sku,
                quantity=item.quantity,
                reason=reasons.get(item.reason, item.reason),
                wish=_wish(item),
            )
            for item in rr.items
        )
    data = ReturnSlipData(
        shop_name=current_app.config.get("SHOP_NAME") or "—",
        rma=rr.rma,
        scan_url=scan_url(rr.rma),
        customer_name=rr.contact_name,
        lines=lines,
        issued_on=(label.issued_at if label is not None else utcnow()).date(),
        carrier_name=NETWORK_NAMES.get(label.carrier, "") if label is not None else "",
        tracking_code=label.tracking_code if label is not None else "",
        locale=locale,
    )
    return render_return_slip(data)


def for_mail(rr: ReturnRequest) -> bytes:
    """The slip for the confirmation e-mail: as kept with the current label, or drawn now
    and kept (flush; the worker commits). Only a slip still missing is written: two
    workers drawing the same slip store the same bytes once."""
    label = rr.current_label
    if label is not None and label.slip_pdf is not None:
        return label.slip_pdf
    pdf = slip_pdf(rr)
    if label is not None:
        db.session.execute(
            update(Label)
            .where(Label.id == label.id, Label.slip_pdf.is_(None))
            .values(slip_pdf=pdf)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(label, "slip_pdf", pdf)  # as the row now holds
    return pdf


def stored_or_drawn(rr: ReturnRequest) -> bytes:
    """The slip to download: as kept, or drawn now (nothing written: a GET reads)."""
    label = rr.current_label
    if label is not None and label.slip_pdf is not None:
        return label.slip_pdf
    return slip_pdf(rr)

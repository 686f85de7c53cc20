"""What the customer's status page says when the carrier reports a problem with the parcel, or
refused the label because of something the customer can fix (docs/carriers.md)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _

from portal.models import ReturnRequest
from portal.services.labels import failure_problem
from portal.services.tracking import problem


@dataclass(frozen=True)
class Notice:
    key: str  # the section's id on the page
    title: str
    text: str
    when: str = ""
    fix_relay: bool = False  # the customer can choose another drop-off point


def tracking_problem(rr: ReturnRequest) -> Notice | None:
    """Returned to sender, failure or cancelled, as the carrier last said."""
    event = problem(rr)
    if event is None:
        return None
    contact = current_app.config.get("SHOP_CONTACT_EMAIL") or ""
    texts = {
        "returned_to_sender": (
            _("Your parcel is being sent back to you"),
            _(
                "The carrier is returning the parcel to you instead of delivering it to us. "
                "Keep it when it arrives and write to us at %(contact)s: we will tell you how "
                "to send it again.",
                contact=contact,
            ),
        ),
        "failure": (
            _("The carrier reports a problem with your parcel"),
            _(
                "The carrier could not carry the parcel on. We have been told and will look "
                "into it; if you still have the parcel, write to us at %(contact)s.",
                contact=contact,
            ),
        ),
        "cancelled": (
            _("The carrier cancelled this shipment"),
            _(
                "The label can no longer be used. Do not drop the parcel off with it: get a new "
                "label below, or write to us at %(contact)s.",
                contact=contact,
            ),
        ),
    }
    title, text = texts[event.status]
    when = event.occurred_at or event.received_at
    return Notice("tracking-problem", title, text, format_datetime(when, "short") if when else "")


def label_problem(rr: ReturnRequest) -> Notice | None:
    """The label was refused because of the customer's address or chosen point: what to fix."""
    found = failure_problem(rr)
    if found is None:
        return None
    contact = current_app.config.get("SHOP_CONTACT_EMAIL") or ""
    if found == "relay_point":
        return Notice(
            "label-problem",
            _("Your drop-off point no longer takes parcels"),
            _(
                "The carrier refused the label for the point you chose. Choose another "
                "drop-off point and we will make your label at once."
            ),
            fix_relay=True,
        )
    address = ", ".join(p for p in (rr.sender_line1, rr.sender_postcode, rr.sender_city) if p)
    return Notice(
        "label-problem",
        _("The carrier did not accept your address"),
        _(
            "We could not make your label: the carrier refused the address we have for you "
            "(%(address)s), most often because of the postcode. Check it and write the right "
            "one to us at %(contact)s, quoting your return number; we will make your label "
            "as soon as it is fixed.",
            address=address,
            contact=contact,
        ),
    )


def notices(rr: ReturnRequest) -> list[Notice]:
    """What the status page must tell the customer before anything else."""
    return [n for n in (label_problem(rr), tracking_problem(rr)) if n is not None]


def status_words() -> dict[str, str]:
    """Our tracking vocabulary's statuses in the reader's language (docs/carriers.md)."""
    return {
        "pre_transit": _("label created, not yet scanned"),
        "in_transit": _("in transit"),
        "out_for_delivery": _("out for delivery"),
        "held_at_point": _("waiting at a point"),
        "delivered": _("delivered to the warehouse"),
        "returned_to_sender": _("returned to the customer"),
        "failure": _("failure"),
        "cancelled": _("cancelled"),
    }

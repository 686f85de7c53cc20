"""The customer's status-page lines for refund and store-credit events (audit actions)."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.extensions import db
from portal.i18n import money
from portal.models import ReturnRequest

ACTIONS = {
    "refund_issued",
    "refund_approved",
    "refund_retried",
    "refund_sent",
    "refund_failed",
    "refund_replaced_by_credit",
    "store_credit_issued",
    "refund_paid",
}


def _gift_line(action: str) -> str | None:
    return {
        "refund_approved": _("The refund is approved; it has not been sent yet."),
        "refund_retried": _("The refund is approved; it has not been sent yet."),
        "refund_sent": _("The refund has been sent to the original payment method."),
        "refund_failed": _("We could not send the refund; our team is on it."),
        "store_credit_issued": _("Your store credit is ready, in your name."),
    }.get(action)


def payment_line(event) -> tuple[bool, str | None]:
    """(is this a payment event, its line for the customer or None to hide it)."""
    if event.action not in ACTIONS:
        return False, None
    rr = db.session.get(ReturnRequest, event.return_id) if event.return_id else None
    if rr is not None and rr.is_gift:
        return True, _gift_line(event.action)  # a gift's recipient never sees prices
    d = event.details or {}
    amount = money(d.get("amount") or 0, d.get("currency") or "EUR")
    line = {
        "refund_approved": _(
            "Your refund of %(amount)s is approved; it has not been sent yet.", amount=amount
        ),
        "refund_sent": _(
            "Your refund of %(amount)s has been sent to your original payment method.",
            amount=amount,
        ),
        "refund_failed": _(
            "We could not send your refund of %(amount)s; our team is on it.", amount=amount
        ),
        "store_credit_issued": _(
            "Your store credit of %(amount)s is ready: code %(code)s.",
            amount=amount,
            code=d.get("code", ""),
        ),
    }
    line["refund_retried"] = line["refund_approved"]
    return True, line.get(event.action)  # refund_issued, refund_paid…: staff-side only

"""The claim's e-mails, queued in the outbox like a return's (`portal.notifications`):
the facts are taken now, in the customer's language, and the worker renders
`templates/emails/claim_*.txt` after commit."""

from __future__ import annotations

from email.utils import format_datetime, make_msgid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import outbox
from portal.claim_links import claim_url
from portal.models.base import utcnow
from portal.notifications import _domain, one_line
from portal.words import claim_kind_labels


def _subjects() -> dict[str, str]:
    return {
        "claim_received": _("Your claim %(rma)s about order %(order)s"),
        "claim_resolved": _("Your claim %(rma)s: what we are doing"),
        "claim_kept": _("Your claim %(rma)s: keep the item, here is your credit"),
    }


def queue(claim, kind: str) -> outbox.OutboxMessage:
    config = current_app.config
    locale = claim.locale if claim.locale in config["LANGUAGES"] else config["DEFAULT_LOCALE"]
    with force_locale(locale):
        facts = describe(claim)
        subject = _subjects()[kind] % {"rma": claim.number, "order": claim.order.number}
    return outbox.queue(
        recipient=claim.contact_email,
        subject=one_line(subject),
        kind=kind,
        return_id=None,
        locale=locale,
        context=facts,
    )


def _refund(claim) -> dict | None:
    """The refund support decided (its kept return's amounts), or None."""
    rr = claim.kept_return
    if rr is None:
        return None
    return {"amount": claim.refunded_amount, "currency": claim.order.currency, "rma": rr.rma}


def describe(claim) -> dict:
    config = current_app.config
    credit = claim.credit
    return {
        "rma": claim.number,
        "order": one_line(claim.order.number),
        "what_happened": claim_kind_labels()[claim.kind],
        "items": [
            {"name": one_line(line.display_name), "quantity": line.quantity} for line in claim.lines
        ],
        "replacement": bool(claim.replacement_tracking_code),
        "tracking_code": claim.replacement_tracking_code or "",
        "credit": (
            {"code": credit.code, "amount": credit.initial_amount, "currency": credit.currency}
            if credit is not None
            else None
        ),
        "refund": _refund(claim),
        "note": one_line(claim.staff_note),
        "contact_name": one_line(claim.contact_name),
        "status_url": claim_url(claim),
        "shop": config["SHOP_NAME"],
        "currency": claim.order.currency,
        "date": format_datetime(utcnow()),
        "message_id": make_msgid(domain=_domain(config["MAIL_FROM"])),
    }

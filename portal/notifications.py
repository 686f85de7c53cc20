"""Queues the customer's e-mails into the outbox: what each message says, not the message.

`notify` runs inside the request's transaction and only records facts: the kind, the
return, the language and the values the message states (the items and amounts of
`summary.for_return`, the tracking number, the credit's balance …) as they are now, so
the e-mail stays true when the worker builds it later (`portal.emails`), with the label
PDF read from its row at that moment. Nothing is rendered and no MIME is built here.

A message that cannot be described from the return's data never fails the request that
sent it: it is stored in the outbox as `failed` with the reason, and the staff home
lists it (`outbox.undelivered`); the same holds when the worker cannot build it. The
recipient's display name is made one line first (a line break in a name cannot become a
header injection, nor a failure).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from email.utils import format_datetime, make_msgid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import followup_words, outbox, repair_mail
from portal.extensions import db
from portal.links import status_url
from portal.models import Label, Refund, ReturnItem, ReturnRequest, StoreCredit
from portal.models.base import utcnow


def _own_subjects() -> dict[str, Callable[[], str]]:
    """Each kind's subject, translated when called: an e-mail translates its own only."""
    return {
        "confirmation": lambda: _("Your return %(rma)s: your label"),
        "kept": lambda: _("Your return %(rma)s: keep the items, nothing to send back"),
        "reissued": lambda: _("Your return %(rma)s: your new label"),
        "label_pending": lambda: _("Your return %(rma)s: your label is being prepared"),
        "in_transit": lambda: _("Your return %(rma)s is on its way to us"),
        "received": lambda: _("We have received your return %(rma)s"),
        "diagnosis": lambda: _("Your return %(rma)s has been inspected"),
        "refund_approved": lambda: _("Your refund for return %(rma)s is approved"),
        "refund_sent": lambda: _("Your refund for return %(rma)s has been sent"),
        "refund_failed": lambda: _("A problem with the refund for return %(rma)s"),
        "store_credit": lambda: _("Your store credit for return %(rma)s"),
        "exchange_shipped": lambda: _("Your exchange for return %(rma)s is on its way"),
        "cancelled": lambda: _("Your return %(rma)s is cancelled"),
        "expired": lambda: _("Your return %(rma)s has expired"),
        "goodwill": lambda: _("A gesture from %(shop)s for return %(rma)s"),
        "reply": lambda: _("Our answer about your return %(rma)s"),
    }


def subject_for(kind: str, facts: dict) -> str:
    """The subject, in the current locale."""
    key = "reissued" if kind == "confirmation" and facts.get("reissued") else kind
    own = _own_subjects().get(key)
    if own is not None:
        subject = own()
    else:  # the follow-ups' and the repairs' (a few each)
        subject = {**followup_words.subjects(), **repair_mail.subjects()}[key]
    return subject % {"rma": facts["rma"], "shop": facts["shop"]}


def notify(rr: ReturnRequest, kind: str, **context) -> outbox.OutboxMessage:
    """Queue the `kind` e-mail for the return's contact (the gift recipient for gifts).

    `context` holds what the message states beyond the return itself (a label, a refund,
    a credit, rows …); it is turned into plain values now."""
    config = current_app.config
    locale = rr.locale if rr.locale in config["LANGUAGES"] else config["DEFAULT_LOCALE"]
    try:
        with force_locale(locale):  # item names in the customer's language, too
            facts = describe(rr, kind, context)
            subject = subject_for(kind, facts)
    except (ValueError, TypeError, LookupError, AttributeError) as exc:
        current_app.logger.warning("e-mail %s for %s cannot be built: %s", kind, rr.rma, exc)
        return outbox.queue_unbuildable(
            recipient=rr.contact_email,
            subject=f"{kind} {rr.rma}",
            kind=kind,
            return_id=rr.id,
            error=f"the e-mail cannot be built from this return's data: {exc}",
        )
    return outbox.queue(
        recipient=rr.contact_email,
        subject=one_line(subject),
        kind=kind,
        return_id=rr.id,
        locale=locale,
        context=facts,
    )


def describe(rr: ReturnRequest, kind: str, context: dict) -> dict:
    """Everything the `kind` e-mail says, as JSON-ready values taken now."""
    from portal.services.policy import current_policy
    from portal.services.summary import for_return

    config = current_app.config
    summary = for_return(rr, current_policy())
    label = context.get("label")
    if isinstance(label, Label) and label.id is None:
        db.session.flush()  # the worker attaches the label's PDF by its id
    facts = {key: plain(value) for key, value in context.items()}
    refund = context.get("refund")
    if isinstance(refund, Refund) and refund.return_item is not None:
        facts["name"] = one_line(refund.return_item.display_name)  # in the customer's language
    facts.update(
        rma=rr.rma,
        contact_name=one_line(rr.contact_name),
        is_gift=bool(rr.is_gift),
        status_url=status_url(rr),
        shop=config["SHOP_NAME"],
        currency=summary.currency,
        summary=_summary(summary),
        date=format_datetime(utcnow()),
        message_id=make_msgid(domain=_domain(config["MAIL_FROM"])),
    )
    if kind == "confirmation" and isinstance(label, Label):
        facts["reissued"] = any(old is not label for old in rr.labels)
        facts["point"] = _point(rr)
        facts["letterbox"] = rr.relay_point is not None and rr.relay_point.kind == "letterbox"
        facts["collection_date"] = rr.collection_date.isoformat() if rr.collection_date else None
    return facts


def _summary(summary) -> dict:
    return {
        "items": [
            {
                "name": one_line(i.name),
                "quantity": i.quantity,
                "asked": i.asked,
                "outcome": i.outcome,
                "replacement": one_line(i.replacement),
                "paid": i.paid,
                "fee": i.fee,
                "amount": i.amount,
                "bonus": i.bonus,
            }
            for i in summary.items
        ],
        "final": summary.final,
        "refund_total": summary.refund_total,
        "credit_total": summary.credit_total,
        "bonus_total": summary.bonus_total,
        "fee_total": summary.fee_total,
    }


def _point(rr: ReturnRequest) -> str:
    point = rr.relay_point
    if point is None:
        return ""
    return one_line(", ".join(p for p in (point.name, point.address, point.city) if p))


def _domain(address: str) -> str:
    domain = (address or "").rpartition("@")[2]
    return one_line(domain) or "retours.local"


def plain(value):
    """`value` as JSON: the model objects an e-mail names become the few values it states."""
    if isinstance(value, Label):
        return {
            "id": value.id,
            "tracking_code": value.tracking_code,
            "carrier": value.carrier,
            "expires_at": value.expires_at.isoformat() if value.expires_at else None,
        }
    if isinstance(value, Refund):
        return {"amount": value.amount, "currency": value.currency}
    if isinstance(value, StoreCredit):
        return {
            "code": value.code,
            "currency": value.currency,
            "initial_amount": value.initial_amount,
            "balance": value.balance,
        }
    if isinstance(value, ReturnItem):
        return {"name": one_line(value.display_name), "rejection_reason": value.rejection_reason}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str | None) -> str:
    """`text` with line breaks and control characters turned into single spaces."""
    return " ".join(_NOT_ONE_LINE.sub(" ", text or "").split())

"""Warehouse verbs: find a parcel by what is scanned, receive it, diagnose its items.

Every verb locks the return first (`lock_return`), checks its guard on fresh data,
changes the state, writes the audit event and queues the e-mail, then flushes. The
route commits once.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal import lifecycle
from portal.extensions import db
from portal.models import Label, ReturnItem, ReturnRequest
from portal.models.base import utcnow
from portal.money import received_share
from portal.notifications import notify
from portal.services import audit, repair_cases, stock
from portal.services.errors import InvalidTransition, ValidationFailed
from portal.services.locks import lock_return
from portal.services.policy import Policy, current_policy
from portal.services.resolve import finish_if_resolved
from portal.words import (
    GRADE_AS_NEW,
    GRADE_WORN,
    GRADES,
    grade_choice_text,
    grade_customer_labels,
)

MAX_NOTE = 1000
_RMA_BARE = re.compile(r"^R([A-Z0-9]{4})([A-Z0-9]{2})$")


# -- small helpers ---------------------------------------------------------------------


def promised_by(rr: ReturnRequest) -> datetime | None:
    """When we promised the refund or exchange (see `Policy.promised_by`)."""
    return current_policy().promised_by(rr.received_at)


def normalize_code(code: str) -> str:
    """Upper case, no spaces: what a scanner or a hurried keyboard may have typed."""
    return re.sub(r"\s+", "", code or "").upper()


def scanned_code(code: str) -> str:
    """The code in what was scanned: a return slip's QR code holds the scan page's address with
    the RMA (`…/staff/scan?code=R-7Q2K-9D`, `portal.services.return_slip.scan_url`)."""
    text = (code or "").strip()
    if "://" in text or text.startswith("/"):
        try:
            url = urlsplit(text)
        except ValueError:  # e.g. an unclosed "[" where a host would be
            return ""
        if not url.path.rstrip("/").endswith("/scan"):
            return ""
        return (parse_qs(url.query).get("code") or [""])[-1]
    return text


def find_by_scan(code: str) -> ReturnRequest | None:
    """The return whose label tracking number or RMA is `code` (case and spaces ignored), or
    whose return slip's QR code it is.

    Old (voided) labels still find their return: a parcel can arrive with one.
    """
    cleaned = normalize_code(scanned_code(code))
    if not cleaned or len(cleaned) > 64:
        return None
    label = scanned_label(cleaned)
    if label is not None:
        return label.return_request
    rma = cleaned
    bare = _RMA_BARE.match(cleaned.replace("-", ""))
    if bare:
        rma = f"R-{bare.group(1)}-{bare.group(2)}"
    return db.session.scalar(select(ReturnRequest).where(ReturnRequest.rma == rma))


def scanned_label(code: str) -> Label | None:
    """The label (current or voided) whose tracking number is `code` (case and spaces
    ignored), or None."""
    cleaned = normalize_code(code)
    if not cleaned or len(cleaned) > 64:
        return None
    return db.session.scalar(
        select(Label)
        .where(func.upper(Label.tracking_code) == cleaned)
        .order_by(Label.id.desc())
        .limit(1)
    )


def _own_item(rr: ReturnRequest, item_id: int) -> ReturnItem:
    for item in rr.items:
        if item.id == item_id:
            return item
    raise ValidationFailed(
        {f"item-{item_id}": _("This item is not part of return %(rma)s.", rma=rr.rma)}
    )


# -- receive ---------------------------------------------------------------------------


def receive_parcel(
    rr: ReturnRequest,
    quantities: dict[int, int],
    note: str = "",
    actor: str = "",
    *,
    item_notes: dict[int, str] | None = None,
) -> dict[int, int]:
    """Record a parcel: `quantities` maps item id → units found in this parcel.

    Allowed before the carrier scanned it, after the label expired, and again for a
    second parcel of the same return; never more than the quantity asked to return in
    total. Moves the return to `received`, sets `received_at` the first time and
    e-mails "received". Returns the units recorded per item.
    """
    lock_return(rr)
    event = "receive_more" if lifecycle.can(rr, "receive_more") else "receive"
    if lifecycle.is_in(rr, "ended_unsent") and not lifecycle.can(rr, event):
        raise InvalidTransition(
            _(
                "Return %(rma)s was cancelled: its parcel cannot be received. "
                "Put it aside and ask support.",
                rma=rr.rma,
            )
        )
    if lifecycle.kept(rr):
        raise InvalidTransition(
            _(
                "Return %(rma)s is kept by the customer (keep it): nothing was sent back, "
                "there is nothing to receive. Put the parcel aside and ask support.",
                rma=rr.rma,
            )
        )
    if not lifecycle.can(rr, event):
        raise InvalidTransition(
            _(
                "Return %(rma)s has already been inspected: no more items can be received.",
                rma=rr.rma,
            )
        )
    item_notes = item_notes or {}
    note = (note or "").strip()
    errors: dict[str, str] = {}
    received: dict[int, int] = {}
    for item_id, quantity in quantities.items():
        item = _own_item(rr, item_id)
        if quantity < 0:
            errors[f"item-{item.id}"] = _(
                "%(item)s: the quantity cannot be negative.", item=item.display_name
            )
        elif quantity and lifecycle.graded(item):
            errors[f"item-{item.id}"] = _("%(item)s was already inspected.", item=item.display_name)
        elif item.received_quantity + quantity > item.quantity:
            errors[f"item-{item.id}"] = _(
                "%(item)s: only %(n)d expected in total, %(done)d already received.",
                item=item.display_name,
                n=item.quantity,
                done=item.received_quantity,
            )
        elif quantity:
            received[item.id] = quantity
    if len(note) > MAX_NOTE or any(len(n or "") > MAX_NOTE for n in item_notes.values()):
        errors["note"] = _("Please keep notes under %(n)d characters.", n=MAX_NOTE)
    if not errors and not received:
        errors["items"] = _("Enter how many units of at least one item are in the parcel.")
    if errors:
        raise ValidationFailed(errors)

    now = utcnow()
    for item in rr.items:
        if item.id in received:
            item.received_quantity += received[item.id]
            done = "receive_all" if item.received_quantity == item.quantity else "receive_part"
            audit.transition(item, done, actor_type="staff")
        extra = (item_notes.get(item.id) or "").strip()
        if extra:
            item.reception_note = "\n".join(p for p in (item.reception_note, extra) if p)
    first = rr.received_at is None
    if first:
        rr.received_at = now
    details = {
        "items": [
            {"sku": i.order_line.variant.sku, "quantity": received[i.id]}
            for i in rr.items
            if i.id in received
        ],
        "note": note,
    }
    audit.transition(rr, event, actor_type="staff", actor=actor, **details)
    lines = [(i.display_name, received[i.id]) for i in rr.items if i.id in received]
    missing = [
        (i.display_name, i.quantity - i.received_quantity)
        for i in rr.items
        if i.received_quantity < i.quantity
    ]
    repair_by = repair_cases.receive_cases(rr, received, actor)  # repairs under warranty
    notify(
        rr,
        "received",
        lines=lines,
        missing=missing,
        promised_by=promised_by(rr),
        repair_by=repair_by,
    )
    db.session.flush()
    return received


# -- diagnose --------------------------------------------------------------------------


def refund_outcome(
    rr: ReturnRequest, item: ReturnItem, grade: str, policy: Policy
) -> tuple[str, int]:
    """(outcome, amount) for an accepted refund or store-credit item.

    The amount is the unit price × units received, less the restocking fee for a
    grade B item, less the policy's return shipping fee once per return (refunds to
    the original payment only), never below zero nor above what was paid.
    """
    outcome = "store_credit" if item.resolution == "store_credit" else "refund"
    if outcome == "refund" and rr.is_gift and not policy.gift_refund_to_buyer:
        outcome = "store_credit"  # a gift is credited in the recipient's name
    gross = received_share(item.amount_paid, item.received_quantity, item.quantity)
    amount = gross - (policy.restocking_fee(gross) if grade == GRADE_WORN else 0)
    if outcome == "refund" and not any(
        other.outcome == "refund" for other in rr.items if other is not item
    ):
        amount -= min(policy.return_shipping_fee, amount)
    return outcome, max(amount, 0)


def diagnose(
    rr: ReturnRequest, grades: dict[int, tuple[str, str, str]], actor: str = ""
) -> list[ReturnItem]:
    """Grade received items: `grades` maps item id → (grade A|B|C, note, reject reason or "").

    Each item is graded once. Grade A goes back to stock on hand. The outcome follows
    the customer's choice and the policy (see `refund_outcome`), or "rejected" when a
    reason is given (the item is sent back; its exchange reservation is released).
    When every received item is graded the return becomes `inspected`, reservations of
    items that never arrived are released and the "diagnosis" e-mail goes out.
    """
    lock_return(rr)
    if not lifecycle.can(rr, "grade"):
        if lifecycle.is_in(rr, "to_resolve") or lifecycle.is_in(rr, "resolved"):
            raise InvalidTransition(_("Return %(rma)s was already inspected.", rma=rr.rma))
        raise InvalidTransition(
            _("Return %(rma)s cannot be inspected before its parcel is received.", rma=rr.rma)
        )
    if not grades:
        raise ValidationFailed({"items": _("Choose a condition for at least one item.")})
    policy = current_policy()
    errors: dict[str, str] = {}
    for item_id, (grade, note, reason) in grades.items():
        item = _own_item(rr, item_id)
        key = f"item-{item.id}"
        if lifecycle.graded(item):
            raise InvalidTransition(
                _(
                    "%(item)s was already inspected: a diagnosis is recorded once.",
                    item=item.display_name,
                )
            )
        if item.received_quantity == 0:
            raise InvalidTransition(
                _("%(item)s has not been received: it cannot be inspected.", item=item.display_name)
            )
        if item.resolution == "repair":
            raise InvalidTransition(
                _("%(item)s is a repair: record its diagnosis in the repair section.",
                  item=item.display_name)
            )  # fmt: skip
        if grade not in GRADES:
            errors[key] = _(
                "%(item)s: choose a condition (%(grades)s).",
                item=item.display_name,
                grades=grade_choice_text(),
            )
        elif len(note or "") > MAX_NOTE or len(reason or "") > MAX_NOTE:
            errors[key] = _("Please keep notes under %(n)d characters.", n=MAX_NOTE)
    if errors:
        raise ValidationFailed(errors)

    graded = []
    now = utcnow()
    for item in rr.items:
        if item.id not in grades:
            continue
        grade, note, reason = grades[item.id]
        item.grade, item.diagnosis_note = grade, (note or "").strip()
        reason = (reason or "").strip()
        if reason:
            audit.transition(item, "reject", actor_type="staff")
            item.outcome, item.outcome_amount, item.rejection_reason = "rejected", None, reason
            stock.release(item)
        elif item.resolution == "exchange":
            audit.transition(item, "accept", actor_type="staff")
            item.outcome, item.outcome_amount = "exchange", None
            if item.exchange_tracking_code:  # shipped early (instant exchange)
                audit.transition(item, "settle", actor_type="staff")
                item.resolved_at = now
        else:
            audit.transition(item, "accept", actor_type="staff")
            item.outcome, item.outcome_amount = refund_outcome(rr, item, grade, policy)
        if grade == GRADE_AS_NEW and not lifecycle.rejected(item):
            stock.restock(item.order_line.variant, item.received_quantity)
        graded.append(item)
    details = {
        "items": [
            {"sku": i.order_line.variant.sku, "grade": i.grade, "outcome": i.outcome}
            for i in graded
        ]
    }
    if all(lifecycle.graded(i) for i in rr.items if i.received_quantity > 0):
        for item in rr.items:
            if item.received_quantity == 0:
                audit.transition(item, "give_up", actor_type="staff")
                stock.release(item)
        audit.transition(rr, "inspect", actor_type="staff", actor=actor, **details)
        notify(rr, "diagnosis", rows=diagnosis_rows(rr, policy))
        finish_if_resolved(rr, actor_type="staff", actor=actor)  # an exchange shipped early
    else:
        audit.transition(rr, "grade", actor_type="staff", actor=actor, **details)
    db.session.flush()
    return graded


def diagnosis_rows(rr: ReturnRequest, policy: Policy) -> list[dict]:
    """What the diagnosis e-mail says about each item, amounts broken down."""
    rows = []
    for item in rr.items:
        row = {
            "item": item,
            "name": item.display_name,
            "outcome": item.outcome,
            "quantity": item.received_quantity,
            "amount": item.outcome_amount or 0,
            "restocking_fee": 0,
            "shipping_fee": 0,
            "credit": 0,
            "exchange_name": item.exchange_variant.display_name if item.exchange_variant else "",
            "condition": grade_customer_labels().get(item.grade or "", ""),
        }
        if item.outcome in ("refund", "store_credit"):
            gross = received_share(item.amount_paid, item.received_quantity, item.quantity)
            row["restocking_fee"] = policy.restocking_fee(gross) if item.grade == GRADE_WORN else 0
            row["shipping_fee"] = max(gross - row["restocking_fee"] - row["amount"], 0)
            row["credit"] = policy.credit_with_bonus(row["amount"])
        rows.append(row)
    return rows

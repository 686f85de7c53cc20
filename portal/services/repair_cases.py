"""Repairs under warranty: the verbs of a repair case (portal.lifecycle.repairs).

A repair request is a return whose item's resolution is "repair": the same relay point and
label. Its case opens with the return, is received with the parcel, then staff diagnose it
(covered: we repair; not covered: a quote the customer accepts or declines with one click),
and it ends repaired and shipped back, replaced, refunded, or sent back unrepaired. Each
verb locks the return, moves the case through the lifecycle, writes the audit line the
customer's status page reads, queues the e-mail, and flushes; the route commits once.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import inspect, select

from portal import lifecycle
from portal.extensions import db
from portal.models import RepairCase, ReturnItem, ReturnRequest, Variant
from portal.models.base import utcnow
from portal.money import received_share
from portal.notifications import notify
from portal.services import audit, stock
from portal.services.errors import InvalidTransition, ValidationFailed
from portal.services.locks import lock_return
from portal.services.policy import add_working_days
from portal.services.repair_eligibility import REPAIR, warranty_end

MAX_NOTE = 1000
MAX_QUOTE = 10_000_00  # minor units: a quote above this is a typing mistake
_TRACKING = re.compile(r"^[A-Za-z0-9-]{4,40}$")


# -- reading ----------------------------------------------------------------------------


def cases_of(rr: ReturnRequest) -> list[RepairCase]:
    """The return's repair cases. A case opens only for an item asked for repair (an
    item's resolution never changes afterwards), so when the items are already loaded
    and none asks for one there is nothing to read: the status page, which reads this
    for its progress bar, history and next step, sends no query for a plain return."""
    if "items" not in inspect(rr).unloaded and all(i.resolution != REPAIR for i in rr.items):
        return []
    return list(
        db.session.scalars(
            select(RepairCase).where(RepairCase.return_id == rr.id).order_by(RepairCase.id)
        )
    )


def case_of(rr: ReturnRequest, case_id: int) -> RepairCase:
    case = db.session.get(RepairCase, case_id)
    if case is None or case.return_id != rr.id:
        message = _("This repair is not part of return %(rma)s.", rma=rr.rma)
        raise ValidationFailed({"case": message})
    return case


def promised_by(case: RepairCase) -> datetime | None:
    """When we promised the repair: REPAIR_PROMISE_DAYS working days after receipt."""
    if case.received_at is None:
        return None
    return add_working_days(case.received_at, current_app.config["REPAIR_PROMISE_DAYS"])


def is_late(case: RepairCase, now: datetime | None = None) -> bool:
    by = promised_by(case)
    if by is None:
        return False
    end = case.finished_at if lifecycle.repair_is(case, "repair_fixed") else None
    return (end or now or utcnow()) > by


def return_is_late(rr: ReturnRequest, now: datetime | None = None) -> bool | None:
    """For a return whose open received items are all repairs: whether a repair is late
    (REPAIR_PROMISE_DAYS). None for any other return (the refund promise applies)."""
    open_items = {i.id for i in rr.items if i.received_quantity > 0 and not lifecycle.settled(i)}
    if not open_items or any(i.resolution != REPAIR for i in rr.items if i.id in open_items):
        return None
    return any(is_late(c, now) for c in cases_of(rr) if c.return_item_id in open_items)


def units_of(case: RepairCase) -> int:
    """The units this case repairs: one case per returned line, for the units of it that
    reached the warehouse (all the units asked for, until the parcel is in)."""
    item = case.item
    return item.received_quantity or item.quantity


def refund_amount(case: RepairCase) -> int:
    """What was paid for the case's units (a refund when neither repair nor replacement)."""
    item = case.item
    return received_share(item.amount_paid, units_of(case), item.quantity)


def _name(case: RepairCase) -> str:
    return case.item.display_name


def _record(rr: ReturnRequest, case: RepairCase, event: str, actor_type: str, actor: str, **more):
    """Move the case and write the line the audit trail and the status page read."""
    step, before, after = lifecycle.apply(case, event, actor_type, lifecycle.REPAIR)
    audit.record(  # the case's states in the details: from/to are the return's (RETURN)
        rr,
        step.action,
        actor_type=actor_type,
        actor=actor,
        case_id=case.id,
        repair_from=before,
        repair_to=after,
        sku=case.item.order_line.variant.sku,
        **more,
    )
    return step


def _refuse(case: RepairCase, event: str, actor_type: str = "staff") -> None:
    """A clear message, nothing changed, when the repair's state does not allow `event`."""
    from portal.words import word

    if not lifecycle.can(case, event, actor_type, lifecycle.REPAIR):
        raise InvalidTransition(
            _(
                "%(item)s: this step is not possible now (the repair is at “%(state)s”).",
                item=_name(case),
                state=word("repair", case.status),
            )
        )


# -- opening and receiving -----------------------------------------------------------------


def open_cases(rr: ReturnRequest, today: date) -> list[RepairCase]:
    """One case per item of `rr` asked for repair (called by `create_return`)."""
    items = [item for item in rr.items if item.resolution == REPAIR]
    if not items:
        return []
    db.session.flush()  # the return's and its items' ids
    opened = []
    for item in items:
        until = warranty_end(item.order_line)
        in_warranty = until is not None and today <= until
        case = RepairCase(item=item, return_id=rr.id, under_warranty=in_warranty)
        step, before, after = lifecycle.apply(case, "open", "customer", lifecycle.REPAIR)
        db.session.add(case)
        opened.append(case)
    db.session.flush()  # the cases' ids, for their audit lines
    for case in opened:
        audit.record(rr, step.action, actor_type="customer", actor=rr.contact_email,
                     case_id=case.id, repair_to=after,
                     sku=case.item.order_line.variant.sku)  # fmt: skip
    return opened


def receive_cases(rr: ReturnRequest, received: dict[int, int], actor: str = "") -> datetime | None:
    """The parcel came in (`warehouse.receive_parcel`): its repair items' cases are received.
    Returns when the repair is promised by (None when no repair item was in it)."""
    promised = None
    now = utcnow()
    for case in cases_of(rr):
        if case.return_item_id not in received or not lifecycle.can(
            case, "receive", "staff", lifecycle.REPAIR
        ):
            continue
        case.received_at = now
        _record(rr, case, "receive", "staff", actor)
        promised = promised_by(case)
    return promised


# -- diagnosing -----------------------------------------------------------------------------


def diagnose(
    rr: ReturnRequest,
    case: RepairCase,
    *,
    covered: bool,
    note: str,
    quote: int | None = None,
    actor: str = "",
) -> RepairCase:
    """Fault found: covered (we repair it) or not (a quote in minor units). The note is the
    customer's to read. The item counts as inspected for its return."""
    lock_return(rr)
    _refuse(case, "diagnose_covered" if covered else "quote")
    note = _note(note)
    if not covered and (quote is None or not 0 < quote <= MAX_QUOTE):
        raise ValidationFailed({"quote": _("Enter the price of the repair (more than zero).")})
    case.covered, case.diagnosis_note = covered, note
    case.quote_amount = None if covered else quote
    case.diagnosed_at = utcnow()
    _record(rr, case, "diagnose_covered" if covered else "quote", "staff", actor,
            note=note, amount=case.quote_amount)  # fmt: skip
    _inspect_item(rr, case.item, actor)
    notify(rr, "repair_diagnosis", **_facts(rr, case))
    db.session.flush()
    return case


def find_no_fault(rr: ReturnRequest, case: RepairCase, *, note: str, actor: str = "") -> RepairCase:
    """Tested, no fault found: the item works. It goes back at no cost (no quote, no charge);
    the note (what was tested) is the customer's to read."""
    lock_return(rr)
    _refuse(case, "find_no_fault")
    note = _note(note)
    case.covered, case.diagnosis_note, case.quote_amount = None, note, None
    case.diagnosed_at = utcnow()
    _record(rr, case, "find_no_fault", "staff", actor, note=note)
    _inspect_item(rr, case.item, actor)
    notify(rr, "repair_diagnosis", **_facts(rr, case))
    db.session.flush()
    return case


def _note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationFailed({"note": _("Describe the fault for the customer.")})
    if len(note) > MAX_NOTE:
        raise ValidationFailed({"note": _("Please keep notes under %(n)d characters.", n=MAX_NOTE)})
    return note


def _inspect_item(rr: ReturnRequest, item: ReturnItem, actor: str) -> None:
    """The return's own machines: the item is accepted for repair (graded C, defective);
    the return is inspected once every received item is."""
    if lifecycle.graded(item):
        return
    item.grade, item.outcome, item.outcome_amount = "C", REPAIR, None
    audit.transition(item, "accept", actor_type="staff")
    if not lifecycle.can(rr, "grade"):
        return
    details = {"items": [{"sku": item.order_line.variant.sku, "grade": "C", "outcome": REPAIR}]}
    if all(lifecycle.graded(i) for i in rr.items if i.received_quantity > 0):
        for other in rr.items:
            if other.received_quantity == 0 and lifecycle.can(other, "give_up", "staff"):
                audit.transition(other, "give_up", actor_type="staff")
                stock.release(other)
        audit.transition(rr, "inspect", actor_type="staff", actor=actor, **details)
    else:
        audit.transition(rr, "grade", actor_type="staff", actor=actor, **details)


def answer_quote(rr: ReturnRequest, case: RepairCase, *, accept: bool) -> RepairCase:
    """The customer's one click on the quote page."""
    lock_return(rr)
    event = "accept_quote" if accept else "decline_quote"
    if not lifecycle.can(case, event, "customer", lifecycle.REPAIR):
        if case.answered_at is not None:
            raise InvalidTransition(_("You have already answered this quote."))
        raise InvalidTransition(_("This quote can no longer be answered."))
    case.answered_at = utcnow()
    _record(rr, case, event, "customer", rr.contact_email, amount=case.quote_amount)
    notify(rr, "repair_quote_answer", accepted=accept, **_facts(rr, case))
    db.session.flush()
    return case


# -- finishing --------------------------------------------------------------------------------


def _tracking(code: str) -> str:
    code = (code or "").strip()
    if not _TRACKING.match(code):
        raise ValidationFailed(
            {"tracking": _("Enter the tracking number of the parcel (letters, digits, dashes).")}
        )
    return code


def _finish(rr: ReturnRequest, case: RepairCase, actor: str) -> None:
    """The item is settled for its return; the return resolves once nothing is open."""
    from portal.services.resolution import finish_if_resolved

    case.finished_at = utcnow()
    item = case.item
    if lifecycle.can(item, "settle", "staff"):
        audit.transition(item, "settle", actor_type="staff")
        item.resolved_at = case.finished_at
    finish_if_resolved(rr, actor_type="staff", actor=actor)


def ship_repaired(rr: ReturnRequest, case: RepairCase, tracking: str, actor: str = "") -> None:
    lock_return(rr)
    _refuse(case, "ship_repaired")
    case.tracking_code = _tracking(tracking)
    _record(rr, case, "ship_repaired", "staff", actor, tracking_code=case.tracking_code)
    _finish(rr, case, actor)
    notify(rr, "repair_shipped", **_facts(rr, case))
    db.session.flush()


def send_back(rr: ReturnRequest, case: RepairCase, tracking: str, actor: str = "") -> None:
    """Ship back an item the customer declined to pay a repair for, or one with no fault."""
    lock_return(rr)
    event = "send_back_working" if lifecycle.repair_at(case, lifecycle.NO_FAULT) else "send_back"
    _refuse(case, event)
    case.tracking_code = _tracking(tracking)
    _record(rr, case, event, "staff", actor, tracking_code=case.tracking_code)
    _finish(rr, case, actor)
    notify(rr, "repair_unrepaired", **_facts(rr, case))
    db.session.flush()


def replacement_options(case: RepairCase) -> list[Variant]:
    """The same item or an equivalent one (same product, same price) with stock now."""
    variant = case.item.order_line.variant
    return [
        v
        for v in variant.product.variants
        if v.price == variant.price and v.currency == variant.currency and v.available > 0
    ]


def replace(
    rr: ReturnRequest, case: RepairCase, variant_id: int, tracking: str, actor: str = ""
) -> None:
    """Ship the same or an equivalent item instead; the unit is taken from stock atomically
    (the last unit goes to one customer)."""
    lock_return(rr)
    _refuse(case, "replace")
    code = _tracking(tracking)
    variant = db.session.get(Variant, variant_id)
    own = case.item.order_line.variant
    if variant is None or variant.product_id != own.product_id or variant.price != own.price:
        raise ValidationFailed({"variant": _("Choose the same item or an equivalent one.")})
    units = units_of(case)
    stock.reserve(variant, units)  # OutOfStock when the last unit went elsewhere
    db.session.execute(
        Variant.__table__.update()
        .where(Variant.id == variant.id)
        .values(
            stock_reserved=Variant.stock_reserved - units,
            stock_on_hand=Variant.stock_on_hand - units,
        )
    )
    db.session.refresh(variant)
    case.replacement_variant, case.tracking_code = variant, code
    _record(rr, case, "replace", "staff", actor, tracking_code=code, replacement=variant.sku)
    _finish(rr, case, actor)
    notify(rr, "repair_replaced", **_facts(rr, case))
    db.session.flush()


def refund(rr: ReturnRequest, case: RepairCase, actor: str = "") -> None:
    """Neither a repair nor a replacement is possible: what was paid for the item comes back
    through the usual refund (its e-mails say when it is approved and when it is sent)."""
    from sqlalchemy.exc import IntegrityError

    from portal.models import Refund
    from portal.services import payments
    from portal.services.errors import AlreadyDone
    from portal.services.policy import current_policy
    from portal.services.resolve import check_line_ceiling

    lock_return(rr)
    _refuse(case, "refund")
    item = case.item
    amount = refund_amount(case)
    check_line_ceiling(rr, item, amount)  # never more than was paid for the line, all returns
    policy = current_policy()
    gift_credit = rr.is_gift and not policy.gift_refund_to_buyer
    refund_row = Refund(
        return_item_id=item.id,
        return_id=rr.id,
        amount=amount,
        currency=rr.order.currency,
        method="store_credit" if gift_credit else "original_payment",
    )
    audit.transition(refund_row, payments.first_event(refund_row), actor_type="staff")
    try:  # UNIQUE(return_item_id): the item refunded by another path meanwhile
        with db.session.begin_nested():
            db.session.add(refund_row)
    except IntegrityError as exc:
        raise AlreadyDone(_("%(item)s has already been refunded.", item=_name(case))) from exc
    case.refund_id = refund_row.id
    _record(rr, case, "refund", "staff", actor, amount=amount, currency=refund_row.currency)
    item.outcome, item.outcome_amount = ("store_credit" if gift_credit else "refund"), amount
    case.finished_at = utcnow()
    credit = payments.settle(refund_row, rr, policy)
    if lifecycle.money_left(refund_row):
        audit.transition(item, "settle", actor_type="staff")
        item.resolved_at = utcnow()
    else:  # settled when the money leaves (portal/services/resolution.py)
        audit.transition(item, "await_refund", actor_type="staff")
    payments.announce(rr, refund_row, credit=credit)
    from portal.services.resolution import finish_if_resolved

    finish_if_resolved(rr, actor_type="staff", actor=actor)
    db.session.flush()


# -- what the e-mails say -------------------------------------------------------------------


def _facts(rr: ReturnRequest, case: RepairCase) -> dict:
    from portal.services.repair_links import quote_url

    return {
        "item_name": _name(case),
        "covered": bool(case.covered),
        "no_fault": lifecycle.repair_is(case, "repair_no_fault"),
        "note": case.diagnosis_note,
        "quote": case.quote_amount,
        "quote_url": quote_url(rr, case) if lifecycle.repair_at(case, lifecycle.QUOTED) else "",
        "tracking": case.tracking_code or "",
        "replacement": case.replacement_variant.display_name if case.replacement_variant else "",
        "repair_by": promised_by(case),
    }

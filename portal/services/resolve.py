"""Support verbs: refund, ship an exchange, send a rejected item back, goodwill.

When every received item is resolved, the return moves on to `refunded`,
`exchanged` or `rejected` (`finish_if_resolved`); an item refunded to the original payment
is resolved when its refund is sent (portal/services/resolution.py). Each verb locks the return,
checks its guard on fresh data, writes the audit event and queues the e-mail in the
caller's transaction, and flushes; the route commits once.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from portal import lifecycle
from portal.carriers.local import new_tracking_code
from portal.extensions import db
from portal.i18n import money
from portal.models import AuditEvent, Refund, ReturnItem, ReturnRequest, StoreCredit, Variant
from portal.models.base import utcnow
from portal.notifications import notify
from portal.services import audit, credits, payments, stock
from portal.services.errors import AlreadyDone, InvalidTransition, OutOfStock, ValidationFailed
from portal.services.locks import lock_order, lock_return
from portal.services.policy import current_policy
from portal.services.resolution import REFUND_OUTCOMES, finish_if_resolved
from portal.shops import platform_stock

MAX_NOTE = 500


def _check_item(rr: ReturnRequest, item: ReturnItem) -> None:
    if item.return_id != rr.id:
        raise ValidationFailed({"item": _("This item is not part of return %(rma)s.", rma=rr.rma)})


def check_line_ceiling(rr: ReturnRequest, item: ReturnItem, amount: int) -> None:
    """Never more than was paid for the order line, across all of its returns (a unit
    released by an expired return can be returned again, and both parcels may arrive).
    Read after the order's row lock, so refunds of two returns of one line queue up."""
    lock_order(rr.order_id)
    line = item.order_line
    paid = line.unit_price * line.quantity
    done = db.session.scalar(
        select(func.coalesce(func.sum(Refund.amount), 0))
        .join(ReturnItem, Refund.return_item_id == ReturnItem.id)
        .where(ReturnItem.order_line_id == line.id)
    )
    if done + amount > paid:
        raise InvalidTransition(
            _(
                "%(item)s: this refund would exceed what was paid for it "
                "(already refunded %(done)s of %(paid)s).",
                item=item.display_name,
                done=money(done, rr.order.currency),
                paid=money(paid, rr.order.currency),
            )
        )


class LineAlreadyReplaced(InvalidTransition):
    """Every unit of the order line already has its replacement (in another return)."""


def replacements_shipped(order_line_id: int) -> int:
    """Units of the order line already replaced, across all of its returns: the quantity
    each shipped exchange recorded (an early exchange ships the whole item, a late one
    the units received)."""
    shipped = dict(
        db.session.execute(
            select(ReturnItem.exchange_tracking_code, ReturnItem.return_id).where(
                ReturnItem.order_line_id == order_line_id,
                ReturnItem.exchange_tracking_code.is_not(None),
            )
        ).all()
    )
    if not shipped:
        return 0
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.return_id.in_(set(shipped.values())),
            AuditEvent.action == lifecycle.RETURN.event("ship_exchange").action,
        )
    )
    return sum(
        int(e.details.get("quantity") or 0)
        for e in events
        if e.details.get("tracking_code") in shipped
    )


def _check_line_replacements(rr: ReturnRequest, item: ReturnItem, quantity: int) -> None:
    """Never more replacements than units bought for the order line, across all of its
    returns (two returns of one unit: the first expired and its parcel came anyway, or
    both were made at once). Read after the order's row lock, so exchanges of two
    returns of one line queue up and the second sees the first's shipment."""
    lock_order(rr.order_id)
    line = item.order_line
    done = replacements_shipped(line.id)
    if done + quantity > line.quantity:
        raise LineAlreadyReplaced(
            _(
                "%(item)s: a replacement has already been shipped for every unit bought "
                "(%(done)d of %(bought)d), in another return of this order. No second "
                "replacement is sent.",
                item=item.display_name,
                done=done,
                bought=line.quantity,
            )
        )


def issue_refund(
    rr: ReturnRequest, item: ReturnItem, actor: str = "", *, actor_type: str = "staff"
) -> Refund:
    """Refund one inspected item, exactly once.

    Guards, in order: the return's row lock (two staff members or a double click wait
    for each other), then "no refund exists for this item" read after the lock, then
    the database's UNIQUE(return_item_id) inside a savepoint as the last guard. The
    amount is the diagnosed one, never more than what was paid for the item. Raises
    InvalidTransition before inspection, AlreadyDone the second time. `actor_type` is
    "system" when the keep-it policy refunds a kept item (portal/services/kept_returns.py).
    """
    lock_return(rr)
    _check_item(rr, item)
    if not lifecycle.graded(item):
        raise InvalidTransition(
            _(
                "%(item)s cannot be refunded yet: it must be received and inspected first.",
                item=item.display_name,
            )
        )
    if item.outcome not in REFUND_OUTCOMES:
        raise InvalidTransition(
            _(
                "%(item)s is not to be refunded: the outcome of its inspection is %(outcome)s.",
                item=item.display_name,
                outcome=item.outcome,
            )
        )
    if db.session.scalar(select(Refund.id).where(Refund.return_item_id == item.id)):
        raise AlreadyDone(_("%(item)s has already been refunded.", item=item.display_name))
    amount = min(item.outcome_amount or 0, item.amount_paid)
    already = db.session.scalar(
        select(func.coalesce(func.sum(Refund.amount), 0)).where(Refund.return_id == rr.id)
    )
    paid = sum(i.amount_paid for i in rr.items if i.received_quantity > 0)
    if already + amount > paid:
        raise InvalidTransition(_("This refund would exceed what was paid for the returned items."))
    check_line_ceiling(rr, item, amount)
    refund = Refund(
        return_item_id=item.id,
        return_id=rr.id,
        amount=amount,
        currency=rr.order.currency,
        method="store_credit" if item.outcome == "store_credit" else "original_payment",
    )
    audit.transition(refund, payments.first_event(refund), actor_type=actor_type)
    try:
        with db.session.begin_nested():
            db.session.add(refund)
    except IntegrityError as exc:
        raise AlreadyDone(_("%(item)s has already been refunded.", item=item.display_name)) from exc
    policy = current_policy()
    credit = payments.settle(refund, rr, policy)
    if lifecycle.money_left(refund):  # store credit, or nothing to pay: settled now
        audit.transition(item, "settle", actor_type=actor_type)
        item.resolved_at = utcnow()
    else:  # settled when the money leaves (portal/services/resolution.py)
        audit.transition(item, "await_refund", actor_type=actor_type)
    audit.transition(
        rr,
        "refund_item",
        actor_type=actor_type,
        actor=actor,
        sku=item.order_line.variant.sku,
        amount=amount,
        currency=refund.currency,
        method=refund.method,
        status=refund.status,
    )
    payments.announce(rr, refund, credit=credit)
    finish_if_resolved(rr, actor_type=actor_type, actor=actor)
    db.session.flush()
    return refund


def _ship_from_available(variant: Variant, quantity: int) -> None:
    """Take `quantity` unreserved units off the shelf, or raise OutOfStock."""
    result = db.session.execute(
        update(Variant)
        .where(Variant.id == variant.id, Variant.stock_on_hand - Variant.stock_reserved >= quantity)
        .values(stock_on_hand=Variant.stock_on_hand - quantity)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise OutOfStock("", variant.sku)
    db.session.refresh(variant)


def ship_exchange(
    rr: ReturnRequest, item: ReturnItem, *, actor_type: str, actor: str = "", early: bool = False
) -> str:
    """Ship the replacement for an exchange item; returns its tracking number.

    Normally after inspection (outcome "exchange"); `early=True` ships as soon as the
    carrier picked the parcel up (instant-exchange policy). The reservation becomes a
    shipment (reserved and on hand both drop). A released reservation (an expired
    return) is taken again first; if the stock is gone, OutOfStock says so. Only the
    units received are replaced after a partial receipt.
    """
    lock_return(rr)
    _check_item(rr, item)
    if item.resolution != "exchange" or item.exchange_variant is None:
        raise InvalidTransition(_("%(item)s is not an exchange.", item=item.display_name))
    if item.exchange_tracking_code or platform_stock.replacement_of(item):
        raise AlreadyDone(
            _("The exchange for %(item)s has already been shipped.", item=item.display_name)
        )
    if early:
        if not lifecycle.can(rr, "ship_exchange_early"):
            raise InvalidTransition(_("An early exchange ships only while the parcel travels."))
        quantity = item.quantity
    else:
        if not lifecycle.graded(item):
            raise InvalidTransition(
                _(
                    "The exchange for %(item)s cannot ship yet: the item must be received and "
                    "inspected first.",
                    item=item.display_name,
                )
            )
        if item.outcome != "exchange":
            raise InvalidTransition(
                _(
                    "%(item)s was rejected at inspection: no exchange is sent.",
                    item=item.display_name,
                )
            )
        quantity = item.received_quantity
    _check_line_replacements(rr, item, quantity)
    variant = item.exchange_variant
    try:
        if quantity == item.quantity:
            if not item.stock_reserved:
                stock.reserve(variant, quantity)
                item.stock_reserved = True
            stock.ship_reserved(item)
        else:
            stock.release(item)
            _ship_from_available(variant, quantity)
    except OutOfStock as exc:
        raise OutOfStock(
            _(
                "%(variant)s is out of stock: the exchange cannot be shipped. Offer the customer "
                "a refund or store credit instead.",
                variant=f"{variant.sku}",
            ),
            exc.sku,
        ) from exc
    # a platform order's replacement is an order in the platform; its tracking number
    # (and the customer's e-mail) comes with its fulfilment (portal/shops/replacements.py)
    ordered = platform_stock.replace(rr, item, variant, quantity, actor_type=actor_type)
    code = None if ordered else new_tracking_code()
    item.exchange_tracking_code = code
    if not early:
        audit.transition(item, "settle", actor_type=actor_type)
        item.resolved_at = utcnow()
    audit.transition(
        rr,
        "ship_exchange_early" if early else "ship_exchange",
        actor_type=actor_type,
        actor=actor,
        sku=variant.sku,
        quantity=quantity,
        tracking_code=code,
        early=early,
    )
    if code:
        notify(
            rr,
            "exchange_shipped",
            name=item.display_name,
            variant_name=variant.display_name,
            quantity=quantity,
            tracking_code=code,
        )
    finish_if_resolved(rr, actor_type=actor_type, actor=actor)
    db.session.flush()
    return code or ""


def reject_item(rr: ReturnRequest, item: ReturnItem, actor: str = "") -> str:
    """Send an item rejected at inspection back to the customer; returns the tracking number.

    The customer already has the reason (the diagnosis e-mail). Nothing is refunded.
    """
    lock_return(rr)
    _check_item(rr, item)
    if not lifecycle.rejected(item):
        raise InvalidTransition(
            _(
                "%(item)s was not rejected at inspection: it cannot be sent back.",
                item=item.display_name,
            )
        )
    if lifecycle.settled(item):
        raise AlreadyDone(_("%(item)s has already been sent back.", item=item.display_name))
    code = new_tracking_code()
    audit.transition(item, "send_back", actor_type="staff")
    item.resolved_at = utcnow()
    audit.transition(
        rr,
        "send_back",
        actor_type="staff",
        actor=actor,
        sku=item.order_line.variant.sku,
        reason=item.rejection_reason,
        tracking_code=code,
    )
    finish_if_resolved(rr, actor_type="staff", actor=actor)
    db.session.flush()
    return code


def mark_refund_paid(refund: Refund, actor: str = "") -> Refund:
    """The shop paid this refund back by hand: approved (or failed) → sent, once, e-mailed."""
    locked = db.session.scalar(
        select(Refund)
        .where(Refund.id == refund.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if not lifecycle.can(locked, "mark_paid"):
        raise AlreadyDone(_("This refund is already marked as paid."))
    if locked.method != "original_payment":
        raise InvalidTransition(_("Only refunds to the original payment are paid by the shop."))
    payments.paid_by_hand(locked, actor)
    db.session.flush()
    return locked


def goodwill_gesture(
    rr: ReturnRequest,
    amount: int,
    note: str,
    actor: str = "",
    *,
    actor_type: str = "staff",
    announce: bool = True,
    **details,
) -> StoreCredit:
    """A store credit for when something went wrong on our side; audited and e-mailed.

    At most the order's total; the note (required) is part of the e-mail. With
    `announce=False` the caller's own e-mail states the credit (the late-notice apology,
    actor_type "system").
    """
    note = (note or "").strip()
    order_total = sum(line.unit_price * line.quantity for line in rr.order.lines)
    errors = {}
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = _("Enter an amount greater than zero.")
    elif amount > order_total:
        errors["amount"] = _("A gesture cannot be more than the order's total.")
    if not note:
        errors["note"] = _("Write a short message to the customer.")
    elif len(note) > MAX_NOTE:
        errors["note"] = _("Please keep the message under %(n)d characters.", n=MAX_NOTE)
    if errors:
        raise ValidationFailed(errors)
    credit = credits.issue_credit(
        amount=amount,
        currency=rr.order.currency,
        owner_name=rr.contact_name,
        owner_email=rr.contact_email,
        kind="goodwill",
        return_id=rr.id,
        note=note,
    )
    audit.transition(
        rr,
        "goodwill",
        actor_type=actor_type,
        actor=actor,
        amount=amount,
        currency=credit.currency,
        note=note,
        **details,
    )
    if announce:
        notify(rr, "goodwill", credit=credit, note=note)
    db.session.flush()
    return credit

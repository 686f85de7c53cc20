"""What must hold in the database at any moment, whatever happened before.

`violations()` reads the committed state through a fresh query and returns one line
per broken rule; `assert_invariants()` fails the test with them. The campaign checks
these after every round, every fault and every step of the stateful model.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal import lifecycle
from portal.extensions import db
from portal.models import (
    AuditEvent,
    OrderLine,
    OutboxMessage,
    Refund,
    ReturnItem,
    ReturnRequest,
    Variant,
)

# audit action -> the e-mail it sends, exactly one each
MAIL_FOR_EVENT = {
    "label_issued": "confirmation",
    "label_reissued": "confirmation",
    "carrier_scan": "in_transit",
    "parcel_received": "received",
    "items_inspected": "diagnosis",
    # the money's own e-mails (portal.payments): approved, sent, failed, or store credit
    "refund_approved": "refund_approved",
    "refund_retried": "refund_approved",
    "refund_sent": "refund_sent",
    "refund_failed": "refund_failed",
    "store_credit_issued": "store_credit",
    "exchange_shipped": "exchange_shipped",
    "return_cancelled": "cancelled",
    "return_expired": "expired",
    "goodwill_gesture": "goodwill",
}


def refunds_per_line() -> dict[int, int]:
    rows = db.session.execute(
        select(ReturnItem.order_line_id, func.sum(Refund.amount))
        .join(Refund, Refund.return_item_id == ReturnItem.id)
        .group_by(ReturnItem.order_line_id)
    ).all()
    return {line_id: int(total) for line_id, total in rows}


def replacements_per_line() -> dict[int, int]:
    """Units replaced per order line: the quantity of each `exchange_shipped` event, put
    on the line of the item whose tracking number it names."""
    line_of = dict(
        db.session.execute(
            select(ReturnItem.exchange_tracking_code, ReturnItem.order_line_id).where(
                ReturnItem.exchange_tracking_code.isnot(None)
            )
        ).all()
    )
    units: Counter[int] = Counter()
    for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "exchange_shipped")
    ):
        units[line_of[event.details["tracking_code"]]] += event.details["quantity"]
    return dict(units)


def _actor_allowed(event: AuditEvent) -> bool:
    """Whether the table lets `event.actor_type` take this step (portal.lifecycle.RETURN)."""
    return any(
        step.action == event.action
        and event.from_status in step.sources
        and event.actor_type in step.actors
        for step in lifecycle.RETURN.events.values()
    )


def violations() -> list[str]:
    db.session.expire_all()
    found: list[str] = []
    lines = {line.id: line for line in db.session.scalars(select(OrderLine))}

    # refunds never more than was paid for the order line, across all its returns
    for line_id, total in refunds_per_line().items():
        paid = lines[line_id].unit_price * lines[line_id].quantity
        if total > paid:
            found.append(f"order line {line_id}: refunded {total} > paid {paid}")

    # never more replacements shipped than units bought, across all the line's returns
    for line_id, units in replacements_per_line().items():
        if units > lines[line_id].quantity:
            found.append(
                f"order line {line_id}: {units} replacements > {lines[line_id].quantity} bought"
            )

    # at most one refund per item
    for item_id, n in db.session.execute(
        select(Refund.return_item_id, func.count()).group_by(Refund.return_item_id)
    ).all():
        if n > 1:
            found.append(f"return item {item_id}: {n} refunds")

    # no more units in live returns than were bought (a return received after its
    # expiry released the unit is a parcel that came anyway: the refund ceiling holds it)
    came_back = select(AuditEvent.return_id).where(AuditEvent.action == "return_expired")
    held = db.session.execute(
        select(ReturnItem.order_line_id, func.sum(ReturnItem.quantity))
        .join(ReturnRequest)
        .where(
            ReturnRequest.status.not_in(lifecycle.GROUPS["ended_unsent"]),
            ReturnRequest.id.not_in(came_back),
        )
        .group_by(ReturnItem.order_line_id)
    ).all()
    for line_id, units in held:
        if units > lines[line_id].quantity:
            found.append(f"order line {line_id}: {units} units in live returns > bought")

    # 0 <= reserved <= on hand, and reserved is exactly what exchange items hold
    promised = Counter()
    for item in db.session.scalars(select(ReturnItem).where(ReturnItem.stock_reserved)):
        promised[item.exchange_variant_id] += item.quantity
    for v in db.session.scalars(select(Variant)):
        if not 0 <= v.stock_reserved <= v.stock_on_hand:
            found.append(f"{v.sku}: reserved {v.stock_reserved}, on hand {v.stock_on_hand}")
        if v.stock_reserved != promised[v.id]:
            found.append(f"{v.sku}: reserved {v.stock_reserved} but items hold {promised[v.id]}")

    # each return whole: items, its creation event, only legal steps of the lifecycle
    # table (portal.lifecycle) by actors it allows, chaining from one status to the next
    events: dict[int, list[AuditEvent]] = {}
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        events.setdefault(event.return_id, []).append(event)
    mails = Counter(
        (row.return_id, row.kind)
        for row in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.return_id.isnot(None))
        )
    )
    # items in one query (the check runs after every round, over every return so far)
    for rr in db.session.scalars(select(ReturnRequest).options(selectinload(ReturnRequest.items))):
        trail = events.get(rr.id, [])
        if not rr.items:
            found.append(f"{rr.rma}: no items")
        if not trail or trail[0].action != "return_requested":
            found.append(f"{rr.rma}: no return_requested event first")
        status = "requested"
        for event in trail:
            if event.from_status is None and event.to_status is None:
                continue  # not a step (label_failed, refund_paid …)
            if not lifecycle.legal_step(event.action, event.from_status, event.to_status):
                found.append(
                    f"{rr.rma}: illegal step {event.action} "
                    f"{event.from_status} -> {event.to_status}"
                )
            if not _actor_allowed(event):
                found.append(f"{rr.rma}: {event.action} by {event.actor_type} is not allowed")
            if event.from_status is None or event.to_status == event.from_status:
                continue
            if event.from_status != status:
                found.append(
                    f"{rr.rma}: {event.action} from {event.from_status} but it was {status}"
                )
            status = event.to_status
        if status != rr.status:
            found.append(f"{rr.rma}: trail ends at {status}, return is {rr.status}")
        if rr.status == "label_issued" and rr.current_label is None:
            found.append(f"{rr.rma}: label_issued without a live label")
        expected = Counter(MAIL_FOR_EVENT[e.action] for e in trail if e.action in MAIL_FOR_EVENT)
        for kind in set(expected) | {k for (rid, k) in mails if rid == rr.id}:
            if kind == "label_pending":
                if mails[(rr.id, kind)] > 1:
                    found.append(f"{rr.rma}: {mails[(rr.id, kind)]} label_pending e-mails")
                continue
            if mails[(rr.id, kind)] != expected[kind]:
                found.append(
                    f"{rr.rma}: {mails[(rr.id, kind)]} {kind} e-mails for {expected[kind]} events"
                )
    return found


def assert_invariants() -> None:
    broken = violations()
    assert not broken, "\n".join(broken)

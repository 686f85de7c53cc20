"""The return's own machines: the RMA, an item's reception and acceptance, a refund."""

from __future__ import annotations

from portal.lifecycle.core import (
    API,
    CARRIER,
    CUSTOMER,
    NEW,
    STAFF,
    SYSTEM,
    Event,
    Machine,
    governs,
    state,
)
from portal.lifecycle.core import (
    machine as _machine,
)

# -- the return ---------------------------------------------------------------------------
REQUESTED, LABEL_ISSUED, IN_TRANSIT = "requested", "label_issued", "in_transit"
RECEIVED, INSPECTED = "received", "inspected"
REFUNDED, EXCHANGED, REJECTED = "refunded", "exchanged", "rejected"
REPAIRED = "repaired"  # a repair under warranty ended with a working item (docs/repairs.md)
CANCELLED, EXPIRED = "cancelled", "expired"

_BEFORE_DROPOFF = (REQUESTED, LABEL_ISSUED)
_RECEIVABLE = (REQUESTED, LABEL_ISSUED, IN_TRANSIT, EXPIRED)
_HAS_ITEMS_IN_HAND = (RECEIVED, INSPECTED)
_ALL = (
    REQUESTED,
    LABEL_ISSUED,
    IN_TRANSIT,
    RECEIVED,
    INSPECTED,
    REFUNDED,
    EXCHANGED,
    REJECTED,
    CANCELLED,
    EXPIRED,
    REPAIRED,
)
_WORKERS = frozenset({STAFF})
_PEOPLE = frozenset({CUSTOMER, STAFF})
_ISSUERS = frozenset({CUSTOMER, STAFF, SYSTEM, API})

RETURN = _machine(
    "return",
    "status",
    _ALL,
    Event("request", (NEW,), REQUESTED, frozenset({CUSTOMER}), "return_requested",
          "The customer confirms the items, the resolution and the drop-off point."),
    Event("keep", (NEW,), INSPECTED, frozenset({CUSTOMER, STAFF, SYSTEM}), "return_kept",
          "Keep it: the policy (or support, for a claim) lets the customer keep the items; "
          "nothing is shipped, no label, the refund or credit follows at once."),
    Event("issue_label", (REQUESTED,), LABEL_ISSUED, _ISSUERS, "label_issued",
          "The carrier sold us the first label (at once, or by the retry worker)."),
    Event("reissue_label", _BEFORE_DROPOFF, None, _ISSUERS, "label_reissued",
          "A new label replaces the current one (another point, a lost label)."),
    Event("change_relay", _BEFORE_DROPOFF, None, _PEOPLE, "relay_point_changed",
          "Another drop-off point, before the parcel is sent."),
    Event("unblock_label", (REQUESTED,), None, frozenset({STAFF, SYSTEM}), "label_unblocked",
          "Staff fixed what made the carrier refuse: the label is tried again."),
    Event("carrier_scan", (LABEL_ISSUED,), IN_TRANSIT, frozenset({CARRIER, SYSTEM}),
          "carrier_scan", "The carrier's first scan: the parcel travels."),
    Event("carrier_delivered", (IN_TRANSIT,), None, frozenset({CARRIER, SYSTEM}),
          "arriving_at_warehouse", "The carrier says it delivered the parcel to us."),
    Event("receive", _RECEIVABLE, RECEIVED, _WORKERS, "parcel_received",
          "The warehouse opens the parcel (also before a scan, or after the label expired)."),
    Event("receive_more", (RECEIVED,), None, _WORKERS, "parcel_received",
          "A second parcel of the same return."),
    Event("grade", (RECEIVED,), None, _WORKERS, "items_graded",
          "Some received items are graded; others still wait."),
    Event("inspect", (RECEIVED,), INSPECTED, _WORKERS, "items_inspected",
          "Every received item is graded."),
    Event("refund_item", _HAS_ITEMS_IN_HAND, None, frozenset({STAFF, SYSTEM}), "refund_issued",
          "Support (or the keep-it policy) refunds one inspected or kept item (original "
          "payment or store credit)."),
    Event("ship_exchange", _HAS_ITEMS_IN_HAND, None, frozenset({STAFF, SYSTEM}),
          "exchange_shipped", "The replacement of an inspected item leaves the warehouse."),
    Event("ship_exchange_early", (LABEL_ISSUED, IN_TRANSIT), None, frozenset({STAFF, SYSTEM}),
          "exchange_shipped", "Instant exchange: the replacement ships at the first scan."),
    Event("send_back", _HAS_ITEMS_IN_HAND, None, _WORKERS, "item_sent_back",
          "An item rejected at inspection goes back to the customer."),
    Event("resolve_refunded", (INSPECTED,), REFUNDED, frozenset({STAFF, SYSTEM}),
          "return_resolved", "Every received item is settled, at least one with money back."),
    Event("resolve_exchanged", (INSPECTED,), EXCHANGED, frozenset({STAFF, SYSTEM}),
          "return_resolved", "Every received item is settled, exchanges only."),
    Event("resolve_repaired", (INSPECTED,), REPAIRED, frozenset({STAFF, SYSTEM}),
          "return_resolved", "Every received item is settled: repaired or replaced under "
          "warranty, no money back, no exchange."),
    Event("resolve_rejected", (INSPECTED,), REJECTED, frozenset({STAFF, SYSTEM}),
          "return_resolved", "Every received item was rejected and sent back (a repair: "
          "sent back unrepaired, or with no fault found)."),
    Event("reopen_refund", (REFUNDED,), INSPECTED, frozenset({SYSTEM}), "refund_reopened",
          "The provider reported that a sent refund failed: the return is open again."),
    Event("cancel", _BEFORE_DROPOFF, CANCELLED, _PEOPLE, "return_cancelled",
          "Before drop-off; releases reserved stock and voids the label."),
    Event("expire", (LABEL_ISSUED,), EXPIRED, frozenset({SYSTEM}), "return_expired",
          "The label ran out unused; releases reserved stock."),
    Event("goodwill", _ALL, None, frozenset({STAFF, SYSTEM}), "goodwill_gesture",
          "A store credit for something that went wrong on our side (by staff, or by "
          "policy when we are late: LATE_GOODWILL)."),
)  # fmt: skip

# -- an item's reception --------------------------------------------------------------------
AWAITING, PARTLY_RECEIVED, ALL_RECEIVED, NOT_RECEIVED, KEPT_ITEM = (
    "awaiting",
    "partly_received",
    "received",
    "not_received",
    "kept",
)
RECEPTION = _machine(
    "item reception",
    "reception_status",
    (AWAITING, PARTLY_RECEIVED, ALL_RECEIVED, NOT_RECEIVED, KEPT_ITEM),
    Event("receive_part", (AWAITING, PARTLY_RECEIVED), PARTLY_RECEIVED, _WORKERS, "",
          "Some of the item's units were in the parcel."),
    Event("receive_all", (AWAITING, PARTLY_RECEIVED), ALL_RECEIVED, _WORKERS, "",
          "All the units asked to return are in."),
    Event("give_up", (AWAITING,), NOT_RECEIVED, _WORKERS, "",
          "The return was inspected without this item: its reservation is released."),
    Event("keep_item", (AWAITING,), KEPT_ITEM, frozenset({CUSTOMER, STAFF, SYSTEM}), "",
          "Keep it: the customer keeps the item; it is never shipped back."),
)  # fmt: skip

# -- an item's acceptance --------------------------------------------------------------------
PENDING, ACCEPTED, ITEM_REJECTED, SETTLED, SENT_BACK, REFUNDING = (
    "pending",
    "accepted",
    "rejected",
    "settled",
    "sent_back",
    "refunding",
)
ACCEPTANCE = _machine(
    "item acceptance",
    "acceptance_status",
    (PENDING, ACCEPTED, ITEM_REJECTED, SETTLED, SENT_BACK, REFUNDING),
    Event("accept", (PENDING,), ACCEPTED, _WORKERS, "",
          "Graded A, B or C and accepted: refund, credit or exchange follows."),
    Event("reject", (PENDING,), ITEM_REJECTED, _WORKERS, "",
          "Graded with a reason to refuse it: it will be sent back."),
    Event("accept_kept", (PENDING,), ACCEPTED, frozenset({CUSTOMER, STAFF, SYSTEM}), "",
          "Keep it: accepted without reception or inspection (refund or credit follows)."),
    Event("await_refund", (ACCEPTED,), REFUNDING, frozenset({STAFF, SYSTEM}), "",
          "Support refunded it to the original payment; the money has not left yet "
          "(the refund is approved, or failed and in the staff queue)."),
    Event("settle", (ACCEPTED, REFUNDING), SETTLED, frozenset({STAFF, SYSTEM}), "",
          "Its refund was sent, its store credit issued, or its replacement shipped."),
    Event("refund_bounced", (SETTLED,), REFUNDING, frozenset({SYSTEM}), "",
          "The provider reported that its sent refund failed: the item is open again."),
    Event("send_back", (ITEM_REJECTED,), SENT_BACK, _WORKERS, "",
          "Sent back to the customer."),
)  # fmt: skip

# -- a refund ---------------------------------------------------------------------------------
# approved: we owe it (the provider call may be waiting for a retry); sent: the provider (or
# the shop, by hand) accepted it; failed: refused, with the reason, in the staff queue.
# See docs/payments.md. The customer is told each, and never "refunded" before sent.
APPROVED, SENT, FAILED = "approved", "sent", "failed"
_PROVIDER = frozenset({SYSTEM})
REFUND = _machine(
    "refund",
    "status",
    (APPROVED, SENT, FAILED),
    Event("owe", (NEW,), APPROVED, frozenset({STAFF, SYSTEM}), "refund_approved",
          "A refund to the original payment (by support, or by the keep-it policy): sent "
          "to the provider after commit, or paid by the shop by hand (manual)."),
    Event("settle_at_once", (NEW,), SENT, frozenset({STAFF, SYSTEM}), "",
          "Store credit (issued at once) or nothing to pay."),
    Event("provider_accept", (APPROVED,), SENT, _PROVIDER, "refund_sent",
          "The payment provider accepted the refund (worker, webhook)."),
    Event("provider_refuse", (APPROVED,), FAILED, _PROVIDER, "refund_failed",
          "The payment provider refused it (expired card, payment too old, balance)."),
    Event("provider_fail_later", (SENT,), FAILED, _PROVIDER, "refund_failed",
          "The provider reported a failure after accepting it (webhook)."),
    Event("mark_paid", (APPROVED, FAILED), SENT, _WORKERS, "refund_sent",
          "The shop paid it back by hand (manual provider, or after a failure)."),
    Event("retry", (FAILED,), APPROVED, _WORKERS, "refund_retried",
          "Staff try the provider again (a new attempt, a new idempotency key)."),
    Event("credit_instead", (FAILED,), SENT, _WORKERS, "refund_replaced_by_credit",
          "Staff give store credit of the same amount instead."),
)  # fmt: skip

governs("ReturnRequest", RETURN)
governs("ReturnItem", RECEPTION, ACCEPTANCE)
governs("Refund", REFUND)

# Named groups of refund states.
REFUND_GROUPS: dict[str, tuple[str, ...]] = {
    "money_left": (SENT,),  # the provider (or the shop, by hand) sent it, or credit issued
    "owed": (APPROVED, FAILED),  # we still owe it: on its way to the provider, or failed
}

# Named groups of return states, for queues and pages.
GROUPS: dict[str, tuple[str, ...]] = {
    "before_dropoff": _BEFORE_DROPOFF,
    "awaiting_parcel": (LABEL_ISSUED, IN_TRANSIT),
    "to_diagnose": (RECEIVED,),
    "to_resolve": (INSPECTED,),
    "promise_running": _HAS_ITEMS_IN_HAND,  # the 2-working-day promise runs
    "resolved": (REFUNDED, EXCHANGED, REJECTED, REPAIRED),
    "ended_unsent": (CANCELLED, EXPIRED),
    "label_pending": (REQUESTED,),
}

# What the customer is told the return is at (one phase for each state).
PHASES: dict[str, str] = {
    REQUESTED: "preparing",
    LABEL_ISSUED: "ready",
    IN_TRANSIT: "travelling",
    RECEIVED: "checking",
    INSPECTED: "checking",
    REFUNDED: "done",
    EXCHANGED: "done",
    REJECTED: "done",
    REPAIRED: "done",
    CANCELLED: "cancelled",
    EXPIRED: "expired",
}


def states_where(event: str, machine: Machine = RETURN) -> tuple[str | None, ...]:
    """The states from which `event` may happen: for queries."""
    return machine.event(event).sources


def is_in(obj, group: str) -> bool:
    return state(obj) in GROUPS[group]


def phase(rr) -> str:
    return PHASES[rr.status]


def graded(item) -> bool:
    """Inspection decided about this item (accepted or rejected, settled or not)."""
    return item.acceptance_status != ACCEPTANCE.initial


def settled(item) -> bool:
    """Nothing is left to do for this item: refunded, credited, exchanged or sent back."""
    return item.acceptance_status in (SETTLED, SENT_BACK)


def awaiting_refund(item) -> bool:
    """Refunded by support to the original payment, but the money has not left yet."""
    return item.acceptance_status == REFUNDING


def to_resolve(item) -> bool:
    """Graded, and support still has to refund, credit, ship or send it back."""
    return graded(item) and not settled(item) and not awaiting_refund(item)


def money_left(refund) -> bool:
    """The refund's money has left: sent by the provider or by hand, or credited."""
    return refund.status in REFUND_GROUPS["money_left"]


def still_owed(refund) -> bool:
    return refund.status in REFUND_GROUPS["owed"]


def refund_in(refund, *states: str) -> bool:
    """Whether a refund is in one of `states` (the REFUND machine's)."""
    return refund.status in states


def kept(rr) -> bool:
    """A return the customer keeps (keep it): nothing was or will be shipped back."""
    return bool(rr.items) and all(i.reception_status == KEPT_ITEM for i in rr.items)


def item_kept(item) -> bool:
    return item.reception_status == KEPT_ITEM


def rejected(item) -> bool:
    return item.acceptance_status in (ITEM_REJECTED, SENT_BACK)


def legal_step(action: str, from_status: str | None, to_status: str | None) -> bool:
    """Whether an audit event of the return (`action`, from → to) is a step of RETURN."""
    for event in RETURN.events.values():
        if (
            event.action == action
            and from_status in event.sources
            and to_status == (event.target or from_status)
        ):
            return True
    return False

"""A repair under warranty: one case per returned item whose resolution is "repair".

The return itself (the RMA, its label and its parcel) follows `RETURN` as any return; the
case follows `REPAIR` from the parcel's receipt to the item's way back: repaired and
shipped, replaced by the same or an equivalent item, refunded when neither is possible, or
sent back unrepaired when the customer declined the quote for a fault not covered, or sent
back as it came when the test found no fault.
"""

from __future__ import annotations

from portal.lifecycle.core import CUSTOMER, NEW, STAFF, Event, governs, state
from portal.lifecycle.core import machine as _machine

AWAITING_PARCEL, REPAIR_RECEIVED = "awaiting_parcel", "received"
QUOTED, QUOTE_DECLINED, REPAIRING = "quoted", "quote_declined", "repairing"
REPAIRED_SHIPPED, REPLACED, REPAIR_REFUNDED, UNREPAIRED = (
    "repaired_shipped",
    "replaced",
    "refunded",
    "unrepaired",
)
NO_FAULT, NO_FAULT_SENT = "no_fault", "no_fault_sent"
_STAFF = frozenset({STAFF})
_CUSTOMER = frozenset({CUSTOMER})

REPAIR = _machine(
    "repair",
    "status",
    (AWAITING_PARCEL, REPAIR_RECEIVED, QUOTED, QUOTE_DECLINED, REPAIRING, REPAIRED_SHIPPED,
     REPLACED, REPAIR_REFUNDED, UNREPAIRED, NO_FAULT, NO_FAULT_SENT),
    Event("open", (NEW,), AWAITING_PARCEL, _CUSTOMER, "repair_requested",
          "The customer asks for a repair: the fault, photos optional, the relay point."),
    Event("receive", (AWAITING_PARCEL,), REPAIR_RECEIVED, _STAFF, "repair_received",
          "The warehouse received the item (with its return's parcel)."),
    Event("diagnose_covered", (REPAIR_RECEIVED,), REPAIRING, _STAFF, "repair_covered",
          "Fault found and covered by the warranty: we repair it (or replace, or refund)."),
    Event("quote", (REPAIR_RECEIVED,), QUOTED, _STAFF, "repair_quoted",
          "Fault found, not covered: the customer gets a quote to accept or decline."),
    Event("find_no_fault", (REPAIR_RECEIVED,), NO_FAULT, _STAFF, "repair_no_fault",
          "Tested, no fault found: the item works; it goes back at no cost."),
    Event("accept_quote", (QUOTED,), REPAIRING, _CUSTOMER, "repair_quote_accepted",
          "The customer accepts the quote (one click, signed link)."),
    Event("decline_quote", (QUOTED,), QUOTE_DECLINED, _CUSTOMER, "repair_quote_declined",
          "The customer declines the quote: the item goes back unrepaired."),
    Event("ship_repaired", (REPAIRING,), REPAIRED_SHIPPED, _STAFF, "repair_shipped",
          "Repaired and shipped back, with a tracking number."),
    Event("replace", (REPAIRING,), REPLACED, _STAFF, "repair_replaced",
          "Replaced by the same or an equivalent item (stock taken atomically), shipped."),
    Event("refund", (REPAIRING,), REPAIR_REFUNDED, _STAFF, "repair_refunded",
          "Neither repair nor replacement is possible: the item is refunded."),
    Event("send_back", (QUOTE_DECLINED,), UNREPAIRED, _STAFF, "repair_sent_back",
          "The declined item is shipped back unrepaired, with a tracking number."),
    Event("send_back_working", (NO_FAULT,), NO_FAULT_SENT, _STAFF, "repair_no_fault_sent",
          "The item with no fault is shipped back as it came, with a tracking number."),
)  # fmt: skip

governs("RepairCase", REPAIR)

# Named groups of repair states, for queues and pages.
REPAIR_GROUPS: dict[str, tuple[str, ...]] = {
    "repair_open": (AWAITING_PARCEL, REPAIR_RECEIVED, QUOTED, QUOTE_DECLINED, REPAIRING, NO_FAULT),
    "repair_in_hand": (REPAIR_RECEIVED, QUOTED, QUOTE_DECLINED, REPAIRING, NO_FAULT),
    "repair_done": (REPAIRED_SHIPPED, REPLACED, REPAIR_REFUNDED, UNREPAIRED, NO_FAULT_SENT),
    "repair_no_fault": (NO_FAULT, NO_FAULT_SENT),
    "repair_mended": (REPAIRED_SHIPPED, REPLACED),  # the customer has a working item back
    "repair_fixed": (REPAIRED_SHIPPED, REPLACED, REPAIR_REFUNDED),  # the promise is kept
}


def repair_is(case, group: str) -> bool:
    return state(case, REPAIR) in REPAIR_GROUPS[group]


def repair_at(case, name: str) -> bool:
    """Whether the case is in state `name` (a state of REPAIR)."""
    assert name in REPAIR.states, name
    return state(case, REPAIR) == name

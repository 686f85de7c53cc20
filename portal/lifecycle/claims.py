"""A problem without a return (a claim): never arrived, damaged, wrong or missing item.

``CLAIM`` (``Claim.status``): the customer opens it from the order lookup; support resolves
it in one screen (a replacement shipped now, and/or a goodwill code), or the keep-it rule
credits a damaged or wrong item of low value at once (`kept`); if the original turns up
later, the customer says so from the claim's page and goes on to the return journey.
"""

from __future__ import annotations

from portal.lifecycle.core import CUSTOMER, NEW, STAFF, SYSTEM, Event, governs, state
from portal.lifecycle.core import machine as _machine

OPEN, RESOLVED, KEPT, ORIGINAL_FOUND = "open", "resolved", "kept", "original_found"

CLAIM = _machine(
    "claim",
    "status",
    (OPEN, RESOLVED, KEPT, ORIGINAL_FOUND),
    Event("open_claim", (NEW,), OPEN, frozenset({CUSTOMER}), "claim_opened",
          "The customer says what went wrong with the order (no label is issued)."),
    Event("resolve_claim", (OPEN,), RESOLVED, frozenset({STAFF}), "claim_resolved",
          "Support decides: a replacement shipped now, and/or a goodwill code."),
    Event("keep_it", (OPEN,), KEPT, frozenset({SYSTEM}), "claim_kept",
          "Keep it: the policy credits a damaged or wrong item of low value at once; "
          "nothing is sent back."),
    Event("original_turned_up", (RESOLVED,), ORIGINAL_FOUND, frozenset({CUSTOMER}),
          "claim_original_found",
          "The original arrived after all: the customer asks to send it back."),
)  # fmt: skip

governs("Claim", CLAIM)

CLAIM_GROUPS: dict[str, tuple[str, ...]] = {
    "claim_to_resolve": (OPEN,),
    "claim_decided": (RESOLVED, KEPT, ORIGINAL_FOUND),
}


def claim_in(claim, group: str) -> bool:
    return state(claim, CLAIM) in CLAIM_GROUPS[group]

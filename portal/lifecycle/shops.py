"""A call to a shop platform that leaves after commit (portal/shops/calls.py): a gift
card, a stock reservation or its release, an exchange's replacement order.

pending → done (the platform accepted it), or refused (it said no, with its reason: staff
see it on /staff/shops and may try again). A timeout or a 429 leaves it pending with a
backoff; the next attempt reuses the same key, so the platform never makes it twice.
"""

from __future__ import annotations

from portal.lifecycle.core import CUSTOMER, NEW, STAFF, SYSTEM, Event, governs
from portal.lifecycle.core import machine as _machine

PENDING, DONE, REFUSED = "pending", "done", "refused"
_ANY = frozenset({CUSTOMER, STAFF, SYSTEM})

PLATFORM_CALL = _machine(
    "platform_call",
    "status",
    (PENDING, DONE, REFUSED),
    Event("queue", (NEW,), PENDING, _ANY, "",
          "Queued in the request's transaction; sent to the platform after commit."),
    Event("platform_accept", (PENDING,), DONE, frozenset({SYSTEM}), "",
          "The platform made it (gift card, reservation, order) or had already made it."),
    Event("platform_refuse", (PENDING,), REFUSED, frozenset({SYSTEM}), "",
          "The platform said no (missing permission, no stock, bad data): staff look."),
    Event("staff_retry", (REFUSED,), PENDING, frozenset({STAFF}), "",
          "Staff try again once the cause is fixed (same key)."),
)  # fmt: skip

governs("PlatformCall", PLATFORM_CALL)

PLATFORM_CALL_GROUPS: dict[str, tuple[str, ...]] = {"open": (PENDING, REFUSED)}


def call_in(call, *states: str) -> bool:
    """Whether a platform call is in one of `states` (PENDING, DONE, REFUSED)."""
    return call.status in states

"""What every payment provider offers: send one refund, read one back.

A provider never touches the database: it takes a plain `RefundOrder` and answers an
`Outcome`, so it can run after our transaction has committed (see portal/payments/worker.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

SENT = "sent"
FAILED = "failed"
RETRY = "retry"  # timeout, dropped or refused connection, 5xx: still ours to send
# the platform recorded the refund but moves no money (a PrestaShop credit slip): the
# refund stays approved, out of the worker's queue, for the shop to pay by hand
RECORDED = "recorded"
SLIP = "recorded, to pay by hand"  # provider_status of a RECORDED refund
PAID_BY_HAND = "paid by hand"  # provider_status of a refund the shop paid itself


@dataclass(frozen=True)
class RefundOrder:
    """One refund to send, as plain data."""

    refund_id: int
    key: str  # our idempotency key / metadata value: "retours-refund-<id>-<generation>"
    amount: int  # minor units
    currency: str
    payment_reference: str  # Stripe pi_… / ch_…, Mollie tr_…
    description: str
    provider_refund_id: str | None = None
    # a platform order's refund (portal/payments/platform_provider.py): the platform's order
    # id and the refunded lines (portal.shops.platform.LineAmount) by the platform's line id
    external_order_id: str = ""
    lines: tuple = ()
    # the platform's ids of this order's other refunds we hold (PlatformRefund.made_before)
    made_before: tuple = ()


@dataclass(frozen=True)
class Outcome:
    state: str  # SENT | FAILED | RETRY
    provider_refund_id: str | None = None
    provider_status: str = ""
    reason: str = ""  # the provider's failure reason or error message
    metadata_key: str = ""  # the retours_refund value found on the provider's refund


class PaymentProvider(Protocol):
    name: str
    automatic: bool  # False: the shop pays by hand (manual)

    def send(self, order: RefundOrder) -> Outcome:
        """Create the refund at the provider, exactly once per `order.key`."""

    def fetch(self, provider_refund_id: str, payment_reference: str) -> Outcome | None:
        """The refund's current state at the provider; None if it does not know it."""


def refund_key(refund_id: int, generation: int) -> str:
    return f"retours-refund-{refund_id}-{generation}"

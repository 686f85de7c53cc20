"""The shop pays refunds itself from its payment dashboard; nothing leaves the process."""

from __future__ import annotations

from portal.payments.base import RETRY, Outcome, RefundOrder


class ManualProvider:
    name = "manual"
    automatic = False

    def send(self, order: RefundOrder) -> Outcome:
        return Outcome(RETRY, reason="paid by hand")  # never called by the worker

    def fetch(self, provider_refund_id: str, payment_reference: str) -> Outcome | None:
        return None

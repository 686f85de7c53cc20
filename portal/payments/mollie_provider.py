"""Refunds through Mollie's official SDK (`mollie-api-python`): look up before create.

See docs/payments.md: before `POST /v2/payments/{id}/refunds` we list the payment's refunds
and take the one whose `metadata.retours_refund` is our key, if any; the create also sends
that key as `Idempotency-Key`.
"""

from __future__ import annotations

from mollie.api.client import Client
from mollie.api.error import Error, RequestError, ResponseError, ResponseHandlingError
from mollie.api.objects.payment import Payment
from mollie.api.resources.refunds import PaymentRefunds

from portal.money import value_string
from portal.payments.base import FAILED, RETRY, SENT, Outcome, RefundOrder

FAILED_STATUSES = {"failed", "canceled"}


def outcome_of(refund) -> Outcome:
    status = refund.status or ""
    metadata = refund.metadata if isinstance(refund.metadata, dict) else {}
    return Outcome(
        FAILED if status in FAILED_STATUSES else SENT,
        provider_refund_id=refund.id,
        provider_status=status,
        reason=f"Mollie refund {status}" if status in FAILED_STATUSES else "",
        metadata_key=str(metadata.get("retours_refund", "")),
    )


def _error_outcome(exc: Error) -> Outcome:
    if isinstance(exc, (RequestError, ResponseHandlingError)):
        return Outcome(RETRY, reason=f"{type(exc).__name__}: {exc}")
    status = getattr(exc, "status", None) or 0
    if isinstance(exc, ResponseError) and (status >= 500 or status in (409, 429)):
        return Outcome(RETRY, reason=f"{status}: {exc}")
    field = getattr(exc, "field", None)
    return Outcome(FAILED, reason=f"{exc} ({field})" if field else str(exc))


class MollieProvider:
    name = "mollie"
    automatic = True

    def __init__(self, api_key: str, api_endpoint: str | None = None, timeout: float = 10) -> None:
        self.client = Client(api_endpoint=api_endpoint or "", timeout=timeout, retry=0)
        self.client.set_api_key(api_key)

    def _refunds(self, payment_id: str) -> PaymentRefunds:
        # The payment is not fetched: its refunds live under /payments/{id}/refunds.
        return PaymentRefunds(self.client, Payment({"id": payment_id}, self.client))

    def existing(self, payment_id: str, key: str):
        """The payment's refund carrying our key, reading every page; None if none."""
        page = self._refunds(payment_id).list(limit=250)
        while page is not None:
            for refund in page:
                metadata = refund.metadata if isinstance(refund.metadata, dict) else {}
                if metadata.get("retours_refund") == key:
                    return refund
            page = page.get_next() if page.has_next() else None
        return None

    def send(self, order: RefundOrder) -> Outcome:
        payment_id = order.payment_reference
        if not payment_id.startswith("tr_"):
            return Outcome(FAILED, reason="the order has no Mollie payment id (tr_…)")
        try:
            found = self.existing(payment_id, order.key)
            if found is not None:
                return outcome_of(found)
            refund = self._refunds(payment_id).create(
                {
                    "amount": {
                        "currency": order.currency,
                        "value": value_string(order.amount, order.currency),
                    },
                    "description": order.description[:255],
                    "metadata": {"retours_refund": order.key},
                },
                idempotency_key=order.key,
            )
        except Error as exc:
            return _error_outcome(exc)
        return outcome_of(refund)

    def fetch(self, provider_refund_id: str, payment_reference: str) -> Outcome | None:
        try:
            return outcome_of(self._refunds(payment_reference).get(provider_refund_id))
        except ResponseError as exc:
            if exc.status == 404:
                return None
            return _error_outcome(exc)
        except Error as exc:
            return _error_outcome(exc)

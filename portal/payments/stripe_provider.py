"""Refunds through Stripe's official SDK (`stripe`), with an idempotency key per refund.

See docs/payments.md: `POST /v1/refunds` with `payment_intent` (pi_…) or `charge` (ch_…),
`amount` in minor units, `metadata.retours_refund`; `Idempotency-Key` = our key, so a retry
after a timeout gets Stripe's saved answer instead of a second refund.
"""

from __future__ import annotations

import stripe

from portal.payments.base import FAILED, RETRY, SENT, Outcome, RefundOrder

SENT_STATUSES = {"pending", "succeeded", "requires_action"}
FAILED_STATUSES = {"failed", "canceled"}


def outcome_of(refund) -> Outcome:
    """Our state for a Stripe Refund object (or dict)."""
    if hasattr(refund, "to_dict"):
        refund = refund.to_dict()
    status = refund.get("status") or ""
    metadata = refund.get("metadata") or {}
    state = FAILED if status in FAILED_STATUSES else SENT
    return Outcome(
        state,
        provider_refund_id=refund.get("id"),
        provider_status=status,
        reason=(refund.get("failure_reason") or "") if state == FAILED else "",
        metadata_key=metadata.get("retours_refund", "") if hasattr(metadata, "get") else "",
    )


def _error_outcome(exc: stripe.StripeError) -> Outcome:
    status = exc.http_status or 0
    if isinstance(exc, stripe.APIConnectionError) or status >= 500 or status in (409, 429):
        where = f" {status}" if status else ""
        return Outcome(RETRY, reason=f"{type(exc).__name__}{where}: {exc.user_message or exc}")
    error = exc.error
    code = (error.code if error is not None else None) or ""
    message = exc.user_message or str(exc)
    return Outcome(FAILED, reason=f"{code}: {message}" if code else message)


class StripeProvider:
    name = "stripe"
    automatic = True

    def __init__(self, api_key: str, api_base: str | None = None, timeout: float = 10) -> None:
        self.client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else None,
            http_client=stripe.RequestsClient(timeout=timeout),
            max_network_retries=0,  # the worker's backoff is the only retry loop
        )

    def send(self, order: RefundOrder) -> Outcome:
        reference = order.payment_reference
        if not reference:
            return Outcome(FAILED, reason="the order has no Stripe payment reference")
        params: dict = {
            "amount": order.amount,
            "reason": "requested_by_customer",
            "metadata": {"retours_refund": order.key},
        }
        params["charge" if reference.startswith(("ch_", "py_")) else "payment_intent"] = reference
        try:
            refund = self.client.v1.refunds.create(
                params=params, options={"idempotency_key": order.key}
            )
        except stripe.StripeError as exc:
            return _error_outcome(exc)
        return outcome_of(refund)

    def fetch(self, provider_refund_id: str, payment_reference: str) -> Outcome | None:
        try:
            return outcome_of(self.client.v1.refunds.retrieve(provider_refund_id))
        except stripe.StripeError as exc:
            if exc.http_status == 404:
                return None
            return _error_outcome(exc)

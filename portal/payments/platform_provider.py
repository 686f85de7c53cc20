"""A refund of a platform order is made in the platform (Shopify's refund on the order,
WooCommerce's order refund, PrestaShop's credit slip), through the same worker, states
and idempotency key as a payment provider's: this adapter turns a `RefundOrder` into a
`PlatformRefund` and the platform's `Answer` into an `Outcome`.

A platform whose refund moves no money (`refund_moves_money = False`: PrestaShop's credit
slip) answers RECORDED: the refund stays approved, listed for staff to pay by hand.

The worker calls `send` after commit, outside any transaction; it reads the platform's
credentials (`credentials.current`) inside the app context it runs in.
"""

from __future__ import annotations

from portal.payments.base import FAILED, RECORDED, RETRY, SENT, SLIP, Outcome, RefundOrder
from portal.shops import credentials
from portal.shops.platform import DONE, REFUSED, Platform, PlatformRefund
from portal.shops.secrets import SecretsUnavailable


class PlatformProvider:
    automatic = True

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.name = platform.name

    def send(self, order: RefundOrder) -> Outcome:
        try:
            creds = credentials.current(self.platform.name)
        except SecretsUnavailable as exc:
            return Outcome(RETRY, reason=f"the saved {self.platform.title} credentials: {exc}")
        if creds is None:
            return Outcome(RETRY, reason=f"no {self.platform.title} shop is connected")
        if not order.external_order_id or not order.lines:
            return Outcome(FAILED, reason=f"the order is not a {self.platform.title} order")
        answer = self.platform.refund(
            creds,
            PlatformRefund(
                key=order.key,
                external_order_id=order.external_order_id,
                amount=order.amount,
                currency=order.currency,
                lines=order.lines,
                note=order.description,
                made_before=tuple(order.made_before),
            ),
        )
        if answer.state == DONE and not getattr(self.platform, "refund_moves_money", True):
            return Outcome(RECORDED, provider_refund_id=answer.external_id, provider_status=SLIP)
        if answer.state == DONE:
            return Outcome(SENT, provider_refund_id=answer.external_id, provider_status="refunded")
        if answer.state == REFUSED:
            return Outcome(FAILED, provider_refund_id=answer.external_id, reason=answer.reason)
        return Outcome(RETRY, reason=answer.reason)

    def fetch(self, provider_refund_id: str, payment_reference: str) -> Outcome | None:
        return None  # the platform's refund is final once made; nothing to poll

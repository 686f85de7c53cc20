"""Sending approved refunds to the provider, after commit, exactly once.

1. Claim: give due rows a lease (`next_attempt_at` = now + LEASE) and count the attempt,
   atomically on PostgreSQL and SQLite alike (portal/leases.py); commit.
2. Call the provider with plain data, outside any transaction.
3. Apply the answer under the row lock; commit. A timeout or 5xx leaves the refund approved
   with a backoff; a worker that died mid-call leaves a lease that runs out, and the next
   attempt reuses the same key (Stripe: idempotency key; Mollie: look-up before create),
   so the provider never creates a second refund.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g
from sqlalchemy import select

from portal import leases, outbox
from portal.extensions import db
from portal.models import Refund, ReturnRequest
from portal.payments import get_provider
from portal.payments.base import RECORDED, RefundOrder, refund_key
from portal.payments.service import APPROVED
from portal.payments.updates import apply, lock
from portal.shops.platform import PLATFORMS, LineAmount

LEASE = timedelta(minutes=5)


def _claim(ids: list[int] | None, limit: int) -> list[tuple[RefundOrder, str, int]]:
    taken = leases.claim_due(
        Refund,
        (
            Refund.status == APPROVED,
            Refund.method == "original_payment",
            Refund.provider.in_(("stripe", "mollie", *PLATFORMS)),
        ),
        limit=limit,
        lease=LEASE,
        ids=ids,
    )
    claimed = []
    for refund in leases.leased_rows(Refund, taken):
        item = refund.return_item
        rr = item.return_request
        platform_order = refund.provider in PLATFORMS
        order = RefundOrder(
            refund_id=refund.id,
            key=refund_key(refund.id, refund.generation),
            amount=refund.amount,
            currency=refund.currency,
            payment_reference=refund.payment_reference,
            description=f"{current_app.config['SHOP_NAME']} {rr.rma}",
            provider_refund_id=refund.provider_refund_id,
            external_order_id=(rr.order.external_id or "") if platform_order else "",
            lines=_lines(item, refund) if platform_order else (),
            made_before=_made_before(refund) if platform_order else (),
        )
        claimed.append((order, refund.provider, refund.generation))
    db.session.commit()
    return claimed


def _lines(item, refund: Refund) -> tuple[LineAmount, ...]:
    line = item.order_line
    if not line.external_id:
        return ()
    units = item.received_quantity or item.quantity
    return (LineAmount(line.external_id, units, refund.amount),)


def _made_before(refund: Refund) -> tuple[str, ...]:
    """The platform's ids of the other refunds of this return's order (a platform without
    an idempotency key must not take one of them for this one)."""
    order_id = refund.return_item.return_request.order_id
    return tuple(
        db.session.scalars(
            select(Refund.provider_refund_id)
            .join(ReturnRequest, Refund.return_id == ReturnRequest.id)
            .where(
                ReturnRequest.order_id == order_id,
                Refund.provider == refund.provider,
                Refund.id != refund.id,
                Refund.provider_refund_id.is_not(None),
            )
        )
    )


def send_due(ids: list[int] | None = None, limit: int = 20) -> dict[str, int]:
    """Send the due approved refunds (or only `ids`); counts of what happened."""
    counts = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0, RECORDED: 0}
    for order, provider_name, generation in _claim(ids, limit):
        outcome = get_provider(provider_name).send(order)  # no transaction is open here
        refund = lock(order.refund_id)
        if refund is None or refund.generation != generation:
            counts["skipped"] += 1
        else:
            apply(refund, outcome)
            counts[outcome.state] += 1
        db.session.commit()
    return counts


def _send_after_request(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        try:
            send_due(ids)
            if app.config.get("DELIVER_MAIL_AFTER_REQUEST"):
                outbox.deliver_due()
        except Exception:
            db.session.rollback()
            app.logger.exception("refunds: sending after request failed")


def _body_then(body: bytes, after):
    yield body
    after()


def init_app(app: Flask) -> None:
    @app.after_request
    def send_refunds_soon(response):
        """Send this request's new refunds once the request has committed and answered."""
        ids = g.pop("refunds_to_send", None)
        if not ids or not app.config.get("SEND_REFUNDS_AFTER_REQUEST", True):
            return response
        real_app = current_app._get_current_object()  # noqa: SLF001 (Flask's documented way)
        done: list[bool] = []

        def send_once() -> None:
            if not done:
                done.append(True)
                _send_after_request(real_app, list(ids))

        response.call_on_close(send_once)
        if not response.is_streamed and not response.direct_passthrough:
            body = response.get_data()
            response.headers["Content-Length"] = str(len(body))
            response.response = _body_then(body, send_once)
        return response

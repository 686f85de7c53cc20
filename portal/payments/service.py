"""Refund states, as the customer and staff see them: approved → sent, or failed.

`settle` runs inside the support click's transaction: store credit is issued at once
(it is not a refund, and is worded as store credit); a refund to the original payment is
recorded *approved* with the provider that will pay it, and nothing leaves the process.
The provider is called after commit (portal/payments/worker.py). Every state change goes
through `change_state`, i.e. `lifecycle.apply` on the REFUND machine; it writes the audit
event (a line on the customer's status page) in the caller's transaction, and the caller
queues the customer's e-mail.
"""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy import and_, not_, or_, select

from portal import lifecycle
from portal.extensions import db
from portal.models import Refund, ReturnRequest, StoreCredit
from portal.models.base import utcnow
from portal.notifications import notify
from portal.payments import get_provider, provider_name
from portal.payments.base import SLIP
from portal.payments.estimates import arrival_estimate
from portal.services import audit, credits
from portal.services.policy import Policy
from portal.services.resolution import item_follows_refund
from portal.shops import platform, platform_credit

APPROVED, SENT, FAILED = lifecycle.APPROVED, lifecycle.SENT, lifecycle.FAILED


def change_state(refund: Refund, event: str, *, actor_type: str, actor: str = "", **details):
    """Apply lifecycle.REFUND `event` to `refund` (IllegalTransition if the table forbids
    it) and write its line on the return's audit trail, in the caller's transaction. The
    item and the return follow: settled (and resolved) once the money left, open again
    if a sent refund failed later."""
    step, before, after = lifecycle.apply(refund, event, actor_type)
    if lifecycle.money_left(refund):
        refund.paid_at = utcnow()
        refund.next_attempt_at = None
    rr = db.session.get(ReturnRequest, refund.return_id)
    audit.record(
        rr,
        step.action,
        actor_type=actor_type,
        actor=actor,
        refund_id=refund.id,
        amount=refund.amount,
        currency=refund.currency,
        refund_from=before,
        refund_to=after,
        **details,
    )
    item_follows_refund(refund, before, actor_type=actor_type, actor=actor)
    return step


def first_event(refund: Refund) -> str:
    """How a new refund enters its lifecycle: owed to the original payment (approved), or
    settled at once (store credit, or nothing to pay)."""
    if refund.method == "store_credit" or refund.amount == 0:
        return "settle_at_once"
    return "owe"


def settle(refund: Refund, rr: ReturnRequest, policy: Policy) -> StoreCredit | None:
    """Record how `refund` is paid (its state is already set by `first_event`). Store
    credit: issued now (with the bonus) and returned."""
    if refund.method == "store_credit":
        credit = None
        if refund.amount > 0:
            credit = credits.issue_credit(
                amount=policy.credit_with_bonus(refund.amount),
                currency=refund.currency,
                owner_name=rr.contact_name,
                owner_email=rr.contact_email,
                kind="refund",
                return_id=rr.id,
            )
            refund.store_credit_id = credit.id
        refund.paid_at = utcnow()
        return credit
    refund.payment_reference = rr.order.payment_reference or ""
    if refund.amount == 0:
        refund.paid_at = utcnow()
        return None
    connector = platform.for_source(rr.order.source)
    provider = get_provider(connector.name if connector else provider_name())
    refund.provider = provider.name
    if provider.automatic:
        refund.next_attempt_at = utcnow()
        db.session.flush()
        g.setdefault("refunds_to_send", []).append(refund.id)
    return None


def announce(rr: ReturnRequest, refund: Refund, *, credit: StoreCredit | None) -> None:
    """The e-mail and status-page line for a refund just issued by support."""
    if refund.method == "store_credit":
        if credit is not None and platform_credit.queue(rr, credit):
            return  # told once the platform has made it (portal/shops/call_outcomes.py)
        audit.record(
            rr,
            "store_credit_issued",
            actor_type="system",
            amount=credit.initial_amount if credit else 0,
            currency=refund.currency,
            code=credit.code if credit else "",
        )
        notify(rr, "store_credit", refund=refund, credit=credit)
        return
    if lifecycle.money_left(refund):  # nothing was due
        audit.record(
            rr,
            "refund_sent",
            actor_type="system",
            refund_id=refund.id,
            amount=refund.amount,
            currency=refund.currency,
        )
        notify(rr, "refund_sent", refund=refund, arrival_estimate=arrival_estimate(refund))
        return
    audit.record(
        rr,
        "refund_approved",
        actor_type="system",
        refund_id=refund.id,
        amount=refund.amount,
        currency=refund.currency,
    )
    notify(rr, "refund_approved", refund=refund)


def send_after_request_enabled() -> bool:
    return bool(current_app.config.get("SEND_REFUNDS_AFTER_REQUEST", True))


def _original(status: str):
    return (
        select(Refund)
        .where(Refund.status == status, Refund.method == "original_payment")
        .order_by(Refund.created_at, Refund.id)
    )


def _by_hand():
    """Paid by the shop: the manual provider's, and those a platform only recorded (a
    PrestaShop credit slip: portal/payments/platform_provider.py)."""
    return or_(
        Refund.provider == "manual",
        and_(Refund.next_attempt_at.is_(None), Refund.provider_status == SLIP),
    )


def refunds_to_pay() -> list[Refund]:
    """Approved refunds the shop pays by hand, oldest first."""
    return list(db.session.scalars(_original(APPROVED).where(_by_hand())))


def refunds_in_flight() -> list[Refund]:
    """Approved refunds a provider is to pay (waiting for the worker or for a retry)."""
    return list(db.session.scalars(_original(APPROVED).where(not_(_by_hand()))))


def failed_refunds() -> list[Refund]:
    return list(db.session.scalars(_original(FAILED)))


def recently_paid(limit: int = 20) -> list[Refund]:
    return list(
        db.session.scalars(
            select(Refund)
            .where(
                Refund.status.in_(lifecycle.REFUND_GROUPS["money_left"]),
                Refund.method == "original_payment",
            )
            .order_by(Refund.paid_at.desc(), Refund.id.desc())
            .limit(limit)
        )
    )


def customer_view(rr: ReturnRequest) -> dict:
    """The return's refunds and store credits, for its status page."""
    refunds = list(
        db.session.scalars(
            select(Refund)
            .where(Refund.return_id == rr.id, Refund.method == "original_payment")
            .order_by(Refund.id)
        )
    )
    store_credits = [
        credit
        for credit in db.session.scalars(
            select(StoreCredit).where(StoreCredit.return_id == rr.id).order_by(StoreCredit.id)
        )
        if platform_credit.spendable(credit)  # a platform's gift card: once it is made
    ]
    names = {r.id: r.return_item.display_name for r in refunds}
    # what the customer is told each refund is at: the state's own word, from the table
    phases = {r.id: lifecycle.state(r) for r in refunds}
    # the provider's own estimate of when a sent refund reaches the bank (estimates.py)
    arrivals = {r.id: arrival_estimate(r) for r in refunds}
    return {
        "refunds": refunds,
        "names": names,
        "phases": phases,
        "arrivals": arrivals,
        "credits": store_credits,
    }

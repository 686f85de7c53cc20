"""Paying refunds back: a small provider interface and the default "manual" provider.

A refund to the original payment goes through the configured provider
(`PAYMENT_PROVIDER`, default "manual"). The manual provider moves no money: it
records the refund as `pending` with the order's payment reference, and the shop
pays it from its payment dashboard, then marks it paid on the "refunds to pay" page.
A refund as store credit needs no provider: the credit (with the policy's bonus) is
issued at once, in the name of the return's contact (the recipient for a gift).
"""

from __future__ import annotations

from typing import Protocol

from flask import current_app
from sqlalchemy import select

from portal import lifecycle
from portal.extensions import db
from portal.models import Order, Refund, ReturnRequest, StoreCredit
from portal.models.base import utcnow
from portal.services import credits
from portal.services.policy import Policy


class PaymentProvider(Protocol):
    name: str

    def refund(self, refund: Refund, order: Order) -> None:
        """Start paying `refund` back to the order's payment; set its reference."""


class ManualProvider:
    """The shop pays refunds itself; we keep the list and the payment reference."""

    name = "manual"

    def refund(self, refund: Refund, order: Order) -> None:
        refund.payment_reference = order.payment_reference or ""


PROVIDERS: dict[str, type] = {"manual": ManualProvider}


def get_provider() -> PaymentProvider:
    name = current_app.config.get("PAYMENT_PROVIDER") or "manual"
    try:
        return PROVIDERS[name]()
    except KeyError as exc:
        raise RuntimeError(f"unknown PAYMENT_PROVIDER {name!r}") from exc


def settle(refund: Refund, rr: ReturnRequest, policy: Policy) -> StoreCredit | None:
    """Pay `refund` by its method. Store credit: issued now (with the bonus) and returned."""
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
    if refund.amount == 0:
        refund.paid_at = utcnow()
        return None
    get_provider().refund(refund, rr.order)
    return None


def first_event(refund: Refund) -> str:
    """How a new refund enters its lifecycle: owed to the original payment, or settled at
    once (store credit, or nothing to pay)."""
    if refund.method == "store_credit" or refund.amount == 0:
        return "settle_at_once"
    return "owe"


def refunds_to_pay() -> list[Refund]:
    """Refunds the shop still has to pay back, oldest first."""
    return list(
        db.session.scalars(
            select(Refund)
            .where(Refund.status.in_(lifecycle.states_where("mark_paid", lifecycle.REFUND)))
            .where(Refund.method == "original_payment")
            .order_by(Refund.created_at, Refund.id)
        )
    )


def recently_paid(limit: int = 20) -> list[Refund]:
    return list(
        db.session.scalars(
            select(Refund)
            .where(Refund.status == lifecycle.REFUND.event("mark_paid").target)
            .where(Refund.method == "original_payment")
            .order_by(Refund.paid_at.desc(), Refund.id.desc())
            .limit(limit)
        )
    )

"""What staff do with a refund: mark it paid by hand, or, once failed, retry it with the
provider or give store credit instead. Each locks the refund, checks its state, changes it
through the state table, and e-mails the customer; the route commits once."""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _

from portal import lifecycle
from portal.extensions import db
from portal.models import Refund, ReturnRequest
from portal.models.base import utcnow
from portal.notifications import notify
from portal.payments.base import PAID_BY_HAND
from portal.payments.estimates import arrival_estimate
from portal.payments.service import change_state
from portal.payments.updates import lock
from portal.services import audit, credits
from portal.services.errors import AlreadyDone, InvalidTransition
from portal.services.policy import current_policy
from portal.shops import platform_credit


def _rr(refund: Refund) -> ReturnRequest:
    return db.session.get(ReturnRequest, refund.return_id)


def paid_by_hand(refund: Refund, actor: str = "") -> Refund:
    """The shop paid it outside the provider (manual mode, or after a failure): → sent."""
    if not lifecycle.can(refund, "mark_paid"):
        raise AlreadyDone(_("This refund is already marked as paid."))
    refund.provider_status = PAID_BY_HAND
    change_state(refund, "mark_paid", actor_type="staff", actor=actor, by_hand=True)
    notify(
        _rr(refund),
        "refund_sent",
        refund=refund,
        arrival_estimate=arrival_estimate(refund),
    )
    return refund


def _locked_failed(refund_id: int) -> Refund:
    refund = lock(refund_id)
    if refund is None or refund.method != "original_payment":
        raise InvalidTransition(_("This refund cannot be changed here."))
    if not lifecycle.can(refund, "retry"):  # only a failed refund
        raise AlreadyDone(_("This refund is not failed any more."))
    return refund


def retry(refund_id: int, actor: str = "") -> Refund:
    """Failed → approved, as a new attempt (a new idempotency key) sent after commit."""
    refund = _locked_failed(refund_id)
    refund.generation += 1
    refund.attempts = 0
    refund.provider_refund_id = None
    refund.provider_status = ""
    refund.last_error = ""
    refund.next_attempt_at = utcnow() if refund.provider != "manual" else None
    change_state(refund, "retry", actor_type="staff", actor=actor)
    notify(_rr(refund), "refund_approved", refund=refund)
    if refund.provider != "manual":
        g.setdefault("refunds_to_send", []).append(refund.id)
    db.session.flush()
    return refund


def store_credit_instead(refund_id: int, actor: str = "") -> Refund:
    """Failed → closed as store credit of the same amount (plus the policy's bonus)."""
    refund = _locked_failed(refund_id)
    rr = _rr(refund)
    credit = credits.issue_credit(
        amount=current_policy().credit_with_bonus(refund.amount),
        currency=refund.currency,
        owner_name=rr.contact_name,
        owner_email=rr.contact_email,
        kind="refund",
        return_id=rr.id,
    )
    refund.method = "store_credit"
    refund.store_credit_id = credit.id
    refund.provider_status = "store credit instead"
    change_state(refund, "credit_instead", actor_type="staff", actor=actor, code=credit.code)
    if platform_credit.queue(rr, credit):
        db.session.flush()  # told once the platform has made it (portal/shops/call_outcomes.py)
        return refund
    audit.record(
        rr,
        "store_credit_issued",
        actor_type="staff",
        actor=actor,
        amount=credit.initial_amount,
        currency=credit.currency,
        code=credit.code,
    )
    notify(rr, "store_credit", refund=refund, credit=credit)
    db.session.flush()
    return refund

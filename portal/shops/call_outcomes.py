"""What follows a platform's answer to a call (portal/shops/calls.py), in the worker's
transaction:

- credit made: the gift card's code becomes the store credit's code, the status page says
  it is issued and the customer gets the store-credit e-mail with that code. Refused: the
  customer is told nothing (nothing is promised that is not true); staff see it on
  /staff/shops with the platform's reason, and may try again.
- replacement made: the platform's order (its name) is on the return's trail; its parcel's
  tracking number comes later, with the order's fulfilment (`replacements.py`).
- reserve / release: nothing to tell anyone; a refused hold is listed for staff.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import PlatformCall, Refund, ReturnRequest, StoreCredit
from portal.notifications import notify
from portal.services import audit


def _rr(call: PlatformCall) -> ReturnRequest | None:
    return db.session.get(ReturnRequest, call.return_id) if call.return_id else None


def done(call: PlatformCall) -> None:
    rr = _rr(call)
    if call.kind == "credit" and call.store_credit_id:
        credit = db.session.get(StoreCredit, call.store_credit_id)
        if call.code:
            credit.code = call.code
        refund = db.session.scalar(select(Refund).where(Refund.store_credit_id == credit.id))
        if rr is not None:
            audit.record(
                rr,
                "store_credit_issued",
                actor_type="system",
                amount=credit.initial_amount,
                currency=credit.currency,
                code=credit.code,
                platform=call.platform,
            )
            notify(rr, "store_credit", refund=refund, credit=credit)
    db.session.flush()


def refused(call: PlatformCall) -> None:
    rr = _rr(call)
    where = rr.rma if rr is not None else call.key
    from flask import current_app

    current_app.logger.warning(
        "%s refused the %s call for %s: %s", call.platform, call.kind, where, call.reason
    )
    db.session.flush()


def waiting_credit(credit: StoreCredit) -> PlatformCall | None:
    """The platform call that is to make this credit spendable, if any."""
    return db.session.scalar(select(PlatformCall).where(PlatformCall.store_credit_id == credit.id))

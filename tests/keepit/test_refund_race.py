"""Two support clicks at once on "Refund" for one claim, and two claims of the same units:
one kept return, one refund (the claim's row lock, then the order's lock and the line
ceiling). On PostgreSQL (marker `concurrency`)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Claim, Refund, ReturnRequest
from portal.services import claims
from portal.services.errors import DomainError
from tests.reliability.kit import race

pytestmark = pytest.mark.concurrency


def _claim(order, email=None) -> Claim:
    claim = claims.open_claim(
        order,
        kind="never_arrived",
        quantities={order.lines[0].id: 1},
        description="Nothing came.",
        photos=[],
        locale="en",
    )
    db.session.commit()
    return claim


def _refund_at_once(app, claim_ids: list[int]) -> list[str]:
    def worker(i, barrier):
        with app.app_context():
            mine = db.session.get(Claim, claim_ids[i])
            barrier.wait()
            try:
                claims.resolve_claim(
                    mine, replacement=False, goodwill=0, note="", actor=f"s{i}", refund=True
                )
                db.session.commit()
                return "resolved"
            except DomainError:
                db.session.rollback()
                return "refused"

    return race(len(claim_ids), worker)


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_two_clicks_on_refund_refund_once(app, factory):
    factory.variants("TEE", M=5, L=5)
    claim = _claim(factory.order([("TEE-M", 1)]))
    assert sorted(_refund_at_once(app, [claim.id, claim.id])) == ["refused", "resolved"]
    assert _count(Refund) == 1 and _count(ReturnRequest) == 1
    assert db.session.scalar(select(Refund.amount)) == 2500


def test_two_claims_of_the_same_unit_refund_it_once(app, factory):
    factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 1)])
    first, second = _claim(order), _claim(order)
    assert sorted(_refund_at_once(app, [first.id, second.id])) == ["refused", "resolved"]
    assert _count(Refund) == 1
    assert db.session.scalar(select(func.sum(Refund.amount))) == 2500

"""Refunds never exceed what was paid for an order line, across all of its returns.

The realistic way to hold two returns of one unit: the first return's label expires
(the unit is released), the customer makes a second return of the same unit, then both
parcels reach the warehouse (an expired return may still be received). Each return's
own ceiling allows a refund; the order line's does not allow two.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Refund, ReturnItem, ReturnRequest
from portal.models.base import utcnow
from portal.services import resolve, warehouse
from portal.services.errors import DomainError
from portal.services.returns import expire_returns
from tests.reliability.invariants import assert_invariants, refunds_per_line
from tests.reliability.kit import parallel, race, rounds
from tests.staff.staffkit import page

pytestmark = pytest.mark.guarantee(
    "Refunds for an order line never exceed what was paid for it, across all its returns"
)

TOO_MUCH = "would exceed what was paid for"


def two_returns_of_one_unit(factory) -> tuple[ReturnRequest, ReturnRequest]:
    order = factory.order([("TEE-M", 1)])
    first = factory.return_(order)
    expire_returns(utcnow() + timedelta(days=60))
    db.session.commit()
    second = factory.return_(order)
    for rr in (first, second):
        item = rr.items[0]
        warehouse.receive_parcel(rr, {item.id: 1}, actor="w")
        warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w")
    db.session.commit()
    return first, second


def test_a_second_return_of_a_refunded_unit_is_not_refunded(app, factory, auth, attempts):
    factory.variants("TEE", M=5, L=5)
    first, second = two_returns_of_one_unit(factory)
    assert first.status == "inspected" and second.status == "inspected"
    auth.login("support")
    client = auth.client
    client.get("/lang/en")
    shown = page(
        client.post(
            f"/staff/returns/{first.rma}/items/{first.items[0].id}/refund", follow_redirects=True
        )
    )
    assert "Refund of €25.00 recorded" in shown or "Refund of 25,00" in shown, shown
    shown = page(
        client.post(
            f"/staff/returns/{second.rma}/items/{second.items[0].id}/refund",
            follow_redirects=True,
        )
    )
    assert TOO_MUCH in shown
    assert "already refunded €25.00 of €25.00" in shown
    attempts.add(2)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 1
    assert list(refunds_per_line().values()) == [2500]
    assert_invariants()


@pytest.mark.concurrency
def test_refunds_of_one_line_from_many_requests_at_once(app, factory, attempts):
    """Ten support requests at once, five on each return of the same unit: one refund."""
    factory.variants("TEE", M=500, L=5)
    n = parallel(postgres=10, sqlite=4)
    for _ in range(rounds()):
        n = parallel(postgres=10, sqlite=4)  # as many as there are free connections now
        first, second = two_returns_of_one_unit(factory)
        targets = [(first.id, first.items[0].id), (second.id, second.items[0].id)]

        def support(i, barrier, targets=targets):
            rr_id, item_id = targets[i % 2]
            with app.app_context():
                rr = db.session.get(ReturnRequest, rr_id)
                item = db.session.get(ReturnItem, item_id)
                barrier.wait()
                try:
                    resolve.issue_refund(rr, item, actor=f"support-{i}")
                    db.session.commit()
                    return "refunded"
                except DomainError as exc:
                    db.session.rollback()
                    return f"refused: {exc}"

        results = race(n, support)
        assert results.count("refunded") == 1, results
        assert all(str(r).startswith("refused") for r in results if r != "refunded"), results
        line_id = first.items[0].order_line_id
        assert refunds_per_line()[line_id] == 2500
        attempts.add(1, requests=n)
        assert_invariants()

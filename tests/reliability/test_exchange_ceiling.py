"""Replacements never exceed the units bought for an order line, across all its returns.

Two returns of one unit, as for the refund ceiling: the first return's label expires
(its reservation is released), the customer makes a second return of the same unit
asking for the same exchange, then both parcels reach the warehouse and pass
inspection. Each return on its own may ship a replacement; the order line allows one.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.carriers.base import TrackingUpdate
from portal.extensions import db
from portal.models import ReturnRequest, Variant
from portal.models.base import utcnow
from portal.services import tracking, warehouse
from portal.services.returns import expire_returns
from tests.reliability.invariants import assert_invariants, replacements_per_line
from tests.reliability.journeys import staff_browser
from tests.reliability.kit import parallel, race, rounds
from tests.staff.staffkit import page

pytestmark = pytest.mark.guarantee(
    "An order line never gets more replacements than units bought, across all its returns"
)

SHIPPED = "Exchange shipped. Tracking number"
ALREADY = "a replacement has already been shipped for every unit bought (1 of 1)"
SAME_ITEM = "has already been shipped"


def two_exchanges_of_one_unit(factory) -> tuple[ReturnRequest, ReturnRequest]:
    order = factory.order([("TEE-M", 1)])
    first = factory.return_(order, resolution="exchange", exchange_sku="TEE-L")
    expire_returns(utcnow() + timedelta(days=60))
    db.session.commit()
    second = factory.return_(order, resolution="exchange", exchange_sku="TEE-L")
    for rr in (first, second):
        item = rr.items[0]
        warehouse.receive_parcel(rr, {item.id: 1}, actor="w")
        warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w")
    db.session.commit()
    assert [rr.items[0].outcome for rr in (first, second)] == ["exchange", "exchange"]
    return first, second


def ship_url(rr: ReturnRequest) -> str:
    return f"/staff/returns/{rr.rma}/items/{rr.items[0].id}/ship-exchange"


def large_stock() -> tuple[int, int]:
    db.session.expire_all()
    large = db.session.scalar(select(Variant).where(Variant.sku == "TEE-L"))
    return large.stock_on_hand, large.stock_reserved


def test_a_second_return_of_a_replaced_unit_ships_nothing(app, factory, mailbox, attempts):
    factory.variants("TEE", M=5, L=5)
    first, second = two_exchanges_of_one_unit(factory)
    assert first.status == "inspected" and second.status == "inspected"
    client = staff_browser(app, factory.staff("support"))
    shown = page(client.post(ship_url(first), follow_redirects=True))
    assert SHIPPED in shown, shown
    on_hand, reserved = large_stock()
    shown = page(client.post(ship_url(second), follow_redirects=True))
    assert ALREADY in shown, shown
    assert SHIPPED not in shown
    attempts.add(2)
    assert large_stock() == (on_hand, reserved)  # nothing left the shelf for the second
    db.session.expire_all()
    assert db.session.get(ReturnRequest, second.id).items[0].exchange_tracking_code is None
    assert db.session.get(ReturnRequest, second.id).status == "inspected"
    assert list(replacements_per_line().values()) == [1]
    assert mailbox.kinds(first.contact_email).count("exchange_shipped") == 1
    assert_invariants()


def test_an_instant_exchange_of_a_replaced_unit_never_blocks_the_scan(
    app, factory, mailbox, attempts
):
    """Instant exchange: the second return's first carrier scan would ship a replacement
    early; the unit was already replaced, so nothing ships, and the scan is recorded."""
    factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 1)])
    first = factory.return_(order, resolution="exchange", exchange_sku="TEE-L")
    expire_returns(utcnow() + timedelta(days=60))
    db.session.commit()
    second = factory.return_(order, resolution="exchange", exchange_sku="TEE-L")
    item = first.items[0]
    warehouse.receive_parcel(first, {item.id: 1}, actor="w")
    warehouse.diagnose(first, {item.id: ("A", "", "")}, actor="w")
    db.session.commit()
    client = staff_browser(app, factory.staff("support"))
    assert SHIPPED in page(client.post(ship_url(first), follow_redirects=True))
    app.config["INSTANT_EXCHANGE"] = True
    on_hand, reserved = large_stock()
    scan = TrackingUpdate(uuid.uuid4().hex, second.current_label.tracking_code, "in_transit")
    assert tracking.apply_tracking(scan, provider="local") == "applied"
    db.session.commit()
    attempts.add(1)
    db.session.expire_all()
    second = db.session.get(ReturnRequest, second.id)
    assert second.status == "in_transit" and second.items[0].exchange_tracking_code is None
    assert large_stock() == (on_hand, reserved)
    assert list(replacements_per_line().values()) == [1]
    assert mailbox.kinds(order.email).count("exchange_shipped") == 1
    assert_invariants()


@pytest.mark.concurrency
def test_replacements_of_one_line_from_many_requests_at_once(app, factory, attempts, mailbox):
    """Support browsers click "Ship exchange" together, half on each of two returns of
    the same unit: one replacement leaves, one e-mail says so; every other click is told
    why nothing was sent."""
    factory.variants("TEE", M=5000, L=5000)
    n = parallel(postgres=10, sqlite=4)
    clients = [staff_browser(app, factory.staff("support")) for _ in range(n)]
    db.session.commit()
    for _ in range(rounds()):
        n = min(parallel(postgres=10, sqlite=4), len(clients))  # as free connections allow
        first, second = two_exchanges_of_one_unit(factory)
        urls = [ship_url(first), ship_url(second)]
        on_hand, reserved = large_stock()

        def support(i, barrier, urls=urls):
            barrier.wait()
            response = clients[i].post(urls[i % 2], follow_redirects=True)
            return response.status_code, page(response)

        results = race(n, support)
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, errors
        assert all(status == 200 for status, _ in results), results
        said = [text for _, text in results]
        assert sum(SHIPPED in t for t in said) == 1, said
        assert all(SHIPPED in t or ALREADY in t or SAME_ITEM in t for t in said), said
        winner = next(i for i, t in enumerate(said) if SHIPPED in t)
        other_return = [t for i, t in enumerate(said) if i % 2 != winner % 2]
        assert other_return and all(ALREADY in t for t in other_return), other_return
        # one unit left the shelf: the winner's reservation (the expired first return
        # takes a unit again before shipping it)
        after = large_stock()
        assert after[0] == on_hand - 1, (after, on_hand, reserved)
        line_id = first.items[0].order_line_id
        assert replacements_per_line()[line_id] == 1
        sent = mailbox.kinds(first.contact_email).count("exchange_shipped")
        assert sent == 1, mailbox.kinds(first.contact_email)
        mailbox.clear()
        attempts.add(1, requests=n)
        assert_invariants()

"""Exchanges: the reservation becomes a shipment with a tracking number and an e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.carriers.base import TrackingUpdate
from portal.carriers.local import is_valid_tracking_code
from portal.extensions import db
from portal.models import Variant
from portal.models.base import utcnow
from portal.services import warehouse
from portal.services.returns import expire_returns
from portal.services.tracking import apply_tracking
from tests.staff.staffkit import actions, flush_mail, page, reload, text_of


def stock(sku: str) -> tuple[int, int]:
    db.session.expire_all()
    v = db.session.query(Variant).filter_by(sku=sku).one()
    return v.stock_on_hand, v.stock_reserved


@pytest.fixture
def exchange(factory):
    factory.variants("TEE", M=5, L=2)
    return factory.return_(resolution="exchange", exchange_sku="TEE-L", locale="en")


def test_shipping_the_exchange_moves_stock_and_emails(exchange, support, desk, mailbox):
    assert stock("TEE-L") == (2, 1)
    desk.receive(exchange)
    desk.diagnose(exchange)
    flush_mail(mailbox)
    text = page(desk.ship(exchange))
    rr = reload(exchange)
    code = rr.items[0].exchange_tracking_code
    assert f"Exchange shipped. Tracking number: {code}." in text
    assert is_valid_tracking_code(code)
    assert stock("TEE-L") == (1, 0)
    assert rr.status == "exchanged"
    assert actions(rr)[-2:] == ["exchange_shipped", "return_resolved"]
    body = text_of(mailbox.to("anne@example.fr")[0])
    assert "Your exchange is on its way: 1 × TEE shirt (Blue · L)" in body
    assert code in body


def test_shipping_twice_sends_one_parcel(exchange, support, desk, mailbox):
    desk.receive(exchange)
    desk.diagnose(exchange)
    flush_mail(mailbox)
    desk.ship(exchange)
    text = page(desk.ship(exchange))
    assert "The exchange for TEE shirt (Blue · M) has already been shipped." in text
    assert stock("TEE-L") == (1, 0)
    assert mailbox.kinds("anne@example.fr") == ["exchange_shipped"]


def test_no_exchange_before_inspection(exchange, support, desk):
    desk.receive(exchange)
    text = page(desk.ship(exchange))
    assert "cannot ship yet: the item must be received and inspected first." in text
    assert reload(exchange).items[0].exchange_tracking_code is None
    assert stock("TEE-L") == (2, 1)


def test_after_expiry_the_stock_is_reserved_again(exchange, support, desk):
    expire_returns(utcnow() + timedelta(days=30))
    db.session.commit()
    assert stock("TEE-L") == (2, 0)
    desk.receive(exchange)
    desk.diagnose(exchange)
    assert "Exchange shipped" in page(desk.ship(exchange))
    assert stock("TEE-L") == (1, 0)


def test_after_expiry_an_exchange_out_of_stock_says_so(exchange, support, desk):
    expire_returns(utcnow() + timedelta(days=30))
    large = db.session.query(Variant).filter_by(sku="TEE-L").one()
    large.stock_on_hand = 0
    db.session.commit()
    desk.receive(exchange)
    desk.diagnose(exchange)
    text = page(desk.ship(exchange))
    assert "TEE-L is out of stock: the exchange cannot be shipped." in text
    rr = reload(exchange)
    assert (rr.status, rr.items[0].exchange_tracking_code) == ("inspected", None)


def test_a_partial_receipt_replaces_only_what_came_back(factory, support, desk):
    factory.variants("TEE", M=5, L=5)
    rr = factory.return_(
        factory.order([("TEE-M", 2)]),
        quantity=2,
        resolution="exchange",
        exchange_sku="TEE-L",
        with_label=False,
    )
    assert stock("TEE-L") == (5, 2)
    desk.receive(rr, {rr.items[0].id: 1})
    desk.diagnose(rr)
    desk.ship(rr)
    assert stock("TEE-L") == (4, 0)
    assert reload(rr).status == "exchanged"


def test_instant_exchange_ships_when_the_carrier_picks_up(app, exchange, support, desk, mailbox):
    app.config["INSTANT_EXCHANGE"] = True
    flush_mail(mailbox)
    code = exchange.current_label.tracking_code
    assert (
        apply_tracking(TrackingUpdate("evt-1", code, "in_transit"), provider="local") == "applied"
    )
    db.session.commit()
    rr = reload(exchange)
    assert rr.status == "in_transit" and rr.items[0].exchange_tracking_code
    assert rr.items[0].resolved_at is None  # the original is still on its way
    assert stock("TEE-L") == (1, 0)
    desk.receive(rr)
    desk.diagnose(rr)
    rr = reload(rr)
    assert rr.status == "exchanged"
    assert actions(rr).count("exchange_shipped") == 1
    assert mailbox.kinds("anne@example.fr") == [
        "in_transit",
        "exchange_shipped",
        "received",
        "diagnosis",
    ]


def test_a_rejected_exchange_is_not_shipped(exchange, support, desk):
    desk.receive(exchange)
    desk.diagnose(exchange, grade="C", reject="worn beyond policy")
    assert "was rejected at inspection: no exchange is sent." in page(desk.ship(exchange))
    assert stock("TEE-L") == (2, 0)


def test_a_refund_item_has_no_exchange(factory, support, desk):
    rr = factory.return_(with_label=False)
    warehouse.receive_parcel(rr, {rr.items[0].id: 1}, actor="w")
    db.session.commit()
    assert "is not an exchange." in page(desk.ship(rr))

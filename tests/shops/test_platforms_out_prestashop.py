"""A return of a PrestaShop order, end to end through the shared wiring: the refund is a
credit slip (which moves no money: the refund waits for the shop to pay it and mark it
paid), store credit a cart rule, an exchange held in stock_availables and shipped as a
zero-priced order whose tracking number the poll reads. What the customer, staff, the
shop and the DB see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Order, Refund, ReturnItem, StoreCredit
from portal.models.base import utcnow
from portal.outbox import deliver_due
from portal.security import status_token
from portal.services import returns, warehouse
from tests.fakes.prestashop import order, row
from tests.shops.platform_kit import calls_of as _calls
from tests.shops.platform_kit import platform_return
from tests.shops.platform_kit import run_ok as _run
from tests.shops.platform_kit import the_refund as _refund
from tests.shops.prestashop_fixtures import with_prestashop
from tests.staff.conftest import StaffClient
from tests.staff.staffkit import page, text_of

CUSTOMER = "anne@example.fr"


@pytest.fixture
def app_config(app_config, presta):
    return with_prestashop(app_config, presta)


@pytest.fixture
def app(app):
    app.test_client_class = StaffClient
    app.config["DEFAULT_LOCALE"] = "en"
    return app


def _shop_order(presta) -> None:
    presta.add_order(order(5, "XKBKNABJK", rows=[row(51, reference="TEE-M", price="25.000000")]))


def presta_return(factory, presta, *, resolution="refund"):
    """A return of one €25.00 tee on PrestaShop order 5 (order row 51), received, graded A."""
    _shop_order(presta)
    return platform_return(factory, "prestashop", "5", "51", resolution=resolution)


# -- refunds: a credit slip, then the shop pays ---------------------------------------------


def test_a_credit_slip_is_made_and_the_refund_waits_for_the_shop_to_pay_it(
    client, factory, auth, desk, mailbox, presta, runner
):
    rr = presta_return(factory, presta)
    mailbox.clear()
    auth.login("support")
    desk.refund(rr)
    (slip,) = presta.made("order_slip")
    assert slip["id_order"] == "5" and slip["amount"] == "25.00"
    (detail,) = slip["associations"]["order_slip_details"]
    assert (detail["id_order_detail"], detail["product_quantity"]) == ("51", "1")
    refund = _refund()
    # recorded in PrestaShop's books; no money has moved: not "sent"
    assert (refund.status, refund.provider) == ("approved", "prestashop")
    assert refund.provider_refund_id == str(slip["id"]) and refund.next_attempt_at is None
    text = page(client.get("/staff/refunds"))
    assert rr.rma in text and f"PrestaShop credit slip {slip['id']} made" in text
    assert "Nothing to pay" not in text
    deliver_due()
    assert mailbox.kinds(CUSTOMER) == ["refund_approved"]
    assert "has been sent to your" not in text_of(mailbox.to(CUSTOMER)[-1])
    status = page(client.get(f"/r/{status_token(rr.access_key)}"))
    assert "it has not been sent yet" in status and "has been sent to" not in status
    assert "recorded 0" in _run(runner, "refunds", "send")  # not sent again
    assert len(presta.made("order_slip")) == 1

    client.post(f"/staff/refunds/{refund.id}/paid")  # the shop paid it back
    assert _refund().status == "sent"
    deliver_due()
    assert mailbox.kinds(CUSTOMER) == ["refund_approved", "refund_sent"]
    assert "has been sent to your original payment method" in text_of(mailbox.to(CUSTOMER)[-1])
    assert len(presta.made("order_slip")) == 1


def test_prestashop_refusing_the_slip_fails_the_refund_with_its_words(
    client, factory, auth, desk, mailbox, presta
):
    presta.deny("order_slip", "POST")
    rr = presta_return(factory, presta)
    auth.login("support")
    desk.refund(rr)
    refund = _refund()
    assert refund.status == "failed" and refund.failure_reason
    assert presta.made("order_slip") == []
    text = page(client.get("/staff/refunds"))
    assert rr.rma in text and refund.failure_reason[:40] in text
    deliver_due()
    assert "refund_failed" in mailbox.kinds(CUSTOMER)


def test_a_lost_answer_is_retried_and_makes_one_slip(client, factory, auth, desk, presta, runner):
    presta.fail("POST order_slip", "drop_after", times=2)  # made; we did not hear back
    rr = presta_return(factory, presta)
    auth.login("support")
    desk.refund(rr)
    refund = _refund()
    assert refund.status == "approved" and refund.last_error
    assert refund.next_attempt_at is not None  # still the worker's to send
    refund.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "recorded 1" in _run(runner, "refunds", "send")
    (slip,) = presta.made("order_slip")
    refund = _refund()
    assert refund.provider_refund_id == str(slip["id"]) and refund.status == "approved"


# -- store credit: a cart rule ---------------------------------------------------------------


def test_store_credit_is_a_cart_rule_with_its_code_in_the_email(
    client, factory, auth, desk, mailbox, presta
):
    rr = presta_return(factory, presta, resolution="store_credit")
    mailbox.clear()
    auth.login("support")
    desk.refund(rr)
    assert _calls("credit")[0].status == "done"
    (rule,) = presta.made("cart_rules")
    credit = db.session.scalars(select(StoreCredit)).one()
    db.session.refresh(credit)
    assert rule["code"] == credit.code and credit.code.startswith("RET-")
    assert rule["reduction_amount"] in ("25.00", "25.000000", "25")
    deliver_due()
    assert mailbox.kinds(CUSTOMER).count("store_credit") == 1
    assert f"Your code: {credit.code}" in text_of(mailbox.to(CUSTOMER)[-1])
    assert credit.code in page(client.get(f"/r/{status_token(rr.access_key)}"))


# -- exchanges ------------------------------------------------------------------------------


@pytest.fixture
def exchange(factory, presta):
    """TEE-M exchanged for TEE-L, combination 4 of product 1, of which the shop has 3."""
    factory.variants("TEE", M=5, L=5)
    presta.put("combinations", {"id": 4, "id_product": "1", "reference": "TEE-L"})
    presta.add_stock(40, 1, 4, 3)
    placed = factory.order([("TEE-M", 1)])
    placed.source, placed.external_id = "prestashop", "5"
    placed.lines[0].external_id = "51"
    db.session.flush()
    _shop_order(presta)
    rr = factory.return_(
        placed, resolution="exchange", exchange_sku="TEE-L", with_label=False, locale="en"
    )
    db.session.commit()
    return rr


def _stock(presta) -> str:
    return presta.tables["stock_availables"][40]["quantity"]


def test_the_exchange_is_held_in_stock_availables_and_released_on_cancel(exchange, presta, runner):
    assert "done 1" in _run(runner, "shop", "calls")
    assert _calls("reserve")[0].status == "done" and _stock(presta) == "2"
    returns.cancel_return(exchange, actor_type="customer")
    db.session.commit()
    assert "done 1" in _run(runner, "shop", "calls")
    assert _calls("release")[0].status == "done" and _stock(presta) == "3"


def test_the_exchange_ships_as_a_free_order_and_the_poll_reads_its_tracking(
    exchange, presta, runner, client, auth, desk, mailbox
):
    _run(runner, "shop", "calls")  # the hold
    warehouse.receive_parcel(exchange, {i.id: i.quantity for i in exchange.items}, actor="w")
    warehouse.diagnose(exchange, {i.id: ("A", "", "") for i in exchange.items}, actor="w")
    db.session.commit()
    deliver_due()
    mailbox.clear()
    auth.login("support")
    assert "Replacement ordered in the shop platform" in page(desk.ship(exchange))
    (made,) = presta.made("orders")
    assert made["total_paid"] == "0" and made["payment"] == f"Retours {exchange.rma}"
    (cart,) = presta.made("carts")
    (cart_row,) = cart["associations"]["cart_rows"]
    assert (cart_row["id_product"], cart_row["id_product_attribute"]) == ("1", "4")
    # the hold given back, and the replacement order took its unit as any order does
    assert _stock(presta) == "2"
    assert _calls("replacement")[0].status == "done"

    _run(runner, "shop", "poll")  # shipped? not yet
    deliver_due()
    assert "exchange_shipped" not in mailbox.kinds(CUSTOMER)
    presta.put("order_carriers", {"id": 9, "id_order": str(made["id"]), "tracking_number": ""})
    presta.put(
        "order_carriers", {"id": 10, "id_order": str(made["id"]), "tracking_number": "6A3333333"}
    )
    assert "exchange tracking numbers 1" in _run(runner, "shop", "poll")
    _run(runner, "shop", "poll")  # read once
    item = db.session.scalars(select(ReturnItem)).one()
    db.session.refresh(item)
    assert item.exchange_tracking_code == "6A3333333"
    deliver_due()
    assert mailbox.kinds(CUSTOMER).count("exchange_shipped") == 1
    assert "6A3333333" in text_of(mailbox.to(CUSTOMER)[-1])
    assert "6A3333333" in page(client.get(f"/r/{status_token(exchange.access_key)}"))
    assert db.session.scalar(select(Order).where(Order.external_id == str(made["id"]))) is None


def test_two_exchanges_on_one_order_are_two_replacement_orders(factory, presta, runner, auth, desk):
    """PrestaShop has no idempotency key: the second replacement (same customer, products
    and units) must not be taken for the first, which the wiring passes in made_before."""
    factory.variants("TEE", M=5, L=5)
    presta.put("combinations", {"id": 4, "id_product": "1", "reference": "TEE-L"})
    presta.add_stock(40, 1, 4, 5)
    placed = factory.order([("TEE-M", 2)])
    placed.source, placed.external_id = "prestashop", "5"
    placed.lines[0].external_id = "51"
    db.session.flush()
    presta.add_order(
        order(5, "XKBKNABJK", rows=[row(51, reference="TEE-M", price="25.000000", quantity=2)])
    )
    both = [
        factory.return_(
            placed, resolution="exchange", exchange_sku="TEE-L", with_label=False, locale="en"
        )
        for _ in range(2)
    ]
    _run(runner, "shop", "calls")  # the holds
    auth.login("support")
    for rr in both:
        warehouse.receive_parcel(rr, {i.id: i.quantity for i in rr.items}, actor="w")
        warehouse.diagnose(rr, {i.id: ("A", "", "") for i in rr.items}, actor="w")
        db.session.commit()
        desk.ship(rr)
    made = presta.made("orders")
    assert len(made) == 2
    calls = _calls("replacement")
    assert [c.status for c in calls] == ["done", "done"]
    assert sorted(c.external_id for c in calls) == sorted(str(o["id"]) for o in made)


def test_two_refunds_of_the_same_row_are_two_credit_slips(factory, presta, auth, desk):
    """Two returns of one unit each of the same order row: identical slips, which the
    worker tells apart by the slip the first refund holds (made_before)."""
    factory.variants("TEE", M=5, L=5)
    placed = factory.order([("TEE-M", 2)])
    placed.source, placed.external_id = "prestashop", "5"
    placed.lines[0].external_id = "51"
    db.session.flush()
    presta.add_order(
        order(5, "XKBKNABJK", rows=[row(51, reference="TEE-M", price="25.000000", quantity=2)])
    )
    both = [factory.return_(placed, with_label=False, locale="en") for _ in range(2)]
    auth.login("support")
    for rr in both:
        warehouse.receive_parcel(rr, {i.id: i.quantity for i in rr.items}, actor="w")
        warehouse.diagnose(rr, {i.id: ("A", "", "") for i in rr.items}, actor="w")
        db.session.commit()
        desk.refund(rr)
    slips = presta.made("order_slip")
    assert len(slips) == 2
    db.session.expire_all()
    held = sorted(r.provider_refund_id for r in db.session.scalars(select(Refund)))
    assert held == sorted(str(s["id"]) for s in slips)

"""A return of a WooCommerce order, end to end through the shared wiring: the refund is a
WooCommerce order refund (payment worker), store credit a coupon, an exchange held in the
store's stock and shipped as a zero-priced child order whose Shipment Tracking number
comes back by webhook or sync. What the customer, staff, the store and the DB see."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Order, ReturnItem, StoreCredit
from portal.models.base import utcnow
from portal.outbox import deliver_due
from portal.payments.base import refund_key
from portal.security import status_token
from portal.services import returns, warehouse
from tests.fakes.woocommerce import line, order, sign
from tests.shops.platform_kit import calls_of as _calls
from tests.shops.platform_kit import platform_return
from tests.shops.platform_kit import run_ok as _run
from tests.shops.platform_kit import the_refund as _refund
from tests.shops.woocommerce.conftest import WEBHOOK_SECRET
from tests.staff.conftest import StaffClient
from tests.staff.staffkit import page, text_of

CUSTOMER = "anne@example.fr"


@pytest.fixture
def app(app):
    app.test_client_class = StaffClient
    app.config["DEFAULT_LOCALE"] = "en"
    return app


def _store_order(woo) -> None:
    woo.add_order(
        order(7001, lines=[line(70011, sku="TEE-M", subtotal="25.00", subtotal_tax="0.00")])
    )


def woo_return(factory, woo, *, resolution="refund", inspect=True):
    """A return of one €25.00 tee on WooCommerce order 7001 (line 70011), received, graded A."""
    _store_order(woo)
    return platform_return(
        factory, "woocommerce", "7001", "70011", resolution=resolution, inspect=inspect
    )


# -- refunds ------------------------------------------------------------------------------


def test_the_refund_is_a_woocommerce_order_refund_and_the_customer_is_told(
    client,
    factory,
    auth,
    desk,
    mailbox,
    woo,
):
    rr = woo_return(factory, woo)
    mailbox.clear()
    auth.login("support")
    desk.refund(rr)
    refund = _refund()
    assert (refund.status, refund.provider) == ("sent", "woocommerce")
    (made,) = woo.refunds[7001]
    assert refund.provider_refund_id == str(made["id"])
    assert made["amount"] == "25.00" and made["refunded_payment"] is True
    assert [(i["id"], i["quantity"], i["refund_total"]) for i in made["line_items"]] == [
        (70011, 1, "25.00")
    ]
    key = refund_key(refund.id, refund.generation)
    assert {"key": "_retours_key", "value": key} in [
        {"key": m["key"], "value": m["value"]} for m in made["meta_data"]
    ]
    assert rr.rma in made["reason"]
    deliver_due()
    assert mailbox.kinds(CUSTOMER) == ["refund_approved", "refund_sent"]
    assert "has been sent to your original payment method" in text_of(mailbox.to(CUSTOMER)[-1])
    status = page(client.get(f"/r/{status_token(rr.access_key)}"))
    assert "has been sent to your original payment method" in status
    assert "WooCommerce" in page(client.get("/staff/refunds"))


def test_the_store_refusing_fails_it_with_the_stores_reason_for_staff(
    client,
    factory,
    auth,
    desk,
    mailbox,
    woo,
):
    woo.refund_failure = "Refund failed: the card issuer declined the refund."
    rr = woo_return(factory, woo)
    mailbox.clear()
    auth.login("support")
    desk.refund(rr)
    refund = _refund()
    assert refund.status == "failed"
    assert "the card issuer declined the refund" in refund.failure_reason
    assert 7001 not in woo.refunds
    text = page(client.get("/staff/refunds"))
    assert "the card issuer declined the refund" in text and rr.rma in text
    deliver_due()
    assert mailbox.kinds(CUSTOMER) == ["refund_approved", "refund_failed"]
    assert "has been sent" not in text_of(mailbox.to(CUSTOMER)[-1])


def test_an_answer_lost_after_the_store_made_it_is_one_refund(
    client,
    factory,
    auth,
    desk,
    woo,
):
    woo.fail("create_refund", "drop_after")  # WooCommerce made it; we did not hear back
    rr = woo_return(factory, woo)
    auth.login("support")
    desk.refund(rr)
    refund = _refund()
    assert refund.status == "sent" and len(woo.refunds[7001]) == 1
    assert refund.provider_refund_id == str(woo.refunds[7001][0]["id"])


def test_a_timeout_is_retried_by_the_worker_and_never_makes_two_refunds(
    client,
    factory,
    auth,
    desk,
    runner,
    woo,
):
    woo.fail("create_refund", "drop")  # the connection lost before the store made it
    rr = woo_return(factory, woo)
    auth.login("support")
    desk.refund(rr)
    refund = _refund()
    assert refund.status == "approved" and refund.last_error and 7001 not in woo.refunds
    assert "Being sent by the payment provider" in page(client.get("/staff/refunds"))
    refund.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "sent 1" in _run(runner, "refunds", "send")
    assert "sent 0" in _run(runner, "refunds", "send")  # nothing left to send
    refund = _refund()
    assert refund.status == "sent" and len(woo.refunds[7001]) == 1


# -- store credit -------------------------------------------------------------------------


def test_store_credit_is_a_woocommerce_coupon_with_its_code_in_the_email(
    client,
    factory,
    auth,
    desk,
    mailbox,
    woo,
):
    rr = woo_return(factory, woo, resolution="store_credit")
    mailbox.clear()
    auth.login("support")
    desk.refund(rr)
    (call,) = _calls("credit")
    assert call.status == "done"
    credit = db.session.scalars(select(StoreCredit)).one()
    db.session.refresh(credit)
    (coupon,) = woo.coupons
    assert coupon["code"] == credit.code.lower()  # WooCommerce keeps codes in lower case
    assert coupon["amount"] == "25.00" and coupon["discount_type"] == "fixed_cart"
    assert coupon["email_restrictions"] == [CUSTOMER] and coupon["usage_limit"] == 1
    assert rr.rma in coupon["description"]
    deliver_due()
    assert mailbox.kinds(CUSTOMER).count("store_credit") == 1
    assert f"Your code: {credit.code}" in text_of(mailbox.to(CUSTOMER)[-1])
    assert credit.code in page(client.get(f"/r/{status_token(rr.access_key)}"))


def test_a_store_in_another_currency_refuses_the_coupon_and_tells_no_customer(
    client,
    factory,
    auth,
    desk,
    mailbox,
    woo,
):
    woo.store_currency = "USD"
    rr = woo_return(factory, woo, resolution="store_credit")
    mailbox.clear()
    auth.login("support")
    desk.refund(rr)
    assert _calls("credit")[0].status == "refused" and woo.coupons == []
    deliver_due()
    assert "store_credit" not in mailbox.kinds(CUSTOMER)
    auth.login("admin")
    text = page(client.get("/staff/shops"))
    assert rr.rma in text and "coupons are in USD" in text


# -- exchanges ----------------------------------------------------------------------------


@pytest.fixture
def exchange(factory, woo):
    """TEE-M exchanged for TEE-L, a variation (93:94) the store holds 3 of."""
    factory.variants("TEE", M=5, L=5)
    woo.add_product(93, 94, stock=3, sku="TEE-L")
    placed = factory.order([("TEE-M", 1)])
    placed.source, placed.external_id = "woocommerce", "7001"
    placed.lines[0].external_id = "70011"
    db.session.flush()
    _store_order(woo)
    rr = factory.return_(
        placed, resolution="exchange", exchange_sku="TEE-L", with_label=False, locale="en"
    )
    db.session.commit()
    return rr


def _stock(woo) -> int:
    return woo.products[(93, 94)]["stock_quantity"]


def test_the_exchange_is_held_in_the_store_and_released_on_cancel(exchange, woo, runner):
    assert "done 1" in _run(runner, "shop", "calls")
    (hold,) = _calls("reserve")
    assert hold.status == "done" and _stock(woo) == 2
    assert "done 0" in _run(runner, "shop", "calls")  # held once
    returns.cancel_return(exchange, actor_type="customer")
    db.session.commit()
    assert "done 1" in _run(runner, "shop", "calls")
    assert _calls("release")[0].status == "done" and _stock(woo) == 3


def _webhook(client, payload, delivery):
    raw = json.dumps(payload).encode()
    headers = {
        "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-Signature": sign(raw, WEBHOOK_SECRET),
        "X-WC-Webhook-Delivery-ID": delivery,
        "Content-Type": "application/json",
    }
    return client.post("/webhooks/woocommerce", data=raw, headers=headers)


def _ship(exchange, runner, auth, desk, mailbox) -> dict:
    _run(runner, "shop", "calls")  # the hold
    warehouse.receive_parcel(exchange, {i.id: i.quantity for i in exchange.items}, actor="w")
    warehouse.diagnose(exchange, {i.id: ("A", "", "") for i in exchange.items}, actor="w")
    db.session.commit()
    deliver_due()
    mailbox.clear()
    auth.login("support")
    return page(desk.ship(exchange))


def _shipped(made: dict, number: str) -> dict:
    tracking = [
        {"tracking_provider": "Colissimo", "tracking_number": number, "date_shipped": "1764583200"}
    ]
    meta = [*made["meta_data"], {"id": 1, "key": "_wc_shipment_tracking_items", "value": tracking}]
    return {
        **made,
        "status": "completed",
        "date_modified_gmt": "2026-12-01T10:00:00",
        "meta_data": meta,
    }


def test_the_exchange_ships_as_a_free_child_order_and_its_tracking_comes_by_webhook(
    exchange,
    woo,
    runner,
    client,
    auth,
    desk,
    mailbox,
):
    shipped = _ship(exchange, runner, auth, desk, mailbox)
    assert "Replacement ordered in the shop platform" in shipped
    (made,) = [o for o in woo.orders.values() if o["parent_id"] == 7001]
    assert [
        (i["product_id"], i["variation_id"], i["quantity"], i["total"]) for i in made["line_items"]
    ] == [(93, 94, 1, "0.00")]
    meta = {m["key"]: m["value"] for m in made["meta_data"]}
    assert meta["_retours_rma"] == exchange.rma and meta["_retours_key"].startswith(
        "retours-exchange-"
    )
    assert made["billing"]["email"] == CUSTOMER
    assert _stock(woo) == 3  # the hold given back (the store's own order takes its unit)
    assert _calls("replacement")[0].status == "done"
    deliver_due()
    assert "exchange_shipped" not in mailbox.kinds(CUSTOMER)  # no tracking number yet

    assert _webhook(client, made, "d-0").get_json() == {"status": "unchanged"}
    assert _webhook(client, _shipped(made, "6A11111111111"), "d-1").status_code == 200
    assert _webhook(client, _shipped(made, "6A11111111111"), "d-2").status_code == 200
    item = db.session.scalars(select(ReturnItem)).one()
    db.session.refresh(item)
    assert item.exchange_tracking_code == "6A11111111111"
    deliver_due()
    assert mailbox.kinds(CUSTOMER).count("exchange_shipped") == 1
    assert "6A11111111111" in text_of(mailbox.to(CUSTOMER)[-1])
    assert "6A11111111111" in page(client.get(f"/r/{status_token(exchange.access_key)}"))
    assert db.session.scalar(select(Order).where(Order.external_id == str(made["id"]))) is None


def test_the_sync_does_not_import_our_replacement_order_and_reads_its_tracking(
    exchange,
    woo,
    runner,
    client,
    auth,
    desk,
    mailbox,
):
    _ship(exchange, runner, auth, desk, mailbox)
    (made,) = [o for o in woo.orders.values() if o["parent_id"] == 7001]
    woo.orders = {made["id"]: _shipped(made, "6A22222222222")}
    output = _run(runner, "shop", "sync", "--platform", "woocommerce", "--since", "90d")
    assert "rejected 0" in output or "error" not in output.lower(), output
    assert db.session.scalar(select(Order).where(Order.external_id == str(made["id"]))) is None
    item = db.session.scalars(select(ReturnItem)).one()
    db.session.refresh(item)
    assert item.exchange_tracking_code == "6A22222222222"
    deliver_due()
    assert mailbox.kinds(CUSTOMER).count("exchange_shipped") == 1
    _run(runner, "shop", "sync", "--platform", "woocommerce", "--since", "90d")
    deliver_due()
    assert mailbox.kinds(CUSTOMER).count("exchange_shipped") == 1


def test_a_product_without_a_sku_is_held_by_the_id_the_sync_put_in_ours(app, woo):
    """The sync names a store product without a SKU `woocommerce-product-<id>`."""
    from portal.shops.platform import DONE, ReplacementLine, Reservation, for_source
    from tests.shops.woocommerce.conftest import credentials

    woo.add_product(95, stock=2, sku="")
    line_ = ReplacementLine(external_variant_id="", sku="woocommerce-product-95", quantity=1)
    answer = for_source("woocommerce").reserve(
        credentials(woo), Reservation("retours-hold-1", (line_,), "RMA")
    )
    assert answer.state == DONE and woo.products[(95, 0)]["stock_quantity"] == 1

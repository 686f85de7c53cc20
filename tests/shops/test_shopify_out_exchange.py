"""An exchange of a Shopify order: the replacement is held in Shopify (a draft order that
reserves inventory), released on cancel, and ships as a zero-priced order tagged with the
RMA; its fulfilment's tracking number reaches the status page and the e-mail, once."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import PlatformCall, ReturnItem
from portal.outbox import deliver_due
from portal.security import status_token
from portal.services import returns, warehouse
from tests.fakes.shopify import fulfillment, order, sign
from tests.shops.conftest import SECRET
from tests.staff.conftest import StaffClient
from tests.staff.staffkit import page, text_of

VARIANT = "gid://shopify/ProductVariant/39072857"


@pytest.fixture
def app(app):
    app.test_client_class = StaffClient
    app.config["DEFAULT_LOCALE"] = "en"
    return app


@pytest.fixture
def exchange(factory, shopify):
    """A Shopify order's return: TEE-M exchanged for TEE-L, Shopify holding 3 TEE-L."""
    factory.variants("TEE", M=5, L=5)
    shopify.inventory[VARIANT] = 3
    shopify.variants_by_sku["TEE-L"] = VARIANT
    placed = factory.order([("TEE-M", 1)])
    placed.source, placed.external_id = "shopify", "7001"
    placed.lines[0].external_id = "70011"
    db.session.flush()
    rr = factory.return_(
        placed, resolution="exchange", exchange_sku="TEE-L", with_label=False, locale="en"
    )
    db.session.commit()
    return rr


def _calls(kind: str) -> list[PlatformCall]:
    db.session.expire_all()
    return list(db.session.scalars(select(PlatformCall).where(PlatformCall.kind == kind)))


def _send(runner) -> str:
    result = runner.invoke(args=["shop", "calls"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_exchange_is_held_in_shopify_and_released_on_cancel(exchange, shopify, runner):
    assert "done 1" in _send(runner)
    (hold,) = _calls("reserve")
    assert hold.status == "done" and shopify.inventory[VARIANT] == 2
    draft = shopify.drafts[int(hold.external_id)]
    assert draft["input"]["reserveInventoryUntil"] and exchange.rma in draft["input"]["note"]
    assert "done 0" in _send(runner)  # sent once
    returns.cancel_return(exchange, actor_type="customer")
    db.session.commit()
    assert "done 1" in _send(runner)
    (release,) = _calls("release")
    assert release.status == "done"
    assert shopify.inventory[VARIANT] == 3 and shopify.drafts == {}


def test_shopify_out_of_stock_is_refused_and_shown_to_staff(
    exchange, shopify, runner, client, auth
):
    shopify.inventory[VARIANT] = 0
    assert "refused 1" in _send(runner)
    auth.login("admin")
    text = page(client.get("/staff/shops"))
    assert exchange.rma in text and "Not enough inventory to reserve" in text


def _webhook(client, payload, webhook_id):
    raw = json.dumps(payload).encode()
    headers = {
        "X-Shopify-Topic": "orders/fulfilled",
        "X-Shopify-Hmac-Sha256": sign(raw, SECRET),
        "X-Shopify-Webhook-Id": webhook_id,
        "Content-Type": "application/json",
    }
    return client.post("/webhooks/shopify", data=raw, headers=headers)


def test_the_exchange_ships_as_a_free_shopify_order_and_its_tracking_comes_back(
    exchange, shopify, runner, client, auth, desk, mailbox
):
    _send(runner)  # the hold
    warehouse.receive_parcel(exchange, {i.id: i.quantity for i in exchange.items}, actor="w")
    warehouse.diagnose(exchange, {i.id: ("A", "", "") for i in exchange.items}, actor="w")
    db.session.commit()
    deliver_due()
    mailbox.clear()
    auth.login("support")
    shipped = page(desk.ship(exchange))
    assert "Replacement ordered in the shop platform" in shipped
    (made,) = shopify.made_orders
    assert made["total"] == "0.00" and exchange.rma in made["tags"] and "retours" in made["tags"]
    assert made["lineItems"] == [{"variantId": VARIANT, "quantity": 1}]
    assert shopify.inventory[VARIANT] == 2  # the hold given back, the order took one
    assert _calls("replacement")[0].status == "done"
    assert "exchange_shipped" not in mailbox.kinds("anne@example.fr")  # no tracking yet

    order_id = int(made["id"].rsplit("/", 1)[-1])
    payload = {
        **order(order_id, 9001, fulfillments=[fulfillment(1, "2026-12-01T10:00:00Z")]),
        "tags": ", ".join(made["tags"]),
    }
    payload["fulfillments"][0]["tracking_number"] = "6A99999999999"
    assert _webhook(client, payload, "w-1").status_code == 200
    assert _webhook(client, payload, "w-2").status_code == 200  # Shopify's retry: a new id
    item = db.session.scalars(select(ReturnItem)).one()
    db.session.refresh(item)
    assert item.exchange_tracking_code == "6A99999999999"
    deliver_due()
    assert mailbox.kinds("anne@example.fr").count("exchange_shipped") == 1
    assert "6A99999999999" in text_of(mailbox.to("anne@example.fr")[-1])
    status = page(client.get(f"/r/{status_token(exchange.access_key)}"))
    assert "6A99999999999" in status
    from portal.models import Order

    assert db.session.scalar(select(Order).where(Order.external_id == str(order_id))) is None

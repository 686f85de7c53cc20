"""POST /webhooks/shopify: signed with HMAC-SHA256 of the raw body, replays harmless,
malformed input a 4xx and never a 500."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Order, OrderLine, ShopWebhook
from tests.fakes.shopify import fulfillment, line, order, sign
from tests.shops.conftest import SECRET


def _post(
    client,
    payload,
    *,
    topic="orders/create",
    webhook_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    secret=SECRET,
    body=None,
    signature=None,
):
    raw = body if body is not None else json.dumps(payload).encode()
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": signature if signature is not None else sign(raw, secret),
        "X-Shopify-Shop-Domain": "maison-lin.myshopify.com",
        "X-Shopify-API-Version": "2025-01",
        "X-Shopify-Webhook-Id": webhook_id,
        "Content-Type": "application/json",
    }
    return client.post("/webhooks/shopify", data=raw, headers=headers)


def _orders() -> int:
    return db.session.scalar(select(func.count(Order.id)))


def test_orders_create_brings_the_order_in(client):
    response = _post(client, order(820982911946154508, 1001))
    assert response.status_code == 200
    assert response.get_json() == {"status": "created"}
    found = db.session.scalar(select(Order))
    assert (found.number, found.number_key, found.email) == (
        "#1001",
        "1001",
        "bob.norman@mail.example.com",
    )


def test_a_replay_of_the_same_delivery_changes_nothing(client):
    payload = order(1, 1001)
    assert _post(client, payload, webhook_id="w-1").status_code == 200
    db.session.execute(Order.__table__.update().values(email="changed@example.com"))
    db.session.commit()
    again = _post(client, payload, webhook_id="w-1")
    assert again.get_json() == {"status": "duplicate"}
    assert db.session.scalar(select(Order.email)) == "changed@example.com"
    assert db.session.scalar(select(func.count(ShopWebhook.id))) == 1


def test_orders_updated_and_fulfilled_update_the_same_order(client):
    first = order(1, 1001, updated_at="2026-10-10T11:00:00+02:00")
    assert _post(client, first, webhook_id="w-1").status_code == 200
    shipped = {
        **first,
        "updated_at": "2026-10-12T09:00:00+02:00",
        "fulfillments": [
            fulfillment(
                255858046,
                "2026-10-11T10:00:00+02:00",
                shipment_status="delivered",
                updated_at="2026-10-12T09:00:00+02:00",
            )
        ],
    }
    response = _post(client, shipped, topic="orders/fulfilled", webhook_id="w-2")
    assert response.get_json() == {"status": "updated"}
    found = db.session.scalar(select(Order))
    assert found.delivered_at.isoformat() == "2026-10-12T07:00:00+00:00"
    assert found.delivery_estimated is False
    assert _orders() == 1


def test_an_older_update_arriving_late_changes_nothing(client):
    newer = order(
        1, 1001, updated_at="2026-10-12T09:00:00+02:00", cancelled_at="2026-10-12T09:00:00+02:00"
    )
    older = order(1, 1001, updated_at="2026-10-11T09:00:00+02:00")
    assert _post(client, newer, topic="orders/cancelled", webhook_id="w-2").status_code == 200
    response = _post(client, older, topic="orders/updated", webhook_id="w-1")
    assert response.get_json() == {"status": "unchanged"}
    assert db.session.scalar(select(Order.cancelled)) is True


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "not base64 at all!",
        base64.b64encode(b"short").decode(),
        base64.b64encode(b"\0" * 32).decode(),
        "A" * 5000,
    ],
)
def test_a_bad_signature_is_a_401_and_nothing_is_stored(client, signature):
    response = _post(client, order(1, 1001), signature=signature)
    assert response.status_code == 401
    assert _orders() == 0


def test_a_body_signed_with_another_secret_is_refused(client):
    response = _post(client, order(1, 1001), secret="someone-else")
    assert response.status_code == 401
    assert _orders() == 0


def test_without_a_secret_configured_it_says_so(client, app):
    app.config["SHOPIFY_WEBHOOK_SECRET"] = None
    response = _post(client, order(1, 1001))
    assert response.status_code == 503
    assert "SHOPIFY_WEBHOOK_SECRET" in response.get_json()["message"]


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1, 2]", b'"text"', b"[" * 100000 + b"]" * 100000, b"\xff\xfe"],
)
def test_a_signed_body_that_is_no_order_object_is_a_400(client, body):
    response = _post(client, None, body=body)
    assert response.status_code == 400
    assert _orders() == 0


@pytest.mark.parametrize(
    "change",
    [
        {"id": "abc"},
        {"line_items": []},
        {"line_items": [{**line(1), "price": "12.345"}]},
        {"line_items": [{**line(1), "quantity": -1}]},
        {"created_at": "yesterday", "processed_at": None},
        {"currency": None, "presentment_currency": 12},
        {"line_items": [line(1), line(1)]},
    ],
)
def test_an_order_we_cannot_read_is_a_422_with_the_reason(client, change):
    response = _post(client, {**order(1, 1001), **change})
    assert response.status_code == 422
    assert response.get_json()["message"]
    assert _orders() == 0
    assert db.session.scalar(select(func.count(OrderLine.id))) == 0


def test_missing_delivery_id_is_a_400(client):
    response = _post(client, order(1, 1001), webhook_id="")
    assert response.status_code == 400


def test_other_topics_are_acknowledged_and_ignored(client):
    response = _post(client, {"id": 1}, topic="products/update")
    assert response.get_json() == {"status": "ignored"}

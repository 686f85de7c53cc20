"""POST /webhooks/woocommerce: signed with HMAC-SHA256 of the raw body, replays harmless,
WooCommerce's ping accepted, malformed input a 4xx and never a 500."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Order, ShopWebhook
from tests.api.spec import check_response
from tests.fakes.woocommerce import line, order, sign
from tests.shops.woocommerce.conftest import WEBHOOK_SECRET


def _post(
    client, payload=None, *, topic="order.created", delivery="8c4f2e1d", body=None, signature=None
):
    raw = body if body is not None else json.dumps(payload).encode()
    headers = {
        "X-WC-Webhook-Source": "https://boutique.example/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": "order",
        "X-WC-Webhook-Event": topic.split(".")[1],
        "X-WC-Webhook-Signature": sign(raw, WEBHOOK_SECRET) if signature is None else signature,
        "X-WC-Webhook-ID": "12",
        "X-WC-Webhook-Delivery-ID": delivery,
        "Content-Type": "application/json",
    }
    return client.post("/webhooks/woocommerce", data=raw, headers=headers)


def _orders() -> int:
    return db.session.scalar(select(func.count(Order.id)))


def test_order_created_brings_the_order_in(client):
    response = _post(client, order(727, "727"))
    assert response.status_code == 200
    assert response.get_json() == {"status": "created"}
    found = db.session.scalar(select(Order))
    assert (found.number, found.source, found.email) == (
        "727",
        "woocommerce",
        "john.doe@example.com",
    )


def test_a_replay_of_the_same_delivery_changes_nothing(client):
    payload = order(727, modified_gmt="2026-11-10T09:30:00")
    assert _post(client, payload, delivery="d-1").status_code == 200
    db.session.execute(Order.__table__.update().values(email="changed@example.com"))
    db.session.commit()
    again = _post(client, payload, delivery="d-1")
    assert again.get_json() == {"status": "duplicate"}
    assert db.session.scalar(select(Order.email)) == "changed@example.com"
    assert db.session.scalar(select(func.count(ShopWebhook.id))) == 1


def test_an_update_applies_and_an_older_one_arriving_late_changes_nothing(client):
    _post(client, order(727, modified_gmt="2026-11-10T09:30:00"), delivery="d-1")
    newer = order(727, modified_gmt="2026-11-11T09:30:00", status="cancelled")
    assert _post(client, newer, topic="order.updated", delivery="d-2").get_json() == {
        "status": "updated"
    }
    late = order(727, modified_gmt="2026-11-10T12:00:00")
    assert _post(client, late, topic="order.updated", delivery="d-3").get_json() == {
        "status": "unchanged"
    }
    assert db.session.scalar(select(Order.cancelled)) is True


def test_a_signature_not_of_the_raw_body_is_refused(client):
    payload = order(727)
    raw = json.dumps(payload).encode()
    reformatted = json.dumps(payload, indent=2).encode()  # same JSON, other bytes
    response = _post(client, body=reformatted, signature=sign(raw, WEBHOOK_SECRET))
    assert response.status_code == 401
    assert _orders() == 0


@pytest.mark.parametrize("signature", ["", "not base64!", sign(b"{}", "other-secret")])
def test_a_bad_signature_is_refused(client, signature):
    assert _post(client, order(727), signature=signature).status_code == 401
    assert _orders() == 0


def test_the_activation_ping_is_accepted_and_changes_nothing(client):
    response = client.post(
        "/webhooks/woocommerce",
        data=b"webhook_id=12",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert db.session.scalar(select(func.count(ShopWebhook.id))) == 0


def test_other_topics_are_acknowledged_and_ignored(client):
    response = _post(client, {"id": 5, "code": "x"}, topic="coupon.created")
    assert response.get_json() == {"status": "ignored"}


def test_an_order_we_cannot_read_is_a_422_with_the_reason(client):
    response = _post(client, {**order(727), "line_items": []})
    assert response.status_code == 422
    assert "line_items" in response.get_json()["message"]
    assert _orders() == 0


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_a_signed_body_that_is_not_an_object_is_a_400(client, body):
    assert _post(client, body=body).status_code == 400


def test_missing_headers_are_a_400(client):
    assert _post(client, order(727), delivery="").status_code == 400


def test_without_a_secret_the_webhook_is_not_configured(app, client):
    app.config["WOOCOMMERCE_WEBHOOK_SECRET"] = None
    assert _post(client, order(727)).status_code == 503


def test_the_answers_are_the_documented_ones(client):
    check_response(_post(client, order(727, lines=[line(1)])), "post", "/webhooks/woocommerce")
    check_response(_post(client, order(727), signature="x"), "post", "/webhooks/woocommerce")

"""Shopify order webhooks: `POST /webhooks/shopify` (docs/shops.md).

Topics `orders/create`, `orders/updated`, `orders/fulfilled`, `orders/partially_fulfilled`,
`orders/cancelled` and `orders/paid` carry the whole order (the REST Order resource) and
are applied as the sync applies a page's order; other topics are acknowledged and ignored.

Order of checks, before anything is parsed: SHOPIFY_WEBHOOK_SECRET set (503 otherwise);
`X-Shopify-Hmac-Sha256` the base64 of a 32-byte digest equal, by a constant-time compare,
to HMAC-SHA256(secret, raw body) (401 otherwise); `X-Shopify-Webhook-Id` present (400).
Then: a delivery id already applied is a 200 `duplicate` and changes nothing; a body that
is not a JSON object is a 400; an order we cannot read a 422 with the reason. An older
`updated_at` than the one we hold (webhooks can arrive out of order) changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re

from flask import current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.api.blueprint import webhooks_bp
from portal.extensions import db
from portal.models import ShopWebhook
from portal.shops.shopify_mapping import BadPayload, Settings
from portal.shops.shopify_orders import apply_order

ORDER_TOPICS = {
    "orders/create",
    "orders/updated",
    "orders/fulfilled",
    "orders/partially_fulfilled",
    "orders/cancelled",
    "orders/paid",
}
WEBHOOK_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
TOPIC = re.compile(r"[a-z_]{1,30}/[a-z_]{1,30}")


def _answer(code: int, **body):
    return jsonify(**body), code


def signature_ok(raw: bytes, header: str, secret: str) -> bool:
    try:
        given = base64.b64decode(header.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).digest()
    return len(given) == len(expected) and hmac.compare_digest(given, expected)


def _seen(webhook_id: str) -> bool:
    found = db.session.scalar(select(ShopWebhook.id).where(ShopWebhook.webhook_id == webhook_id))
    return found is not None


@webhooks_bp.post("/shopify")
def shopify():
    secret = current_app.config.get("SHOPIFY_WEBHOOK_SECRET")
    if not secret:
        current_app.logger.error("Shopify webhook refused: SHOPIFY_WEBHOOK_SECRET is not set")
        message = "Webhooks are not configured (SHOPIFY_WEBHOOK_SECRET)."
        return _answer(503, error="not_configured", message=message)
    header = request.headers.get("X-Shopify-Hmac-Sha256", "")
    raw = request.get_data(cache=False)
    if len(header) > 100 or not signature_ok(raw, header, secret):
        current_app.logger.warning("Shopify webhook refused from %s", request.remote_addr)
        return _answer(401, error="unauthorized", message="Invalid webhook signature.")
    webhook_id = request.headers.get("X-Shopify-Webhook-Id", "")
    topic = request.headers.get("X-Shopify-Topic", "")
    if not WEBHOOK_ID.fullmatch(webhook_id) or not TOPIC.fullmatch(topic):
        message = "X-Shopify-Webhook-Id and X-Shopify-Topic are required."
        return _answer(400, error="bad_request", message=message)
    if _seen(webhook_id):
        return _answer(200, status="duplicate")
    if topic not in ORDER_TOPICS:
        return _answer(200, status="ignored")
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError):
        return _answer(400, error="bad_request", message="The body is not JSON.")
    if not isinstance(payload, dict):
        return _answer(400, error="bad_request", message="The body is not a JSON object.")
    settings = Settings.from_config(current_app.config)
    for attempt in (1, 2):
        try:
            outcome = apply_order(payload, settings)
            db.session.add(
                ShopWebhook(platform="shopify", webhook_id=webhook_id, topic=topic, outcome=outcome)
            )
            db.session.commit()
        except BadPayload as exc:
            db.session.rollback()
            return _answer(422, error="unprocessable", message=str(exc))
        except IntegrityError:
            db.session.rollback()
            if _seen(webhook_id):  # the same delivery, twice at the same moment
                return _answer(200, status="duplicate")
            if attempt == 2:
                return _answer(409, error="conflict", message="The order changed; send again.")
            continue  # another delivery created the order meanwhile: apply it as an update
        return _answer(200, status=outcome)
    return _answer(409, error="conflict", message="The order changed; send again.")

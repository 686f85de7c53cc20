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

import re

from flask import current_app, request

from portal.api.blueprint import webhooks_bp
from portal.api.order_webhooks import (
    answer,
    apply_once,
    json_object,
    not_configured,
    seen,
    signature_ok,
)
from portal.shops.shopify_mapping import Settings
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


@webhooks_bp.post("/shopify")
def shopify():
    secret = current_app.config.get("SHOPIFY_WEBHOOK_SECRET")
    if not secret:
        return not_configured("Shopify", "SHOPIFY_WEBHOOK_SECRET")
    header = request.headers.get("X-Shopify-Hmac-Sha256", "")
    raw = request.get_data(cache=False)
    if len(header) > 100 or not signature_ok(raw, header, secret):
        current_app.logger.warning("Shopify webhook refused from %s", request.remote_addr)
        return answer(401, error="unauthorized", message="Invalid webhook signature.")
    webhook_id = request.headers.get("X-Shopify-Webhook-Id", "")
    topic = request.headers.get("X-Shopify-Topic", "")
    if not WEBHOOK_ID.fullmatch(webhook_id) or not TOPIC.fullmatch(topic):
        message = "X-Shopify-Webhook-Id and X-Shopify-Topic are required."
        return answer(400, error="bad_request", message=message)
    if seen(webhook_id):
        return answer(200, status="duplicate")
    if topic not in ORDER_TOPICS:
        return answer(200, status="ignored")
    payload, refused = json_object(raw)
    if refused is not None:
        return refused
    settings = Settings.from_config(current_app.config)
    return apply_once("shopify", webhook_id, topic, lambda: apply_order(payload, settings))

"""WooCommerce order webhooks: `POST /webhooks/woocommerce` (docs/shops-woocommerce.md).

Topics `order.created` and `order.updated` carry the whole order (the REST API v3 Order
object) and are applied as the sync applies a page's order; other topics are acknowledged
and ignored. WooCommerce's activation ping (a form body `webhook_id=<n>`, unsigned) is
answered 200, so that the store accepts the delivery URL, and changes nothing.

Order of checks, before anything is parsed: WOOCOMMERCE_WEBHOOK_SECRET set (503
otherwise); `X-WC-Webhook-Signature` the base64 of HMAC-SHA256(secret, raw body), by a
constant-time compare (401 otherwise); `X-WC-Webhook-Delivery-ID` and
`X-WC-Webhook-Topic` present (400). A delivery already applied (its delivery id and the
body's digest: WooCommerce derives the id from the webhook and the second it fires, so
two events in one second may share it) is a 200 `duplicate` and changes nothing. An older
`date_modified_gmt` than the one we hold changes nothing either.
"""

from __future__ import annotations

import hashlib
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
from portal.shops.woocommerce_mapping import SOURCE, settings_from_config
from portal.shops.woocommerce_orders import apply_order

ORDER_TOPICS = {"order.created", "order.updated"}
DELIVERY_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
TOPIC = re.compile(r"[a-z_]{1,30}\.[a-z_]{1,30}")
PING = re.compile(rb"webhook_id=\d{1,20}")


@webhooks_bp.post("/woocommerce")
def woocommerce():
    secret = current_app.config.get("WOOCOMMERCE_WEBHOOK_SECRET")
    if not secret:
        return not_configured("WooCommerce", "WOOCOMMERCE_WEBHOOK_SECRET")
    raw = request.get_data(cache=False)
    header = request.headers.get("X-WC-Webhook-Signature", "")
    if not header and PING.fullmatch(raw.strip()):
        return answer(200, status="ignored")
    if len(header) > 100 or not signature_ok(raw, header, secret):
        current_app.logger.warning("WooCommerce webhook refused from %s", request.remote_addr)
        return answer(401, error="unauthorized", message="Invalid webhook signature.")
    delivery = request.headers.get("X-WC-Webhook-Delivery-ID", "")
    topic = request.headers.get("X-WC-Webhook-Topic", "")
    if not DELIVERY_ID.fullmatch(delivery) or not TOPIC.fullmatch(topic):
        message = "X-WC-Webhook-Delivery-ID and X-WC-Webhook-Topic are required."
        return answer(400, error="bad_request", message=message)
    key = f"wc:{delivery}:{hashlib.sha256(raw).hexdigest()[:32]}"
    if seen(key):
        return answer(200, status="duplicate")
    if topic not in ORDER_TOPICS:
        return answer(200, status="ignored")
    payload, refused = json_object(raw)
    if refused is not None:
        return refused
    settings = settings_from_config(current_app.config)
    return apply_once(SOURCE, key, topic, lambda: apply_order(payload, settings))

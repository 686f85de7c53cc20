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
import json
import re

from flask import current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.api.blueprint import webhooks_bp
from portal.api.shopify_webhooks import signature_ok
from portal.extensions import db
from portal.models import ShopWebhook
from portal.shops.shopify_mapping import BadPayload
from portal.shops.woocommerce_mapping import SOURCE, settings_from_config
from portal.shops.woocommerce_orders import apply_order

ORDER_TOPICS = {"order.created", "order.updated"}
DELIVERY_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
TOPIC = re.compile(r"[a-z_]{1,30}\.[a-z_]{1,30}")
PING = re.compile(rb"webhook_id=\d{1,20}")


def _answer(code: int, **body):
    return jsonify(**body), code


def _seen(key: str) -> bool:
    return (
        db.session.scalar(select(ShopWebhook.id).where(ShopWebhook.webhook_id == key)) is not None
    )


@webhooks_bp.post("/woocommerce")
def woocommerce():
    secret = current_app.config.get("WOOCOMMERCE_WEBHOOK_SECRET")
    if not secret:
        current_app.logger.error("WooCommerce webhook refused: WOOCOMMERCE_WEBHOOK_SECRET unset")
        message = "Webhooks are not configured (WOOCOMMERCE_WEBHOOK_SECRET)."
        return _answer(503, error="not_configured", message=message)
    raw = request.get_data(cache=False)
    header = request.headers.get("X-WC-Webhook-Signature", "")
    if not header and PING.fullmatch(raw.strip()):
        return _answer(200, status="ignored")
    if len(header) > 100 or not signature_ok(raw, header, secret):
        current_app.logger.warning("WooCommerce webhook refused from %s", request.remote_addr)
        return _answer(401, error="unauthorized", message="Invalid webhook signature.")
    delivery = request.headers.get("X-WC-Webhook-Delivery-ID", "")
    topic = request.headers.get("X-WC-Webhook-Topic", "")
    if not DELIVERY_ID.fullmatch(delivery) or not TOPIC.fullmatch(topic):
        message = "X-WC-Webhook-Delivery-ID and X-WC-Webhook-Topic are required."
        return _answer(400, error="bad_request", message=message)
    key = f"wc:{delivery}:{hashlib.sha256(raw).hexdigest()[:32]}"
    if _seen(key):
        return _answer(200, status="duplicate")
    if topic not in ORDER_TOPICS:
        return _answer(200, status="ignored")
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError):
        return _answer(400, error="bad_request", message="The body is not JSON.")
    if not isinstance(payload, dict):
        return _answer(400, error="bad_request", message="The body is not a JSON object.")
    settings = settings_from_config(current_app.config)
    for _attempt in (1, 2):
        try:
            outcome = apply_order(payload, settings)
            db.session.add(
                ShopWebhook(platform=SOURCE, webhook_id=key, topic=topic, outcome=outcome)
            )
            db.session.commit()
        except BadPayload as exc:
            db.session.rollback()
            return _answer(422, error="unprocessable", message=str(exc))
        except IntegrityError:
            db.session.rollback()
            if _seen(key):  # the same delivery, twice at the same moment
                return _answer(200, status="duplicate")
            continue  # another delivery created the order meanwhile: apply it as an update
        return _answer(200, status=outcome)
    return _answer(409, error="conflict", message="The order changed; send again.")

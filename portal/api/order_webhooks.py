"""What the platforms' order webhooks share once the signature and headers are checked:
the answer's shape, "already applied", reading the body, and applying it exactly once.

The route commits here, once: the order and the delivery's `ShopWebhook` row together, so a
delivery is either applied and remembered, or neither."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable

from flask import current_app, jsonify
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import ShopWebhook
from portal.shops.shopify_mapping import BadPayload


def answer(code: int, **body):
    return jsonify(**body), code


def not_configured(platform: str, key: str):
    """The 503 of a webhook whose signing secret is not set (nothing can be verified)."""
    current_app.logger.error("%s webhook refused: %s is not set", platform, key)
    return answer(503, error="not_configured", message=f"Webhooks are not configured ({key}).")


def signature_ok(raw: bytes, header: str, secret: str) -> bool:
    """`header` is the base64 of HMAC-SHA256(secret, raw body): compared in constant time."""
    try:
        given = base64.b64decode(header.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).digest()
    return len(given) == len(expected) and hmac.compare_digest(given, expected)


def seen(key: str) -> bool:
    found = db.session.scalar(select(ShopWebhook.id).where(ShopWebhook.webhook_id == key))
    return found is not None


def json_object(raw: bytes):
    """(the body as a dict, None) or (None, the 400 to answer)."""
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError):
        return None, answer(400, error="bad_request", message="The body is not JSON.")
    if not isinstance(payload, dict):
        return None, answer(400, error="bad_request", message="The body is not a JSON object.")
    return payload, None


def apply_once(platform: str, key: str, topic: str, apply: Callable[[], str]):
    """Apply the order and remember the delivery in one commit; a delivery applied at the
    same moment by another request is a duplicate; an order another delivery created
    meanwhile is applied again as an update; an order we cannot read is a 422."""
    for _attempt in (1, 2):
        try:
            outcome = apply()
            db.session.add(
                ShopWebhook(platform=platform, webhook_id=key, topic=topic, outcome=outcome)
            )
            db.session.commit()
        except BadPayload as exc:
            db.session.rollback()
            return answer(422, error="unprocessable", message=str(exc))
        except IntegrityError:
            db.session.rollback()
            if seen(key):  # the same delivery, twice at the same moment
                return answer(200, status="duplicate")
            continue  # another delivery created the order meanwhile: apply it as an update
        return answer(200, status=outcome)
    return answer(409, error="conflict", message="The order changed; send again.")

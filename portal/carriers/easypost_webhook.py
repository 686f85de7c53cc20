"""EasyPost's tracker webhooks: verify the signature on the raw body, read the event.

See docs/easypost.md. No Flask in here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from easypost import errors as ep_errors
from easypost.util import validate_webhook

from portal.carriers.base import TrackingUpdate

# EasyPost tracker statuses -> ours (portal.carriers.base.TRACKING_STATUSES); unknown -> None.
# "available_for_pickup" waits at a point or counter: not delivered to the warehouse.
TRACKER_STATUSES: dict[str, str] = {
    **{same: same for same in ("pre_transit", "in_transit", "out_for_delivery", "delivered")},
    "available_for_pickup": "held_at_point",
    "return_to_sender": "returned_to_sender",
    "cancelled": "cancelled",
    **dict.fromkeys(("failure", "error"), "failure"),
}
TRACKER_EVENTS = frozenset({"tracker.created", "tracker.updated"})


class WebhookSignatureError(Exception):
    """The webhook is not signed with our secret (or not signed at all)."""


def parse_webhook(
    raw_body: bytes, headers: Mapping[str, str], secret: str
) -> TrackingUpdate | None:
    """Verify an EasyPost webhook (X-Hmac-Signature) and read a tracker event from it.

    Raises WebhookSignatureError when the signature is missing or wrong. Returns None for
    events that are not about a tracker, or whose status means nothing to us ("unknown")."""
    if not secret:
        raise WebhookSignatureError("no EasyPost webhook secret configured")
    signature = next((v for k, v in headers.items() if k.lower() == "x-hmac-signature" and v), None)
    if not signature:
        raise WebhookSignatureError("the webhook carries no X-Hmac-Signature header")
    body = raw_body.encode("utf-8") if isinstance(raw_body, str) else bytes(raw_body)
    try:
        event = validate_webhook(body, {"X-Hmac-Signature": signature}, secret)
    except ep_errors.SignatureVerificationError as exc:
        raise WebhookSignatureError(exc.message) from exc
    except ValueError:  # signed, but not JSON
        return None
    if not isinstance(event, dict) or event.get("description") not in TRACKER_EVENTS:
        return None
    result = event.get("result")
    if not isinstance(result, dict):
        return None
    status = TRACKER_STATUSES.get(str(result.get("status")))
    tracking_code, event_id = result.get("tracking_code"), event.get("id")
    if not (status and tracking_code and event_id):
        return None
    return TrackingUpdate(
        event_id=str(event_id),
        tracking_code=str(tracking_code),
        status=status,
        occurred_at=_occurred_at(event, result),
    )


def _occurred_at(event: dict[str, Any], result: dict[str, Any]) -> datetime | None:
    details = [d for d in result.get("tracking_details") or [] if isinstance(d, dict)]
    times = [t for t in (_parse_time(d.get("datetime")) for d in details) if t]
    if times:
        return max(times)
    for value in (result.get("updated_at"), event.get("created_at")):
        if parsed := _parse_time(value):
            return parsed
    return None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

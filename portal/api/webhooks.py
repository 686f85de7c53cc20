"""Carrier webhooks: EasyPost tracking events.

`POST /webhooks/easypost` checks the X-Hmac-Signature of the raw body with
EASYPOST_WEBHOOK_SECRET (401 otherwise, nothing stored; 503 while no secret is configured),
then applies the event once (`services.tracking.apply_tracking`) and commits. Replays,
unknown tracking codes and events we do not use are acknowledged with 200 so that EasyPost
stops sending them; only a failure on our side (5xx) makes it try again.

Hostile or broken input never reaches a 5xx (EasyPost would retry it for a day): a signature
header that is not `hmac-sha256-hex=<64 hex digits>` is a 401 before anything else is read;
a signed body nested too deep to parse, or whose event id or tracking code no column can
hold (too long, control characters, not a string), is acknowledged 200 `ignored` and nothing
is stored.
"""

from __future__ import annotations

import re

from flask import current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from portal.api.blueprint import webhooks_bp
from portal.carriers.base import TrackingUpdate
from portal.carriers.easypost_webhook import WebhookSignatureError, parse_webhook
from portal.extensions import db
from portal.services.tracking import already_handled, apply_tracking

SIGNATURE = re.compile(r"hmac-sha256-hex=[0-9a-fA-F]{64}")
# EasyPost ids ("evt_…") and carriers' tracking codes are letters, digits and a few
# separators, within what the columns hold (CarrierEvent.event_id 128, tracking codes 64).
EVENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
TRACKING_CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def _refused(reason: str):
    current_app.logger.warning("EasyPost webhook refused from %s: %s", request.remote_addr, reason)
    return jsonify(error="unauthorized", message="Invalid webhook signature."), 401


def _usable(update: TrackingUpdate) -> bool:
    return bool(
        EVENT_ID.fullmatch(update.event_id) and TRACKING_CODE.fullmatch(update.tracking_code)
    )


def _ignored(reason: str):
    current_app.logger.info("EasyPost webhook ignored: %s", reason)
    return jsonify(status="ignored"), 200


@webhooks_bp.post("/easypost")
def easypost():
    secret = current_app.config.get("EASYPOST_WEBHOOK_SECRET")
    if not secret:
        current_app.logger.error("EasyPost webhook refused: EASYPOST_WEBHOOK_SECRET is not set")
        message = "Webhooks are not configured (EASYPOST_WEBHOOK_SECRET)."
        return jsonify(error="not_configured", message=message), 503
    signature = request.headers.get("X-Hmac-Signature", "")
    if not SIGNATURE.fullmatch(signature):
        return _refused("malformed or missing X-Hmac-Signature")
    raw = request.get_data(cache=False)
    try:
        update = parse_webhook(raw, {"X-Hmac-Signature": signature}, secret)
    except WebhookSignatureError as exc:
        return _refused(str(exc))
    except RecursionError:  # signed (checked before parsing), but nested too deep to read
        return _ignored("body nested too deep")
    if update is None:
        return jsonify(status="ignored"), 200
    if not _usable(update):
        return _ignored(f"unusable event id or tracking code ({update.event_id[:40]!r})")
    try:
        outcome = apply_tracking(update, provider="easypost")
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if not already_handled(update.event_id):
            raise
        outcome = "duplicate"  # the same event, delivered twice at the same moment
        current_app.logger.info("EasyPost event %s arrived twice at once", update.event_id)
    return jsonify(status=outcome, event=update.event_id), 200

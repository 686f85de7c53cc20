"""Carrier webhooks: EasyPost tracking events.

`POST /webhooks/easypost` checks the X-Hmac-Signature of the raw body with
EASYPOST_WEBHOOK_SECRET (401 otherwise, nothing stored; 503 while no secret is configured),
then applies the event once (`services.tracking.apply_tracking`) and commits. Replays,
unknown tracking codes and events we do not use are acknowledged with 200 so that EasyPost
stops sending them; only a failure on our side (5xx) makes it try again.
"""

from __future__ import annotations

from flask import current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from portal.api.blueprint import webhooks_bp
from portal.carriers.easypost_carrier import WebhookSignatureError, parse_webhook
from portal.extensions import db
from portal.services.tracking import already_handled, apply_tracking


@webhooks_bp.post("/easypost")
def easypost():
    secret = current_app.config.get("EASYPOST_WEBHOOK_SECRET")
    if not secret:
        current_app.logger.error("EasyPost webhook refused: EASYPOST_WEBHOOK_SECRET is not set")
        message = "Webhooks are not configured (EASYPOST_WEBHOOK_SECRET)."
        return jsonify(error="not_configured", message=message), 503
    raw = request.get_data(cache=False)
    try:
        update = parse_webhook(raw, request.headers, secret)
    except WebhookSignatureError as exc:
        current_app.logger.warning("EasyPost webhook refused from %s: %s", request.remote_addr, exc)
        return jsonify(error="unauthorized", message="Invalid webhook signature."), 401
    if update is None:
        return jsonify(status="ignored"), 200
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

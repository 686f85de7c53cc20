"""Payment provider webhooks: Stripe (signed events) and Mollie (an id to fetch).

`POST /webhooks/stripe` verifies the raw body with `stripe.Webhook.construct_event` and
STRIPE_WEBHOOK_SECRET (400 on a bad signature, 503 while no secret is set), then applies
the refunds the event carries. `POST /webhooks/mollie` takes the `id` Mollie posts, and only
for a refund (re_…) or payment (tr_…) we know, fetches it from Mollie and applies what
Mollie says. Unknown, replayed or uninteresting events answer 200 and change nothing.
"""

from __future__ import annotations

import stripe
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import select

from portal.extensions import db
from portal.models import Refund
from portal.payments import get_provider
from portal.payments.stripe_provider import outcome_of
from portal.payments.updates import apply_event

bp = Blueprint("payment_webhooks", __name__, url_prefix="/webhooks")

REFUND_EVENTS = {"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"}


def _stripe_refunds(event) -> list:
    obj = event["data"]["object"]
    if event["type"] in REFUND_EVENTS and obj.get("object") == "refund":
        return [obj]
    if event["type"] == "charge.refunded" and obj.get("object") == "charge":
        refunds = obj.get("refunds") or {}
        return list(refunds.get("data") or [])
    return []


@bp.post("/stripe")
def stripe_webhook():
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        current_app.logger.error("Stripe webhook refused: STRIPE_WEBHOOK_SECRET is not set")
        return jsonify(error="not_configured", message="STRIPE_WEBHOOK_SECRET is not set."), 503
    raw = request.get_data(cache=False)
    try:
        event = stripe.Webhook.construct_event(
            raw.decode("utf-8", "replace"), request.headers.get("Stripe-Signature", ""), secret
        )
    except (ValueError, stripe.SignatureVerificationError) as exc:
        current_app.logger.warning("Stripe webhook refused from %s: %s", request.remote_addr, exc)
        return jsonify(error="bad_signature", message="Invalid webhook signature."), 400
    event = event.to_dict()
    results = [apply_event("stripe", outcome_of(r)) for r in _stripe_refunds(event)]
    db.session.commit()
    return jsonify(status=",".join(results) or "ignored", event=event.get("id")), 200


def _known_mollie(resource_id: str) -> list[tuple[str, str]]:
    """(refund id, payment id) pairs of ours that the posted id names."""
    if resource_id.startswith("re_"):
        where = Refund.provider_refund_id == resource_id
    elif resource_id.startswith("tr_"):
        where = (Refund.payment_reference == resource_id) & Refund.provider_refund_id.is_not(None)
    else:
        return []
    rows = db.session.execute(
        select(Refund.provider_refund_id, Refund.payment_reference).where(
            Refund.provider == "mollie", where
        )
    ).all()
    return [(r[0], r[1]) for r in rows]


@bp.post("/mollie")
def mollie_webhook():
    resource_id = (request.form.get("id") or "").strip()[:64]
    known = _known_mollie(resource_id)
    db.session.rollback()  # no transaction stays open while we ask Mollie
    if not known:
        return jsonify(status="unknown"), 200
    if not current_app.config.get("MOLLIE_API_KEY"):
        return jsonify(error="not_configured", message="MOLLIE_API_KEY is not set."), 503
    provider = get_provider("mollie")
    results = []
    for refund_id, payment_id in known:
        outcome = provider.fetch(refund_id, payment_id)
        if outcome is None:
            results.append("unknown")
            continue
        if outcome.state == "retry":
            return jsonify(error="try_again", message="Mollie could not be reached."), 503
        results.append(apply_event("mollie", outcome))
        db.session.commit()
    return jsonify(status=",".join(results)), 200

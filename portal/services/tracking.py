"""Carrier tracking events mapped onto the return's timeline; each event handled once."""

from __future__ import annotations

from sqlalchemy import select

from portal.carriers.base import TrackingUpdate
from portal.extensions import db
from portal.models import CarrierEvent, Label, ReturnRequest
from portal.notifications import notify
from portal.services import audit


def apply_tracking(update: TrackingUpdate, *, provider: str) -> str:
    """Returns 'duplicate', 'unknown', 'ignored' or 'applied'. Flushes; caller commits."""
    if db.session.scalar(select(CarrierEvent).where(CarrierEvent.event_id == update.event_id)):
        return "duplicate"
    event = CarrierEvent(
        event_id=update.event_id,
        provider=provider,
        tracking_code=update.tracking_code,
        status=update.status,
    )
    db.session.add(event)
    label = db.session.scalar(select(Label).where(Label.tracking_code == update.tracking_code))
    if label is None:
        db.session.flush()
        return "unknown"
    event.matched = True
    rr: ReturnRequest = label.return_request
    outcome = "ignored"
    if update.status in ("in_transit", "out_for_delivery", "delivered"):
        if rr.status == "label_issued":
            audit.transition(
                rr,
                "in_transit",
                "carrier_scan",
                actor_type="carrier",
                actor=provider,
                tracking_code=update.tracking_code,
                carrier_status=update.status,
            )
            notify(rr, "in_transit")
            _maybe_instant_exchange(rr)
            outcome = "applied"
        if update.status == "delivered" and rr.status == "in_transit":
            audit.record(
                rr,
                "arriving_at_warehouse",
                actor_type="carrier",
                actor=provider,
                tracking_code=update.tracking_code,
            )
            outcome = "applied"
    db.session.flush()
    return outcome


def _maybe_instant_exchange(rr: ReturnRequest) -> None:
    from portal.services.policy import current_policy

    if not current_policy().instant_exchange:
        return
    from portal.services.resolve import ship_exchange

    for item in rr.items:
        if item.resolution == "exchange" and item.exchange_tracking_code is None:
            ship_exchange(rr, item, actor_type="system", actor="instant exchange", early=True)

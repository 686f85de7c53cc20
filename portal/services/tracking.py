"""Carrier tracking events mapped onto the return's timeline; each event handled once.

- The first scan (in transit, out for delivery or delivered) of a return whose label is issued
  moves it to `in_transit` and e-mails the customer ("on its way to us"); with instant
  exchange, the replacement ships then.
- Delivered, while in transit: an `arriving_at_warehouse` event on the timeline (once).
- Every event is stored (`CarrierEvent`, unique by the carrier's event id), so a replay changes
  nothing. Unknown tracking codes are stored unmatched and logged, not errors. Events for a
  voided label (replaced or cancelled) are stored and change nothing.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from portal import lifecycle
from portal.carriers.base import TrackingUpdate
from portal.extensions import db
from portal.models import AuditEvent, CarrierEvent, Label, ReturnRequest
from portal.notifications import notify
from portal.services import audit
from portal.services.policy import current_policy
from portal.services.resolve import LineAlreadyReplaced, ship_exchange

SCANNED = ("in_transit", "out_for_delivery", "held_at_point", "delivered")


def already_handled(event_id: str) -> bool:
    found = db.session.scalar(select(CarrierEvent.id).where(CarrierEvent.event_id == event_id))
    return found is not None


def apply_tracking(update: TrackingUpdate, *, provider: str) -> str:
    """Returns 'duplicate', 'unknown', 'ignored' or 'applied'. Flushes; caller commits.

    The same event delivered twice at the same moment: the second insert fails on the unique
    event id (IntegrityError, at flush or commit); the caller rolls back and, if
    `already_handled(event_id)`, treats it as a duplicate."""
    if already_handled(update.event_id):
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
        current_app.logger.info(
            "%s tracking event %s for unknown tracking code %s (%s): stored, not matched",
            provider,
            update.event_id,
            update.tracking_code,
            update.status,
        )
        return "unknown"
    event.matched = True
    db.session.flush()  # the event first: a concurrent copy of it fails here, not later
    rr: ReturnRequest = label.return_request
    db.session.refresh(rr, with_for_update=True)  # one status change at a time
    if label.voided_at is not None:
        current_app.logger.warning(
            "%s tracking event %s (%s) for voided label %s of %s: ignored",
            provider,
            update.event_id,
            update.status,
            update.tracking_code,
            rr.rma,
        )
        return "ignored"
    outcome = "ignored"
    if update.status in SCANNED and lifecycle.can(rr, "carrier_scan"):
        audit.transition(
            rr,
            "carrier_scan",
            actor_type="carrier",
            actor=provider,
            tracking_code=update.tracking_code,
            carrier_status=update.status,
        )
        notify(rr, "in_transit")
        _maybe_instant_exchange(rr)
        outcome = "applied"
    if (
        update.status == "delivered"
        and lifecycle.can(rr, "carrier_delivered")
        and not _arrival_recorded(rr)
    ):
        audit.transition(
            rr,
            "carrier_delivered",
            actor_type="carrier",
            actor=provider,
            tracking_code=update.tracking_code,
        )
        outcome = "applied"
    db.session.flush()
    return outcome


def _arrival_recorded(rr: ReturnRequest) -> bool:
    return (
        db.session.scalar(
            select(AuditEvent.id).where(
                AuditEvent.return_id == rr.id,
                AuditEvent.action == lifecycle.RETURN.event("carrier_delivered").action,
            )
        )
        is not None
    )


def _maybe_instant_exchange(rr: ReturnRequest) -> None:

    if not current_policy().instant_exchange:
        return

    for item in rr.items:
        if item.resolution == "exchange" and item.exchange_tracking_code is None:
            try:
                ship_exchange(rr, item, actor_type="system", actor="instant exchange", early=True)
            except LineAlreadyReplaced:  # never blocks the scan; staff see why at inspection
                continue

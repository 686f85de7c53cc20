"""Carrier tracking events mapped onto the return's timeline; each event handled once.

- The first scan (in transit, out for delivery or delivered) of a return whose label is issued
  moves it to `in_transit` and e-mails the customer ("on its way to us"); with instant
  exchange, the replacement ships then.
- Delivered, while in transit: an `arriving_at_warehouse` event on the timeline (once).
- Every event of a label we issued is stored (`CarrierEvent`, unique by the carrier's event
  id) with when and where the scan happened, so a replay changes nothing and the timeline shows
  the scan's own time. Events for tracking codes we never issued are acknowledged (the caller
  answers 2xx) and logged, never stored. Events for a voided label (replaced or cancelled) are
  stored and change nothing.
- Returned to sender, failure, cancelled (`NEEDS_ACTION`): the latest scan of a live label says
  so on the customer's page (`problem`) and in a staff queue (`needing_action`) until a later
  scan or the warehouse's receipt settles it.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from portal import lifecycle
from portal.carriers.base import NEEDS_ACTION, TrackingUpdate
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
    label = db.session.scalar(select(Label).where(Label.tracking_code == update.tracking_code))
    if label is None:
        current_app.logger.info(
            "%s tracking event %s for unknown tracking code %s (%s): acknowledged, not kept",
            provider,
            update.event_id,
            update.tracking_code,
            update.status,
        )
        return "unknown"
    event = CarrierEvent(
        event_id=update.event_id,
        provider=provider,
        tracking_code=update.tracking_code,
        status=update.status,
        matched=True,
        occurred_at=update.occurred_at,
        location=(update.location or "")[:200] or None,
        description=(update.description or "")[:300] or None,
    )
    db.session.add(event)
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
            **_when_where(update),
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
            **_when_where(update),
        )
        outcome = "applied"
    db.session.flush()
    return outcome


def _when_where(update: TrackingUpdate) -> dict[str, str]:
    """The scan's own time and place, kept on the audit event for the timeline."""
    found = {"location": update.location[:200]} if update.location else {}
    if update.occurred_at is not None:
        found["occurred_at"] = update.occurred_at.isoformat()
    return found


def latest_scan(tracking_code: str) -> CarrierEvent | None:
    """The label's latest event by when the scan happened (arrival order when undated)."""
    return db.session.scalar(
        select(CarrierEvent)
        .where(CarrierEvent.tracking_code == tracking_code, CarrierEvent.matched.is_(True))
        .order_by(
            func.coalesce(CarrierEvent.occurred_at, CarrierEvent.received_at).desc(),
            CarrierEvent.id.desc(),
        )
        .limit(1)
    )


def problem(rr: ReturnRequest) -> CarrierEvent | None:
    """The carrier's latest word on the parcel when it needs someone to act (returned to
    sender, failure, cancelled), while the parcel is not with us yet; else None."""
    label = rr.current_label
    if label is None or not lifecycle.is_in(rr, "awaiting_parcel"):
        return None
    latest = latest_scan(label.tracking_code)
    return latest if latest is not None and latest.status in NEEDS_ACTION else None


def needing_action(limit: int = 50) -> list[tuple[ReturnRequest, CarrierEvent]]:
    """Returns whose parcel the carrier reports returned to sender, failed or cancelled."""
    codes = select(CarrierEvent.tracking_code).where(
        CarrierEvent.matched.is_(True), CarrierEvent.status.in_(NEEDS_ACTION)
    )
    candidates = db.session.scalars(
        select(ReturnRequest)
        .join(Label, Label.return_id == ReturnRequest.id)
        .where(
            Label.voided_at.is_(None),
            Label.tracking_code.in_(codes),
            ReturnRequest.status.in_(lifecycle.GROUPS["awaiting_parcel"]),
        )
        .order_by(ReturnRequest.created_at)
        .distinct()
    )
    found = []
    for rr in candidates:
        event = problem(rr)
        if event is not None:
            found.append((rr, event))
        if len(found) >= limit:
            break
    return found


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

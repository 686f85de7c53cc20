"""Issuing return labels through the configured carrier.

The carrier call runs outside any write: the return is committed first; the call
happens; then the label (or the failure, with when to retry) is recorded and
committed. A failure leaves the return `requested` with the label pending, and
`retry_pending_labels` (run by `labels retry` or the outbox worker) tries again.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from labels import Address, LabelItem, RelayPointInfo
from portal.carriers import get_carrier
from portal.carriers.base import CarrierError, LabelRequest
from portal.extensions import db
from portal.links import status_url
from portal.models import Label, ReturnRequest
from portal.models.base import utcnow
from portal.notifications import notify
from portal.services import audit
from portal.services.errors import InvalidTransition
from portal.services.policy import current_policy

MAX_RETRY_DELAY = timedelta(hours=1)


def warehouse_address() -> Address:
    lines = [part.strip() for part in current_app.config["SHOP_ADDRESS"].split("\n")]
    lines += [""] * (5 - len(lines))
    name, line1, postcode, city, country = lines[:5]
    return Address(name=name, line1=line1, postcode=postcode, city=city, country=country or "FR")


def build_request(rr: ReturnRequest) -> LabelRequest:
    relay = rr.relay_point
    return LabelRequest(
        rma=rr.rma,
        sender=Address(
            name=rr.contact_name,
            line1=rr.sender_line1,
            line2=rr.sender_line2,
            postcode=rr.sender_postcode,
            city=rr.sender_city,
            country=rr.sender_country,
        ),
        recipient=warehouse_address(),
        relay_point=RelayPointInfo(
            network=relay.network,
            name=relay.name,
            address=relay.address,
            postcode=relay.postcode,
            city=relay.city,
            opening_hours=relay.opening_hours,
        )
        if relay
        else None,
        items=tuple(LabelItem(i.order_line.variant.sku, i.quantity) for i in rr.items),
        weight_grams=sum(i.order_line.variant.product.weight_grams * i.quantity for i in rr.items),
        status_url=status_url(rr),
        locale=rr.locale,
        valid_days=current_policy().label_valid_days,
        previous_shipment_id=rr.label_shipment_id,
    )


def issue_label(rr: ReturnRequest, *, actor_type: str = "system", actor: str = "") -> Label | None:
    """Ask the carrier for a label and record the outcome (flushes; caller commits)."""
    request = build_request(rr)
    try:
        issued = get_carrier().issue_label(request)
    except CarrierError as exc:
        _record_failure(rr, exc)
        return None
    now = utcnow()
    label = Label(
        carrier=issued.carrier,
        tracking_code=issued.tracking_code,
        external_id=issued.shipment_id,
        pdf=issued.pdf,
        issued_at=now,
        expires_at=now + timedelta(days=request.valid_days),
    )
    rr.labels.append(label)
    rr.label_error, rr.label_next_attempt_at, rr.label_shipment_id = None, None, None
    rr.label_blocked = False
    if rr.status == "requested":
        audit.transition(
            rr,
            "label_issued",
            "label_issued",
            actor_type=actor_type,
            actor=actor,
            tracking_code=issued.tracking_code,
            carrier=issued.carrier,
        )
    else:
        audit.record(
            rr,
            "label_reissued",
            actor_type=actor_type,
            actor=actor,
            tracking_code=issued.tracking_code,
            carrier=issued.carrier,
        )
    notify(
        rr,
        "confirmation",
        label=label,
        attachments=((f"label-{rr.rma}.pdf", "application/pdf", issued.pdf),),
    )
    db.session.flush()
    return label


def _record_failure(rr: ReturnRequest, exc: CarrierError) -> None:
    first_failure = rr.label_attempts == 0
    rr.label_attempts += 1
    rr.label_error = str(exc)[:1000]
    if exc.shipment_id:
        rr.label_shipment_id = exc.shipment_id
    if exc.retryable:
        delay = timedelta(seconds=exc.retry_after or 60 * 2 ** min(rr.label_attempts - 1, 6))
        rr.label_next_attempt_at = utcnow() + min(delay, MAX_RETRY_DELAY)
    else:
        rr.label_blocked = True
        rr.label_next_attempt_at = None
    audit.record(
        rr, "label_failed", actor_type="system", error=rr.label_error, retryable=exc.retryable
    )
    if first_failure:
        notify(rr, "label_pending")
    current_app.logger.warning("label for %s failed: %s", rr.rma, exc)


def retry_pending_labels(limit: int = 20) -> int:
    """Try again the labels that failed and are due. Commits after each return."""
    due = db.session.scalars(
        select(ReturnRequest.id)
        .where(
            ReturnRequest.status == "requested",
            ReturnRequest.label_blocked.is_(False),
            ReturnRequest.label_next_attempt_at <= utcnow(),
        )
        .limit(limit)
    ).all()
    issued = 0
    for rr_id in due:
        rr = db.session.get(ReturnRequest, rr_id)
        if issue_label(rr) is not None:
            issued += 1
        db.session.commit()
    return issued


def void_current_label(rr: ReturnRequest) -> Label | None:
    label = rr.current_label
    if label is not None:
        label.voided_at = utcnow()
    return label


def reissue_label(
    rr: ReturnRequest, *, actor_type: str, actor: str = "", relay_point=None
) -> Label | None:
    """A new label (optionally for another relay point); the old one stops being valid."""
    if rr.status not in ("requested", "label_issued"):
        raise InvalidTransition("A new label can only be issued before the parcel is sent.")
    if relay_point is not None:
        rr.relay_point = relay_point
    void_current_label(rr)
    rr.label_blocked = False
    db.session.flush()
    return issue_label(rr, actor_type=actor_type, actor=actor)

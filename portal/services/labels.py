"""Issuing, retrying, re-issuing and voiding return labels through the carriers.

The carrier is never called while the session holds a write of ours:

- `issue_label`: the caller has committed the return; the carrier is called; then the row is
  locked, checked again, and the label (or the failure and when to retry) is recorded. The
  caller commits. A failure leaves the return `requested` with the label pending.
- `retry_pending_labels` (`labels retry`, the outbox worker): claims each due return with a
  short committed lease, so that two workers never buy for the same return; the carrier gets
  the stored shipment id back (`previous_shipment_id`), so a label is never bought twice.
- Voiding: setting `Label.voided_at` (re-issue here; cancel and expiry in services.returns)
  queues the carrier's void, which runs once the transaction has committed (and is dropped if
  it rolls back). A failed void is logged and audited (`label_void_failed`); it never blocks
  the customer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update
from sqlalchemy import inspect as sa_inspect

from labels import Address, LabelItem, RelayPointInfo
from portal import lifecycle
from portal.carriers import MONDIAL_RELAY, get_carrier
from portal.carriers.base import CarrierError, IssuedLabel, LabelRequest
from portal.extensions import db
from portal.links import status_url
from portal.models import AuditEvent, Label, RelayPoint, ReturnRequest
from portal.models.base import utcnow
from portal.notifications import notify
from portal.services import audit, label_pdf
from portal.services.errors import InvalidTransition, LabelUnavailable
from portal.services.label_voids import PendingVoid, queue_void, run_voids, void
from portal.services.policy import current_policy

FIRST_RETRY_DELAY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=1)
# How long a worker owns a return while it asks the carrier; also how long a return whose
# first attempt never finished (the web process died) waits before the worker takes it over.
LEASE = timedelta(minutes=5)


def warehouse_address() -> Address:
    lines = [part.strip() for part in current_app.config["SHOP_ADDRESS"].split("\n")]
    lines += [""] * (5 - len(lines))
    name, line1, postcode, city, country = lines[:5]
    return Address(name=name, line1=line1, postcode=postcode, city=city, country=country or "FR")


def build_request(rr: ReturnRequest, *, relay_point: RelayPoint | None = None) -> LabelRequest:
    """What the carrier needs; `relay_point` overrides the return's (a change not yet saved)."""
    relay = relay_point or rr.relay_point
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
        relay_point_code=relay.external_id if relay and relay.network == MONDIAL_RELAY else None,
        relay_point_country=(relay.country if relay else rr.sender_country) or "FR",
        contact_email=rr.contact_email,
        collection_date=rr.collection_date if relay and relay.kind == "letterbox" else None,
    )


# issuing ----------------------------------------------------------------------------------------
def issue_label(rr: ReturnRequest, *, actor_type: str = "system", actor: str = "") -> Label | None:
    """Ask the carrier for the return's first label and record the outcome.

    Call it with the return committed and nothing of ours unflushed: the carrier call must not
    hold a write. Flushes; the caller commits. Returns the label, or None when it is pending
    (retryable failure, or blocked until staff act on a non-retryable one)."""
    if not _wants_first_label(rr):
        return rr.current_label
    carrier = get_carrier(rr.relay_point.network if rr.relay_point else None)
    try:
        request = build_request(rr)
        issued = _ask(carrier, request)
    except (CarrierError, ValueError, TypeError, LookupError) as exc:
        if not isinstance(exc, CarrierError):  # our data: trying again will not help
            current_app.logger.exception("label for %s cannot be made", rr.rma)
            reason = f"the label cannot be made from this return's data: {exc}"
            exc = CarrierError(reason, retryable=False)
        _lock(rr)
        if _wants_first_label(rr):
            _record_failure(rr, exc)
        return rr.current_label
    _lock(rr)
    if not _wants_first_label(rr):
        # Cancelled, or issued by someone else, while we were asking: this one is not needed.
        queue_void(PendingVoid.of(issued, rr.id, always=True))
        return rr.current_label
    return _record_label(rr, issued, request.valid_days, actor_type=actor_type, actor=actor)


def _ask(carrier, request: LabelRequest) -> IssuedLabel:
    """The carrier's label. One we draw ourselves (the demo carrier) comes undrawn: its
    words are stored and the PDF is drawn on first need (`services.label_pdf`), not in the
    customer's request."""
    undrawn = getattr(carrier, "issue_label_undrawn", None)
    if undrawn is not None and current_app.config.get("LABEL_DRAW_ON_FIRST_NEED", True):
        return undrawn(request)
    return carrier.issue_label(request)


def _wants_first_label(rr: ReturnRequest) -> bool:
    return lifecycle.can(rr, "issue_label") and rr.current_label is None


def _lock(rr: ReturnRequest) -> None:
    """Re-read the return's row and its labels, locked until commit (PostgreSQL; SQLite
    serialises writers anyway). Its items and order stay as loaded: before the parcel is
    sent nothing changes them that this verb reads. Its relay point is read again if
    another request changed it meanwhile (`reissue_label` does, under this lock)."""
    db.session.flush()
    columns = [attr.key for attr in sa_inspect(ReturnRequest).column_attrs]
    db.session.refresh(rr, columns, with_for_update=True)
    db.session.expire(rr, ["labels"])
    if "relay_point" not in sa_inspect(rr).unloaded:
        point = rr.relay_point
        if (point.id if point is not None else None) != rr.relay_point_id:
            db.session.expire(rr, ["relay_point"])


def _record_label(
    rr: ReturnRequest, issued: IssuedLabel, valid_days: int, *, actor_type: str, actor: str
) -> Label:
    now = utcnow()
    label = Label(
        carrier=issued.carrier,
        tracking_code=issued.tracking_code,
        external_id=issued.shipment_id,
        pdf=issued.pdf,
        drawing=label_pdf.to_json(issued.drawing) if issued.drawing is not None else None,
        issued_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    rr.labels.append(label)
    rr.label_error, rr.label_next_attempt_at, rr.label_shipment_id = None, None, None
    rr.label_blocked = False
    details = {"tracking_code": issued.tracking_code, "carrier": issued.carrier}
    if issued.collection_booked is False:
        # the label is good at any post office; never promise a collection nobody booked
        rr.collection_date = None
        details["collection"] = "not booked"
    event = "issue_label" if lifecycle.can(rr, "issue_label") else "reissue_label"
    audit.transition(rr, event, actor_type=actor_type, actor=actor, **details)
    notify(rr, "confirmation", label=label)  # the worker attaches the label and the slip
    db.session.flush()
    return label


def retry_delay(attempts: int, retry_after: float | None = None) -> timedelta:
    """When to try again after `attempts` failures: what the carrier asked for (429
    Retry-After, never shortened), else 1, 2, 4 … minutes, at most an hour."""
    if retry_after is not None:
        return timedelta(seconds=max(retry_after, 1.0))
    return min(FIRST_RETRY_DELAY * 2 ** min(max(attempts - 1, 0), 10), MAX_RETRY_DELAY)


def _record_failure(rr: ReturnRequest, exc: CarrierError) -> None:
    first_failure = rr.label_attempts == 0
    rr.label_attempts += 1
    rr.label_error = str(exc)[:1000]
    if exc.shipment_id:
        rr.label_shipment_id = exc.shipment_id  # looked up, never bought again, on retry
    if exc.retryable:
        rr.label_next_attempt_at = utcnow() + retry_delay(rr.label_attempts, exc.retry_after)
    else:
        rr.label_blocked = True  # e.g. 402: staff must act (home page alert); no retries
        rr.label_next_attempt_at = None
    audit.record(
        rr,
        "label_failed",
        actor_type="system",
        error=rr.label_error,
        retryable=exc.retryable,
        problem=exc.problem,
        code=exc.code,
        attempts=rr.label_attempts,
        next_attempt_at=rr.label_next_attempt_at.isoformat() if rr.label_next_attempt_at else None,
    )
    if first_failure:
        notify(rr, "label_pending")
    current_app.logger.warning("label for %s failed: %s", rr.rma, exc)


# retrying ---------------------------------------------------------------------------------------
def _due(now: datetime):
    return and_(
        ReturnRequest.status.in_(lifecycle.states_where("issue_label")),
        ReturnRequest.label_blocked.is_(False),
        or_(
            ReturnRequest.label_next_attempt_at <= now,
            # never attempted to the end (the process died during the first attempt)
            and_(
                ReturnRequest.label_next_attempt_at.is_(None),
                ReturnRequest.created_at < now - LEASE,
            ),
        ),
    )


def _claim(rr_id: int) -> bool:
    """Own the return for one attempt (a lease); False if another worker got it first."""
    now = utcnow()
    result = db.session.execute(
        update(ReturnRequest)
        .where(ReturnRequest.id == rr_id, _due(now))
        .values(label_next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def retry_pending_labels(limit: int = 20) -> int:
    """Try again the labels that failed and are due; returns how many were issued.

    Commits: one short transaction to claim each return, another to record the outcome; the
    carrier is called in between, outside any write."""
    due = db.session.scalars(
        select(ReturnRequest.id)
        .where(_due(utcnow()))
        .order_by(ReturnRequest.label_next_attempt_at, ReturnRequest.id)
        .limit(limit)
    ).all()
    db.session.commit()
    issued = 0
    for rr_id in due:
        if not _claim(rr_id):
            continue
        rr = db.session.get(ReturnRequest, rr_id)
        try:
            label = issue_label(rr)
            db.session.commit()
        except Exception:  # a bug must not stop the worker; the lease makes it wait
            db.session.rollback()
            current_app.logger.exception("label retry for return %s failed", rr_id)
            continue
        if label is not None:
            issued += 1
    return issued


def unblock_labels() -> list[ReturnRequest]:
    """After staff fixed the cause (e.g. funded the EasyPost account): try blocked labels
    again at the next retry. Flushes; the caller commits."""
    blocked = db.session.scalars(
        select(ReturnRequest).where(
            ReturnRequest.status.in_(lifecycle.states_where("unblock_label")),
            ReturnRequest.label_blocked.is_(True),
        )
    ).all()
    now = utcnow()
    for rr in blocked:
        rr.label_blocked = False
        rr.label_next_attempt_at = now
        audit.transition(rr, "unblock_label", actor_type="system")
    db.session.flush()
    return list(blocked)


# re-issuing -------------------------------------------------------------------------------------
def reissue_label(
    rr: ReturnRequest,
    *,
    actor_type: str,
    actor: str = "",
    relay_point: RelayPoint | None = None,
) -> Label | None:
    """A new label (optionally for another relay point); the old one stops being valid and is
    voided at the carrier after commit. Flushes; the caller commits.

    Raises InvalidTransition once the parcel is on its way, and LabelUnavailable when the
    carrier fails (the old label stays valid; nothing changes). While the first label is still
    being prepared, only the relay point changes and the label is tried again at once (the
    worker does it, so that it is never bought twice); returns None then."""
    if not lifecycle.can(rr, "reissue_label"):
        raise InvalidTransition(_("A new label can only be issued before the parcel is sent."))
    old = rr.current_label
    if old is None:
        return _retarget_pending(rr, relay_point, actor_type=actor_type, actor=actor)
    request = build_request(rr, relay_point=relay_point)
    point = relay_point or rr.relay_point
    carrier = get_carrier(point.network if point else None)
    try:
        issued = _ask(carrier, request)
    except CarrierError as exc:
        current_app.logger.warning("new label for %s failed: %s", rr.rma, exc)
        if exc.shipment_id:  # it may have been bought before the failure
            run_voids([PendingVoid(carrier.name, "", exc.shipment_id, rr.id, always=True)])
        raise LabelUnavailable(
            _(
                "We could not make a new label just now. Your current label still works; "
                "please try again in a few minutes."
            )
        ) from exc
    _lock(rr)
    current = rr.current_label
    if not lifecycle.can(rr, "reissue_label") or current is None or current.id != old.id:
        # The parcel was scanned, or another request re-issued, while we were asking.
        queue_void(PendingVoid.of(issued, rr.id, always=True))
        if not lifecycle.can(rr, "reissue_label"):
            raise InvalidTransition(_("A new label can only be issued before the parcel is sent."))
        return current
    void(current)  # the carrier is told after commit
    if relay_point is not None:
        rr.relay_point = relay_point
    return _record_label(rr, issued, request.valid_days, actor_type=actor_type, actor=actor)


def _retarget_pending(
    rr: ReturnRequest, relay_point: RelayPoint | None, *, actor_type: str, actor: str
) -> None:
    if relay_point is not None and relay_point.id != rr.relay_point_id:
        refused_point = failure_problem(rr) == "relay_point"
        rr.relay_point = relay_point
        audit.transition(
            rr, "change_relay", actor_type=actor_type, actor=actor, relay=relay_point.name
        )
        if refused_point:  # the carrier refused the old point: another one is what it asked for
            rr.label_blocked = False
    if not rr.label_blocked:
        rr.label_next_attempt_at = utcnow()
    db.session.flush()
    return None


def failure_problem(rr: ReturnRequest) -> str | None:
    """What the carrier said the customer can fix ("sender_address", "relay_point") when it
    refused the label for good; else None."""
    if not rr.label_blocked or not lifecycle.is_in(rr, "label_pending"):
        return None
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.return_id == rr.id, AuditEvent.action == "label_failed")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    found = (event.details or {}).get("problem") if event is not None else None
    return found if found in ("sender_address", "relay_point") else None

"""When we are late, the customer hears it from us first.

Three causes, each found by its own query at a given `now` (explicit, for cron and tests):

- ``refund_late``: received more than the promised working days ago and not resolved
  (`queues.is_late`, the staff home's "late" queue);
- ``label_stuck``: the label is still being prepared at the carrier (`label_pending`)
  more than ``LABEL_STUCK_HOURS`` after the return was confirmed;
- ``held_at_point``: the latest scan of the live label says the parcel is held at a
  point (``held_at_point``) since more than ``HELD_AT_POINT_DAYS`` days.

For each, once per cause per return (`LateNotice`, unique), an apology e-mail saying what
happened and what happens next and, by policy (``LATE_GOODWILL`` minor units, 0 = off), a
store credit through `resolve.goodwill_gesture`, audited with actor type ``system``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import followup_words, lifecycle
from portal.extensions import db
from portal.models import CarrierEvent, Label, LateNotice, ReturnRequest
from portal.models.followup import LATE_CAUSES
from portal.notifications import notify
from portal.services import audit, queues
from portal.services.locks import lock_return
from portal.services.policy import current_policy
from portal.services.resolve import goodwill_gesture
from portal.services.tracking import latest_scan

ACTOR = "followup"
MAIL_KIND = {
    "refund_late": "late_refund",
    "label_stuck": "late_label",
    "held_at_point": "late_held",
}
HELD = "held_at_point"


def refund_late(now: datetime) -> list[tuple[ReturnRequest, dict]]:
    return [
        (
            row.rr,
            {
                "received_at": row.rr.received_at,
                "promised_by": current_policy().promised_by(row.rr.received_at),
            },
        )
        for row in queues.queue("late", now=now, limit=10_000)
    ]


def label_stuck(now: datetime) -> list[tuple[ReturnRequest, dict]]:
    since = now - timedelta(hours=current_app.config["LABEL_STUCK_HOURS"])
    found = db.session.scalars(
        select(ReturnRequest)
        .where(
            ReturnRequest.status.in_(lifecycle.GROUPS["label_pending"]),
            ReturnRequest.created_at < since,
        )
        .order_by(ReturnRequest.id)
    )
    return [(rr, {"since": rr.created_at, "blocked": rr.label_blocked}) for rr in found]


def held_at_point(now: datetime) -> list[tuple[ReturnRequest, dict]]:
    limit = now - timedelta(days=current_app.config["HELD_AT_POINT_DAYS"])
    held = select(CarrierEvent.tracking_code).where(
        CarrierEvent.matched.is_(True),
        CarrierEvent.status == HELD,
        func.coalesce(CarrierEvent.occurred_at, CarrierEvent.received_at) < limit,
    )
    candidates = db.session.scalars(
        select(ReturnRequest)
        .join(Label, Label.return_id == ReturnRequest.id)
        .where(
            Label.voided_at.is_(None),
            Label.tracking_code.in_(held),
            ReturnRequest.status.in_(lifecycle.GROUPS["awaiting_parcel"]),
        )
        .order_by(ReturnRequest.id)
        .distinct()
    )
    found = []
    for rr in candidates:
        label = rr.current_label
        scan = latest_scan(label.tracking_code) if label is not None else None
        if scan is None or scan.status != HELD:
            continue  # it moved on since
        since = scan.occurred_at or scan.received_at
        if since < limit:
            found.append((rr, {"since": since, "location": scan.location or ""}))
    return found


FINDERS = {"refund_late": refund_late, "label_stuck": label_stuck, "held_at_point": held_at_point}


def already_told(rr: ReturnRequest, cause: str) -> bool:
    found = db.session.scalar(
        select(LateNotice.id).where(LateNotice.return_id == rr.id, LateNotice.cause == cause)
    )
    return found is not None


def still_true(rr: ReturnRequest, cause: str, now: datetime) -> bool:
    """Whether `cause` still holds for `rr` (read again under its row lock)."""
    if cause == "refund_late":
        return queues.is_late(rr, now)
    if cause == "label_stuck":
        return lifecycle.is_in(rr, "label_pending")
    label = rr.current_label
    if label is None or not lifecycle.is_in(rr, "awaiting_parcel"):
        return False
    scan = latest_scan(label.tracking_code)
    return scan is not None and scan.status == HELD


def send_notice(rr: ReturnRequest, cause: str, facts: dict, now: datetime) -> LateNotice | None:
    """The apology for `cause`, once: None when it was already sent (now or by a
    concurrent run) or is no longer true. Flushes; the caller commits."""
    assert cause in LATE_CAUSES
    lock_return(rr)
    if already_told(rr, cause) or not still_true(rr, cause, now):
        return None
    notice = LateNotice(return_id=rr.id, cause=cause)
    try:
        with db.session.begin_nested():
            db.session.add(notice)
    except IntegrityError:  # another run told them first
        return None
    credit = None
    wanted = current_app.config["LATE_GOODWILL"]
    if wanted > 0:
        order_total = sum(line.unit_price * line.quantity for line in rr.order.lines)
        amount = min(wanted, order_total)
        if amount > 0:
            credit = goodwill_gesture(
                rr,
                amount,
                _("Automatic gesture: %(cause)s", cause=followup_words.cause_labels()[cause]),
                ACTOR,
                actor_type=lifecycle.SYSTEM,
                announce=False,
            )
            notice.credit_id, notice.goodwill_amount = credit.id, amount
    audit.record(
        rr,
        "late_notice_sent",
        actor_type=lifecycle.SYSTEM,
        actor=ACTOR,
        cause=cause,
        amount=notice.goodwill_amount or None,
        currency=rr.order.currency,
    )
    notify(rr, MAIL_KIND[cause], credit=credit, **facts)
    db.session.flush()
    return notice


def send_due(now: datetime) -> dict[str, int]:
    """Every apology due at `now`, by cause: how many were sent."""
    sent = {}
    for cause in LATE_CAUSES:
        sent[cause] = 0
        for rr, facts in FINDERS[cause](now):
            if not already_told(rr, cause) and send_notice(rr, cause, facts, now) is not None:
                sent[cause] += 1
    return sent


def notices_of(rr: ReturnRequest) -> list[LateNotice]:
    return list(
        db.session.scalars(
            select(LateNotice).where(LateNotice.return_id == rr.id).order_by(LateNotice.id)
        )
    )

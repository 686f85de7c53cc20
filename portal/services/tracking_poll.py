"""Polling the carriers that have no webhooks (Mondial Relay, Colissimo) for their scans.

Only open returns are polled — a live label of a return that is `label_issued` or `in_transit`
— each on its own schedule (`TrackingPoll`): 30 minutes after the label, doubling while nothing
changes up to 12 hours, back to 30 minutes after a new scan. Each scan goes to the tracking
service (`tracking.apply_tracking`, as the EasyPost webhook does) with its own date and place;
scans already seen are duplicates there and change nothing.

Commits: one short transaction to claim a label (its `next_poll_at` moves past the lease), the
carrier is asked outside any write, then one transaction per scan and one for the schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from portal.carriers.base import TrackingUpdate
from portal.extensions import db
from portal.models import Label, ReturnRequest, TrackingPoll
from portal.models.base import utcnow
from portal.services.tracking import already_handled, apply_tracking

OPEN = ("label_issued", "in_transit")
FIRST_INTERVAL = timedelta(minutes=30)
MAX_INTERVAL = timedelta(hours=12)
LEASE = timedelta(minutes=5)

Tracker = Callable[[str], list[TrackingUpdate]]


class TrackerUnavailable(Exception):
    """The carrier could not be asked just now."""


def tracker_for(carrier: str) -> Tracker | None:
    """How to ask `carrier` for a tracking code's scans, if it is polled and configured."""
    config = current_app.config
    if carrier == "mondial_relay":
        from portal.carriers.mondial_relay_client import Settings
        from portal.carriers.mondial_relay_tracking import TracingUnavailable, trace

        settings = Settings.from_config(config)
        if not settings.configured:
            return None

        def mondial_relay(code: str) -> list[TrackingUpdate]:
            try:
                return trace(settings, code)
            except TracingUnavailable as exc:
                raise TrackerUnavailable(str(exc)) from exc

        return mondial_relay
    if carrier == "colissimo":
        from portal.carriers.colissimo_tracking import TrackingSettings, TrackingUnavailable, track

        tracking = TrackingSettings.from_config(config)
        if not tracking.configured:
            return None

        def colissimo(code: str) -> list[TrackingUpdate]:
            try:
                return track(tracking, code)
            except TrackingUnavailable as exc:
                raise TrackerUnavailable(str(exc)) from exc

        return colissimo
    return None


POLLED = ("mondial_relay", "colissimo")


@dataclass
class PollReport:
    polled: int = 0
    new_scans: int = 0
    failed: int = 0


def _due(now: datetime):
    return (
        select(Label.id, Label.carrier, Label.tracking_code)
        .join(ReturnRequest, Label.return_id == ReturnRequest.id)
        .outerjoin(TrackingPoll, TrackingPoll.label_id == Label.id)
        .where(
            ReturnRequest.status.in_(OPEN),
            Label.voided_at.is_(None),
            Label.carrier.in_(POLLED),
            or_(
                TrackingPoll.label_id.is_(None) & (Label.issued_at <= now - FIRST_INTERVAL),
                TrackingPoll.next_poll_at <= now,
            ),
        )
    )


def poll_due(limit: int = 50, now: datetime | None = None) -> PollReport:
    """Ask the carriers about every label that is due; returns what happened."""
    now = now or utcnow()
    due = db.session.execute(_due(now).order_by(Label.id).limit(limit)).all()
    db.session.commit()
    report = PollReport()
    for label_id, carrier, code in due:
        tracker = tracker_for(carrier)
        if tracker is None or not _claim(label_id, now):
            continue
        report.polled += 1
        try:
            updates = tracker(code)
        except TrackerUnavailable as exc:
            current_app.logger.warning("tracking poll of %s (%s): %s", code, carrier, exc)
            report.failed += 1
            _schedule(label_id, changed=False, error=str(exc))
            continue
        fresh = 0
        for tracking_update in updates:
            fresh += _apply(tracking_update, carrier)
        report.new_scans += fresh
        _schedule(label_id, changed=fresh > 0, error=None)
    return report


def _claim(label_id: int, now: datetime) -> bool:
    """Own the label for one poll (a lease); False if another worker has it."""
    poll = db.session.get(TrackingPoll, label_id)
    if poll is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    TrackingPoll(
                        label_id=label_id,
                        next_poll_at=now + LEASE,
                        interval_minutes=int(FIRST_INTERVAL.total_seconds() // 60),
                    )
                )
            db.session.commit()
            return True
        except IntegrityError:
            db.session.rollback()
            return False
    result = db.session.execute(
        update(TrackingPoll)
        .where(TrackingPoll.label_id == label_id, TrackingPoll.next_poll_at <= now)
        .values(next_poll_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _apply(tracking_update: TrackingUpdate, carrier: str) -> int:
    """1 if the scan was new to us, else 0. Commits."""
    try:
        outcome = apply_tracking(tracking_update, provider=carrier)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same scan, recorded by another worker meanwhile
        if already_handled(tracking_update.event_id):
            return 0
        raise
    return 0 if outcome == "duplicate" else 1


def _schedule(label_id: int, *, changed: bool, error: str | None) -> None:
    poll = db.session.get(TrackingPoll, label_id)
    if poll is None:  # pragma: no cover - claimed above
        return
    db.session.refresh(poll)
    interval = timedelta(minutes=poll.interval_minutes)
    interval = FIRST_INTERVAL if changed else min(interval * 2, MAX_INTERVAL)
    now = utcnow()
    poll.interval_minutes = int(interval.total_seconds() // 60)
    poll.next_poll_at = now + interval
    poll.last_polled_at = now
    poll.last_error = error[:1000] if error else None
    db.session.commit()

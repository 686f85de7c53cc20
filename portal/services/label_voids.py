"""Voiding labels at the carrier, after the transaction that voided them has committed.

`void(label)` (re-issue, cancel, expiry) marks a label void and queues the carrier's void
on the session; it runs once the transaction commits and is dropped if it rolls back,
except for labels bought and then not needed (`always`), which are voided either way. A
failed void is logged and audited (`label_void_failed`); it never blocks the customer.
The session listeners that run the queue are registered by `init_app`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import event, insert
from sqlalchemy.orm import Session, object_session

from portal import carriers
from portal.carriers.base import Carrier, IssuedLabel
from portal.extensions import db
from portal.models import AuditEvent, Label
from portal.models.base import utcnow

_VOIDS = "retours.label_voids"


@dataclass(frozen=True)
class PendingVoid:
    carrier: str
    tracking_code: str
    shipment_id: str | None
    return_id: int | None
    # True: void even if the transaction rolls back (a label bought and then not needed).
    always: bool = False

    @classmethod
    def of(cls, issued: IssuedLabel, return_id: int | None, *, always: bool) -> PendingVoid:
        return cls(issued.carrier, issued.tracking_code, issued.shipment_id, return_id, always)


def queue_void(void: PendingVoid, session: Session | None = None) -> None:
    session = session or db.session()
    session.info.setdefault(_VOIDS, []).append(void)


def void(label: Label, when: datetime | None = None) -> None:
    """Mark `label` void now; the carrier is told once the transaction commits."""
    if label.voided_at is not None:
        return
    label.voided_at = when or utcnow()
    pending = PendingVoid(label.carrier, label.tracking_code, label.external_id, label.return_id)
    queue_void(pending, object_session(label))


def init_app(app) -> None:
    """Run queued voids after commit (and the `always` ones after a rollback)."""
    if not event.contains(Session, "after_commit", _void_after_commit):
        event.listen(Session, "after_commit", _void_after_commit)
        event.listen(Session, "after_transaction_end", _void_after_rollback)


def _void_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: wait for the real commit
    run_voids(session.info.pop(_VOIDS, []))


def _void_after_rollback(session: Session, transaction) -> None:
    if transaction.parent is not None or transaction.nested:
        return
    # Whatever is left was not committed: only labels bought for nothing are voided.
    run_voids([v for v in session.info.pop(_VOIDS, []) if v.always])


def carrier_named(name: str) -> Carrier:
    """The carrier that issued a label (not necessarily today's default)."""
    return carriers.carrier_named(name)


def run_voids(voids: list[PendingVoid]) -> None:
    if not voids:
        return
    if not has_app_context():  # pragma: no cover - sessions outside the app
        return
    for void in voids:
        try:
            carrier_named(void.carrier).void_label(void.tracking_code, void.shipment_id)
        except Exception as exc:  # noqa: BLE001 - a failed void never blocks anyone
            current_app.logger.warning(
                "could not void label %s (shipment %s) at %s: %s",
                void.tracking_code or "-",
                void.shipment_id or "-",
                void.carrier,
                exc,
            )
            _audit_void_failure(void, exc)


def _audit_void_failure(void: PendingVoid, exc: Exception) -> None:
    """On its own connection: the session's transaction is over (or rolled back). Only for
    labels the customer had (a tracking code); a half-made shipment's void is just logged."""
    if void.return_id is None or not void.tracking_code:
        return
    try:
        with db.engine.begin() as connection:
            connection.execute(
                insert(AuditEvent).values(
                    return_id=void.return_id,
                    actor_type="system",
                    action="label_void_failed",
                    details={
                        "carrier": void.carrier,
                        "tracking_code": void.tracking_code,
                        "shipment_id": void.shipment_id,
                        "error": str(exc)[:500],
                    },
                )
            )
    except Exception:
        current_app.logger.exception("could not record the failed void of %s", void.tracking_code)

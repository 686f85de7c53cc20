"""Audit events: who changed a return, when, from which status to which.

`transition` is how every verb moves a return, an item or a refund: through the
lifecycle table (`portal.lifecycle`), never by assigning a status."""

from __future__ import annotations

from portal import lifecycle
from portal.extensions import db
from portal.models import AuditEvent, ReturnRequest

SECRET_KEYS = {"password", "token", "card", "iban", "secret"}


def record(
    rr: ReturnRequest | None,
    action: str,
    *,
    actor_type: str,
    actor: str = "",
    from_status: str | None = None,
    to_status: str | None = None,
    **details,
) -> AuditEvent:
    clean = {k: v for k, v in details.items() if not any(s in k.lower() for s in SECRET_KEYS)}
    event = AuditEvent(
        return_id=rr.id if rr is not None else None,
        actor_type=actor_type,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        details=clean,
    )
    db.session.add(event)
    return event


def transition(
    obj, event: str, *, actor_type: str, actor: str = "", machine=None, **details
) -> AuditEvent | None:
    """Apply lifecycle `event` to `obj` (checked against the table) and, for a return,
    write its audit event in the same transaction. Items and refunds are audited by the
    verb that moves them, in one event on their return."""
    step, before, after = lifecycle.apply(obj, event, actor_type, machine)
    if (machine or lifecycle.machine_of(obj, event)) is not lifecycle.RETURN:
        return None
    if obj.id is None:  # a new return: its id first
        db.session.flush()
    return record(
        obj,
        step.action,
        actor_type=actor_type,
        actor=actor,
        from_status=before,
        to_status=after,
        **details,
    )

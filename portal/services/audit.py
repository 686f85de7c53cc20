"""Audit events: who changed a return, when, from which status to which."""

from __future__ import annotations

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
    rr: ReturnRequest, to_status: str, action: str, *, actor_type: str, actor: str = "", **details
) -> AuditEvent:
    """Move `rr` to `to_status` and write the audit event in the same transaction."""
    from_status = rr.status
    rr.status = to_status
    return record(
        rr,
        action,
        actor_type=actor_type,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        **details,
    )

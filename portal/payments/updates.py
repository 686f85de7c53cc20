"""What a provider's answer does to our refund: from the worker, a webhook or a poll.

Each function locks the refund row, reads it fresh, and applies the answer only if it
still makes sense (same attempt generation, a move the state table allows); a replayed or
stale answer changes nothing. Callers commit.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select

from portal import lifecycle
from portal.extensions import db
from portal.models import Refund, ReturnRequest
from portal.models.base import utcnow
from portal.notifications import notify
from portal.payments.base import FAILED, RECORDED, RETRY, SENT, Outcome
from portal.payments.estimates import arrival_estimate
from portal.payments.service import APPROVED, change_state

MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the n-th failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def lock(refund_id: int) -> Refund | None:
    return db.session.scalar(
        select(Refund)
        .where(Refund.id == refund_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _tell(refund: Refund, kind: str) -> None:
    rr = db.session.get(ReturnRequest, refund.return_id)
    extra = {"arrival_estimate": arrival_estimate(refund)} if kind == "refund_sent" else {}
    notify(rr, kind, refund=refund, **extra)


def apply(refund: Refund, outcome: Outcome, *, actor_type: str = "system") -> str:
    """Apply a provider's answer to a locked refund; returns 'changed' or 'unchanged'."""
    if outcome.state == RETRY:
        if not lifecycle.refund_in(refund, APPROVED):
            return "unchanged"
        refund.last_error = outcome.reason[:2000]
        refund.next_attempt_at = utcnow() + backoff(refund.attempts)
        return "changed"
    if outcome.state == RECORDED:  # in the shop's books, not paid: staff pay it by hand
        if not lifecycle.can(refund, "provider_accept") or refund.next_attempt_at is None:
            return "unchanged"
        refund.provider_refund_id = outcome.provider_refund_id or refund.provider_refund_id
        refund.provider_status, refund.last_error = outcome.provider_status, ""
        refund.next_attempt_at = None
        return "changed"
    if outcome.provider_refund_id and not refund.provider_refund_id:
        refund.provider_refund_id = outcome.provider_refund_id
    events = {  # (our state, the provider's answer) → lifecycle.REFUND event
        (APPROVED, SENT): "provider_accept",
        (APPROVED, FAILED): "provider_refuse",
        (SENT, FAILED): "provider_fail_later",
    }
    event = events.get((refund.status, outcome.state))
    if event is None:  # a replay, a stale answer, or a failed refund only staff move on
        if outcome.state == SENT and lifecycle.refund_in(refund, SENT) and outcome.provider_status:
            refund.provider_status = outcome.provider_status
        return "unchanged"
    refund.provider_status = outcome.provider_status
    if outcome.state == SENT:
        refund.last_error = ""
        change_state(refund, event, actor_type=actor_type, provider=refund.provider)
        _tell(refund, "refund_sent")
    else:
        refund.failure_reason = (outcome.reason or outcome.provider_status or "unknown")[:2000]
        refund.next_attempt_at = None
        change_state(
            refund,
            event,
            actor_type=actor_type,
            provider=refund.provider,
            reason=refund.failure_reason,
        )
        _tell(refund, "refund_failed")
    return "changed"


def parse_key(key: str) -> tuple[int, int] | None:
    """'retours-refund-12-0' → (12, 0)."""
    parts = (key or "").split("-")
    if len(parts) != 4 or parts[:2] != ["retours", "refund"]:
        return None
    try:
        return int(parts[2]), int(parts[3])
    except ValueError:
        return None


def find(provider: str, outcome: Outcome) -> Refund | None:
    """The refund a provider's event is about: by the provider's id, or by our key."""
    conditions = []
    if outcome.provider_refund_id:
        conditions.append(Refund.provider_refund_id == outcome.provider_refund_id)
    parsed = parse_key(outcome.metadata_key)
    if parsed:
        conditions.append(Refund.id == parsed[0])
    if not conditions:
        return None
    refund = db.session.scalar(
        select(Refund.id).where(Refund.provider == provider, or_(*conditions))
    )
    if refund is None:
        return None
    locked = lock(refund)
    if locked.provider_refund_id and outcome.provider_refund_id:
        if locked.provider_refund_id != outcome.provider_refund_id:
            return None  # an earlier attempt's refund, replaced by a retry
    elif parsed and parsed[1] != locked.generation:
        return None
    return locked


def apply_event(provider: str, outcome: Outcome) -> str:
    """A provider event (webhook or poll): 'changed', 'unchanged' or 'unknown'."""
    if outcome.state == RETRY:
        return "unchanged"
    refund = find(provider, outcome)
    if refund is None:
        return "unknown"
    result = apply(refund, outcome)
    db.session.flush()
    return result

"""When a return is resolved, and what a refund's money leaving does to its item.

An item refunded to the original payment is settled only when the money leaves (the refund
is *sent*: by the provider, or by the shop by hand), not when support approves it; until
then it is `refunding` and its return stays `inspected`. A sent refund the provider later
reports as failed opens the item (and a `refunded` return) again. Store credit is issued at
once, so its item is settled at once.

This module imports neither the payment providers nor the support verbs, so both can use it.
"""

from __future__ import annotations

from sqlalchemy import select

from portal import lifecycle
from portal.extensions import db
from portal.models import Refund, RepairCase, ReturnItem, ReturnRequest
from portal.models.base import utcnow
from portal.services import audit

REFUND_OUTCOMES = ("refund", "store_credit")


def finish_if_resolved(rr: ReturnRequest, *, actor_type: str, actor: str = "") -> bool:
    """Move an inspected return to refunded / exchanged / repaired / rejected once all is
    resolved."""
    if not lifecycle.is_in(rr, "to_resolve"):
        return False
    received = [i for i in rr.items if i.received_quantity > 0]
    if not received or not all(lifecycle.settled(i) for i in received):
        return False
    outcomes = {i.outcome for i in received}
    if outcomes & set(REFUND_OUTCOMES):
        event = "resolve_refunded"
    elif "exchange" in outcomes:  # goods went out: a replacement
        event = "resolve_exchanged"
    elif _mended(rr):  # a repair ended with a working item: repaired or replaced
        event = "resolve_repaired"
    else:  # rejected, or a repair sent back unrepaired or with no fault found
        event = "resolve_rejected"
    rr.resolved_at = utcnow()
    audit.transition(rr, event, actor_type=actor_type, actor=actor)
    return True


def _mended(rr: ReturnRequest) -> bool:
    cases = db.session.scalars(select(RepairCase).where(RepairCase.return_id == rr.id))
    return any(lifecycle.repair_is(case, "repair_mended") for case in cases)


def item_follows_refund(
    refund: Refund, before: str | None, *, actor_type: str, actor: str = ""
) -> None:
    """After `refund` changed state: settle its item once the money left (and resolve the
    return if nothing else is open), or open them again if a sent refund failed later."""
    item = db.session.get(ReturnItem, refund.return_item_id)
    rr = db.session.get(ReturnRequest, refund.return_id)
    if item is None or rr is None:
        return
    item_actor = "system" if actor_type not in ("staff", "system") else actor_type
    if lifecycle.money_left(refund):
        if lifecycle.can(item, "settle", item_actor):
            audit.transition(item, "settle", actor_type=item_actor)
            item.resolved_at = utcnow()
            finish_if_resolved(rr, actor_type=item_actor, actor=actor)
        return
    if before is not None and before in lifecycle.REFUND_GROUPS["money_left"]:
        if lifecycle.can(item, "refund_bounced", "system"):
            audit.transition(item, "refund_bounced", actor_type="system")
            item.resolved_at = None
        if lifecycle.can(rr, "reopen_refund", "system"):
            rr.resolved_at = None
            audit.transition(rr, "reopen_refund", actor_type="system", refund_id=refund.id)

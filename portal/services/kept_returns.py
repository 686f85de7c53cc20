"""Kept returns: a return the customer keeps (keep it). Nothing is shipped, no label.

Two ways in:

- the customer's journey, when the keep-it rule (`keep_it.return_keep_value`) applies to
  every chosen item: `returns.create_return` calls `keep` instead of the `request` step;
- support resolving a claim with a refund (`refund_claim`): a kept return is made for the
  claimed lines and linked to the claim (`Claim.return_id`).

`keep` moves the return NEW → inspected (`keep`), each item to `kept` (reception) and
`accepted` (acceptance) with its outcome, then refunds every item through the ordinary
`resolve.issue_refund` (original payment: approved, sent by the provider worker after
commit; store credit: issued at once), so the refund's states, its exactly-once guards,
the providers and the staff "Refunds to pay" page are those of any return. Nothing here
commits.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal import lifecycle
from portal.extensions import db
from portal.models import Claim, Refund, ReturnItem, ReturnRequest
from portal.money import order_unit_amounts
from portal.notifications import notify
from portal.services import audit
from portal.services.errors import AlreadyDone, InvalidTransition
from portal.services.locks import lock_order
from portal.services.policy import Policy, current_policy
from portal.services.resolve import issue_refund
from portal.services.rma import new_rma

# the return reason a claim's kept item is filed under (ReturnItem.reason)
CLAIM_REASONS = {"damaged": "damaged", "wrong_item": "not_as_described"}


def outcome_for(rr: ReturnRequest, item: ReturnItem, policy: Policy) -> str:
    """Refund to the original payment or store credit, as the customer asked (a gift is
    credited in the recipient's name unless the policy refunds the buyer)."""
    if item.resolution == "store_credit":
        return "store_credit"
    if rr.is_gift and not policy.gift_refund_to_buyer:
        return "store_credit"
    return "refund"


def keep(
    rr: ReturnRequest,
    *,
    actor_type: str,
    actor: str = "",
    refund_actor: str = "system",
    announce: bool = True,
    **details,
) -> list[Refund]:
    """The customer keeps every item of the new return `rr`: accepted without reception,
    each refunded (or credited) at once for what was paid, no return shipping fee (nothing
    is shipped). The `kept` e-mail says so; the refund e-mails follow as for any refund."""
    with db.session.no_autoflush:  # not inserted before its first step sets its state
        items = [
            {"sku": i.order_line.variant.sku, "quantity": i.quantity, "resolution": i.resolution}
            for i in rr.items
        ]
        step, before, after = lifecycle.apply(rr, "keep", actor_type)  # NEW → inspected
    db.session.flush()  # its id, for the audit event
    audit.record(
        rr,
        step.action,
        actor_type=actor_type,
        actor=actor,
        from_status=before,
        to_status=after,
        items=items,
        **details,
    )
    policy = current_policy()
    for item in rr.items:
        lifecycle.apply(item, "keep_item", actor_type)
        lifecycle.apply(item, "accept_kept", actor_type)
        item.received_quantity = item.quantity  # counted as in hand: nothing comes back
        item.outcome = outcome_for(rr, item, policy)
        item.outcome_amount = item.amount_paid
    db.session.flush()
    if announce:  # a claim's own e-mail says what was decided instead
        notify(rr, "kept")
    refund_by = actor if refund_actor == lifecycle.STAFF else "keep-it policy"
    # every item, even one that cost nothing (a zero refund settles it at once)
    refunds = [issue_refund(rr, item, refund_by, actor_type=refund_actor) for item in rr.items]
    db.session.flush()
    return refunds


def refundable(line) -> int:
    """What is still refundable on an order line: what was paid for it (discounts spread)
    less every refund already recorded on it, in any return (the refund's line ceiling)."""
    units = order_unit_amounts(line.order).get(line.id, [])
    paid = min(sum(units), line.unit_price * line.quantity)
    done = db.session.scalar(
        select(func.coalesce(func.sum(Refund.amount), 0))
        .join(ReturnItem, Refund.return_item_id == ReturnItem.id)
        .where(ReturnItem.order_line_id == line.id)
    )
    return max(paid - done, 0)


def claim_refund_amounts(claim: Claim) -> dict[int, int]:
    """For each claimed line: what the claimed units cost, capped at what is still
    refundable on the order line."""
    amounts = {}
    for line in claim.lines:
        units = order_unit_amounts(claim.order).get(line.order_line_id, [])
        amounts[line.id] = min(sum(units[: line.quantity]), refundable(line.order_line))
    return amounts


def claim_refund_total(claim: Claim) -> int:
    return sum(claim_refund_amounts(claim).values())


def refund_claim(claim: Claim, *, actor: str) -> ReturnRequest:
    """Refund the claimed lines to the original payment, through a kept return linked to
    the claim. The caller (`claims.resolve_claim`) holds the claim's lock; the order's is
    taken here so the line ceilings are read after any other refund of this order.
    Raises AlreadyDone when the claim already has its refund, InvalidTransition when
    nothing is left to refund."""
    if claim.return_id is not None:
        raise AlreadyDone(_("This claim has already been refunded."))
    lock_order(claim.order_id)
    amounts = claim_refund_amounts(claim)
    if not any(amounts.values()):
        raise InvalidTransition(
            _("Nothing is left to refund on these items: they were already refunded.")
        )
    order = claim.order
    items = [
        ReturnItem(
            order_line=line.order_line,
            quantity=line.quantity,
            reason=CLAIM_REASONS.get(claim.kind, "not_as_described"),
            comment=_("Claim %(number)s", number=claim.number),
            resolution="refund",
            amount_paid=amounts[line.id],
        )
        for line in claim.lines
        if amounts[line.id] > 0
    ]
    rr = ReturnRequest(
        rma=new_rma(),
        access_key=secrets.token_urlsafe(24),
        submission_key=f"claim-{claim.number}",
        order=order,
        locale=claim.locale,
        contact_name=claim.contact_name,
        contact_email=claim.contact_email,
        sender_line1=order.shipping_line1 or "",
        sender_line2=order.shipping_line2,
        sender_postcode=order.shipping_postcode or "",
        sender_city=order.shipping_city or "",
        sender_country=order.shipping_country or "FR",
        items=items,
    )
    db.session.add(rr)
    keep(rr, actor_type=lifecycle.STAFF, actor=actor, refund_actor=lifecycle.STAFF,
         announce=False, claim=claim.number)  # fmt: skip
    claim.return_id = rr.id
    claim.kept_return = rr
    return rr


def kept_total(rr: ReturnRequest) -> int:
    return sum(i.outcome_amount or 0 for i in rr.items)

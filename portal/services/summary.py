"""What the customer gets back, item by item: one summary behind the review page, the
confirmation and status pages and every e-mail, so that they can never disagree.

Before inspection the amounts are what the policy promises (an estimate: `final` is
False); once an item is inspected they are the diagnosed ones (`final` is True). The
arithmetic is the warehouse's (`warehouse.refund_outcome`) and the policy's: the return
shipping fee is deducted once per return, from the first refunded item; a worn item
loses the restocking fee; store credit carries the policy's bonus.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from portal import lifecycle
from portal.extensions import db
from portal.models import Order, Refund, ReturnRequest
from portal.money import paid_for, received_share
from portal.services.eligibility import returned_quantities
from portal.services.policy import Policy

REFUND, CREDIT, EXCHANGE, REJECTED = "refund", "store_credit", "exchange", "rejected"


@dataclass(frozen=True)
class ItemLine:
    name: str  # the returned item's one display name (product and variant)
    quantity: int
    asked: str  # what the customer asked for: refund | store_credit | exchange
    outcome: str  # what they get: the same, or what inspection decided (… | rejected)
    replacement: str  # the replacement's display name, for an exchange; "" otherwise
    paid: int  # what the customer paid for these units (minor units)
    fee: int  # deducted from this item: restocking and/or return shipping
    amount: int  # what comes back for it: money, or credit with its bonus; 0 otherwise
    bonus: int  # the store-credit bonus included in `amount`
    final: bool  # decided by inspection (True) or an estimate (False)


@dataclass(frozen=True)
class Summary:
    currency: str
    items: tuple[ItemLine, ...]
    final: bool  # every amount is decided

    def _total(self, outcome: str, field: str = "amount") -> int:
        return sum(getattr(i, field) for i in self.items if i.outcome == outcome)

    @property
    def refund_total(self) -> int:
        return self._total(REFUND)

    @property
    def credit_total(self) -> int:
        return self._total(CREDIT)

    @property
    def bonus_total(self) -> int:
        return self._total(CREDIT, "bonus")

    @property
    def fee_total(self) -> int:
        return sum(i.fee for i in self.items)

    @property
    def exchanges(self) -> tuple[ItemLine, ...]:
        return tuple(i for i in self.items if i.outcome == EXCHANGE)


def _estimated(
    name: str,
    quantity: int,
    asked: str,
    replacement: str,
    paid: int,
    policy: Policy,
    fee_left: int,
) -> tuple[ItemLine, int]:
    """An item not yet inspected, and the return shipping fee still to deduct."""
    fee = amount = bonus = 0
    if asked == REFUND:
        fee = min(fee_left, paid)
        amount = paid - fee
        fee_left -= fee
    elif asked == CREDIT:
        amount = policy.credit_with_bonus(paid)
        bonus = amount - paid
    line = ItemLine(name, quantity, asked, asked, replacement, paid, fee, amount, bonus, False)
    return line, fee_left


def for_choices(
    order: Order, choices: Iterable, policy: Policy, taken: dict[int, int] | None = None
) -> Summary:
    """The review page's summary. `choices`: objects with order_line_id, quantity,
    resolution and exchange_variant_id (the draft's `ItemChoice`); `taken`:
    returned_quantities(order) if already read."""
    lines = {line.id: line for line in order.lines}
    variants = {v.id: v for line in order.lines for v in line.variant.product.variants}
    taken = returned_quantities(order.id) if taken is None else taken
    fee_left = policy.return_shipping_fee
    items = []
    for choice in choices:
        line = lines[choice.order_line_id]
        replacement = variants.get(choice.exchange_variant_id or 0)
        item, fee_left = _estimated(
            line.variant.display_name,
            choice.quantity,
            choice.resolution,
            replacement.display_name if replacement is not None else "",
            paid_for(line, taken.get(line.id, 0), choice.quantity),
            policy,
            fee_left,
        )
        items.append(item)
    return Summary(order.currency, tuple(items), final=False)


def for_return(rr: ReturnRequest, policy: Policy) -> Summary:
    """The summary of a return: estimates for items not inspected yet, the diagnosed
    amounts for inspected ones."""
    fee_left = policy.return_shipping_fee
    graded = [i for i in rr.items if lifecycle.graded(i)]
    if any(i.outcome == REFUND for i in graded):
        fee_left = 0  # already deducted from an inspected item
    # a refund that failed and was given as store credit instead is credit, not a refund
    # (asked of inspected items only: none, no query)
    credited = {}
    if graded:
        credits = select(Refund).where(Refund.return_id == rr.id, Refund.method == CREDIT)
        credited = {r.return_item_id: r.amount for r in db.session.scalars(credits)}
    items = []
    for item in rr.items:
        replacement = item.exchange_variant.display_name if item.exchange_variant else ""
        if not lifecycle.graded(item):
            line, fee_left = _estimated(
                item.display_name,
                item.quantity,
                item.resolution,
                replacement,
                item.amount_paid,
                policy,
                fee_left,
            )
            items.append(line)
            continue
        outcome = item.outcome or item.resolution
        gross = received_share(item.amount_paid, item.received_quantity, item.quantity)
        fee = amount = bonus = 0
        if outcome == REFUND and item.id in credited:
            outcome = CREDIT
        if outcome in (REFUND, CREDIT):
            decided = credited.get(item.id, item.outcome_amount or 0)
            fee = max(gross - decided, 0)
            amount = policy.credit_with_bonus(decided) if outcome == CREDIT else decided
            bonus = amount - decided
        items.append(
            ItemLine(
                item.display_name,
                item.received_quantity,
                item.resolution,
                outcome,
                replacement if outcome == EXCHANGE else "",
                gross,
                fee,
                amount,
                bonus,
                True,
            )
        )
    final = all(i.final for i in items)
    return Summary(rr.order.currency, tuple(items), final=final)

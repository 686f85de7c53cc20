"""What the customer can expect back, before anything is inspected."""

from __future__ import annotations

from dataclasses import dataclass

from portal.money import paid_for
from portal.services.eligibility import returned_quantities
from portal.services.policy import Policy


@dataclass(frozen=True)
class Estimate:
    refund: int = 0
    credit: int = 0
    shipping_fee: int = 0


def estimate(choices, lines_by_id: dict, policy: Policy) -> Estimate:
    """choices: objects with order_line_id, quantity, resolution."""
    refund = credit = 0
    taken: dict[int, int] | None = None
    for choice in choices:
        line = lines_by_id[choice.order_line_id]
        if taken is None:
            taken = returned_quantities(line.order_id)
        paid = paid_for(line, taken.get(line.id, 0), choice.quantity)
        if choice.resolution == "refund":
            refund += paid
        elif choice.resolution == "store_credit":
            credit += policy.credit_with_bonus(paid)
    fee = min(policy.return_shipping_fee, refund) if refund else 0
    return Estimate(refund=refund - fee, credit=credit, shipping_fee=fee)

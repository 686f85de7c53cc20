"""What the customer can expect back, before anything is inspected."""

from __future__ import annotations

from dataclasses import dataclass

from portal.services.policy import Policy


@dataclass(frozen=True)
class Estimate:
    refund: int = 0
    credit: int = 0
    shipping_fee: int = 0


def estimate(choices, lines_by_id: dict, policy: Policy) -> Estimate:
    """choices: objects with order_line_id, quantity, resolution."""
    refund = credit = 0
    for choice in choices:
        paid = lines_by_id[choice.order_line_id].unit_price * choice.quantity
        if choice.resolution == "refund":
            refund += paid
        elif choice.resolution == "store_credit":
            credit += policy.credit_with_bonus(paid)
    fee = min(policy.return_shipping_fee, refund) if refund else 0
    return Estimate(refund=refund - fee, credit=credit, shipping_fee=fee)

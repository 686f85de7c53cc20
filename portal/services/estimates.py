"""What the customer can expect back, before anything is inspected: the totals of
`summary.for_choices` (one arithmetic for every page and e-mail)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.services.policy import Policy
from portal.services.summary import for_choices


@dataclass(frozen=True)
class Estimate:
    refund: int = 0
    credit: int = 0
    shipping_fee: int = 0


def estimate(choices, lines_by_id: dict, policy: Policy) -> Estimate:
    """choices: the draft's `ItemChoice`s; lines_by_id: the order's lines by id."""
    if not lines_by_id:
        return Estimate()
    order = next(iter(lines_by_id.values())).order
    s = for_choices(order, choices, policy)
    return Estimate(refund=s.refund_total, credit=s.credit_total, shipping_fee=s.fee_total)

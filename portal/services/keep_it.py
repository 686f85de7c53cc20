"""Keep it: a small policy rule. A damaged or wrong item worth less than KEEP_IT_BELOW
(minor units of KEEP_IT_CURRENCY; 0 switches the rule off) is not worth shipping back:
the customer keeps it and is credited at once what they paid for it (store credit)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from portal.models import Order
from portal.money import order_unit_amounts, paid_for

KEEP_IT_KINDS = ("damaged", "wrong_item")  # the customer has the item in hand


@dataclass(frozen=True)
class KeepItRule:
    below: int = 0
    currency: str = "EUR"

    @classmethod
    def from_config(cls, config) -> KeepItRule:
        return cls(
            below=int(config.get("KEEP_IT_BELOW") or 0),
            currency=config.get("KEEP_IT_CURRENCY") or "EUR",
        )

    @property
    def on(self) -> bool:
        return self.below > 0


def current_rule() -> KeepItRule:
    return KeepItRule.from_config(current_app.config)


def value_of(order: Order, quantities: dict[int, int]) -> int:
    """What the customer paid for these units (discounts spread to the cent)."""
    units = order_unit_amounts(order)
    return sum(sum(units.get(line_id, [])[:q]) for line_id, q in quantities.items() if q > 0)


def keep_it_value(order: Order, kind: str, quantities: dict[int, int], rule: KeepItRule) -> int:
    """The credit to give at once when the rule applies to this claim; 0 when it does not."""
    if not rule.on or kind not in KEEP_IT_KINDS or order.currency != rule.currency:
        return 0
    value = value_of(order, quantities)
    return value if 0 < value < rule.below else 0


# -- keep it in the return journey ---------------------------------------------------------
# The return reasons for which the customer has a broken item in hand (the claims' "damaged"
# and "wrong item" have no other meaning in the journey). Exchanges are never kept: the
# replacement goes out for the item that comes back.
KEEP_IT_REASONS = ("damaged", "defective")
KEEP_IT_RESOLUTIONS = ("refund", "store_credit")


def return_keep_value(order: Order, choices, rule: KeepItRule, taken=None) -> int:
    """What the chosen items cost when the keep-it rule applies to EVERY one of them
    (reason damaged or defective, a refund or store credit, the order in the rule's
    currency, the whole return worth less than KEEP_IT_BELOW); 0 when it does not.
    `choices` are `returns.ItemChoice`s; `taken` the units earlier returns hold."""
    if not rule.on or not choices or order.currency != rule.currency:
        return 0
    if any(
        c.reason not in KEEP_IT_REASONS or c.resolution not in KEEP_IT_RESOLUTIONS for c in choices
    ):
        return 0
    lines = {line.id: line for line in order.lines}
    taken = taken or {}
    value = 0
    for c in choices:
        line = lines.get(c.order_line_id)
        if line is None or not isinstance(c.quantity, int) or c.quantity <= 0:
            return 0
        value += paid_for(line, taken.get(line.id, 0), c.quantity)
    return value if 0 < value < rule.below else 0

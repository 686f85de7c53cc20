"""May this order line be sent for repair? Small named rules, next to `eligibility`.

A repair is offered for an item under warranty (the product's `warranty_months`, or the
policy's `WARRANTY_MONTHS`, from delivery), when the customer says it is faulty ("it
stopped working", defective, damaged), inside the return window or after it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _

from portal.i18n import fmt_date
from portal.models import OrderLine
from portal.services.eligibility import Eligibility

REPAIR = "repair"
FAULT_REASONS = ("stopped_working", "defective", "damaged")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_months(line: OrderLine) -> int:
    months = line.variant.product.warranty_months
    return current_app.config["WARRANTY_MONTHS"] if months is None else months


def warranty_end(line: OrderLine) -> date | None:
    """The last day of the warranty, or None before delivery."""
    delivered = line.order.delivered_at
    if delivered is None:
        return None
    return add_months(delivered.date(), warranty_months(line))


@dataclass(frozen=True)
class RepairOffer:
    quantity: int  # units that can be sent for repair
    until: date  # the warranty's last day
    only_choice: bool  # past the return window: a repair is all we offer

    @property
    def until_text(self) -> str:
        return fmt_date(self.until, "long")


# the return rules a repair still obeys; the window is the warranty's, not the return's
_REPAIR_BLOCKERS = {"order_not_cancelled", "delivered", "quantity_left"}


def repair_offer(e: Eligibility, today: date, already: int) -> RepairOffer | None:
    """What a repair request may hold for this line (`already`: units held by live
    returns), or None when none can be made."""
    if any(rule in _REPAIR_BLOCKERS for rule, _msg in e.problems):
        return None
    until = warranty_end(e.line)
    if until is None or today > until or warranty_months(e.line) <= 0:
        return None
    left = e.line.quantity - already
    if left <= 0:
        return None
    return RepairOffer(left, until, only_choice=not e.ok)


def repair_problems(
    key: str, offer: RepairOffer | None, quantity: int, reason: str
) -> dict[str, str]:
    """Errors by field for a repair choice; empty when it can be made."""
    if offer is None:
        return {f"{key}-resolution": _("This item is not under warranty: it cannot be repaired.")}
    errors = {}
    if not 1 <= quantity <= offer.quantity:
        errors[f"{key}-quantity"] = _(
            "You can send at most %(n)d of this item for repair.", n=offer.quantity
        )
    if reason not in FAULT_REASONS:
        errors[f"{key}-reason"] = _(
            "A repair is for a faulty item: choose “It stopped working”, “Defective” or "
            "“Damaged on arrival”."
        )
    return errors


def warranty_words(lines: list[OrderLine], today: date) -> list[str]:
    """For the "nothing can be returned" card: what the warranty of each delivered line
    says today (ended, with its date, or none); a running warranty offers a repair."""
    said = []
    for line in lines:
        until = warranty_end(line)
        name = line.variant.display_name
        if until is None:
            continue  # not delivered: the item's own line says so
        if warranty_months(line) <= 0:
            said.append(_("%(name)s has no warranty.", name=name))
        elif today > until:
            said.append(
                _(
                    "The warranty of %(name)s ended on %(date)s.",
                    name=name,
                    date=fmt_date(until, "long"),
                )
            )
    return said

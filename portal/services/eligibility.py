"""Can this order line be returned? Small named rules, each with a reason a person can read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal import lifecycle
from portal.extensions import db
from portal.i18n import fmt_date
from portal.models import OrderLine, ReturnItem, ReturnRequest
from portal.services.policy import Policy

# Returns in these states no longer hold their items.


@dataclass
class LineCheck:
    line: OrderLine
    already_returned: int
    deadline: date | None
    today: date
    policy: Policy


@dataclass
class Eligibility:
    line: OrderLine
    returnable_quantity: int
    deadline: date | None
    problems: list[tuple[str, str]] = field(default_factory=list)  # (rule name, message)

    @property
    def ok(self) -> bool:
        return not self.problems and self.returnable_quantity > 0


def deadline_for(line: OrderLine, policy: Policy) -> date | None:
    order = line.order
    if order.delivered_at is None:
        return None
    deadline = order.delivered_at.date() + timedelta(days=policy.window_days)
    placed = order.placed_at.date()
    if policy.in_holiday_season(placed):
        deadline = max(deadline, policy.holiday_deadline(placed))
    return deadline


def order_not_cancelled(c: LineCheck) -> str | None:
    if c.line.order.cancelled:
        return _("This order was cancelled.")
    return None


def delivered(c: LineCheck) -> str | None:
    order = c.line.order
    # an estimated delivery (shipped date + a delay, docs/shops.md) counts once it is past
    if order.delivered_at is None or (
        order.delivery_estimated and order.delivered_at.date() > c.today
    ):
        return _("Not delivered yet: you can return it once it has arrived.")
    return None


def inside_window(c: LineCheck) -> str | None:
    if c.deadline is not None and c.today > c.deadline:
        return _("The return period ended on %(date)s.", date=fmt_date(c.deadline, "long"))
    return None


def not_final_sale(c: LineCheck) -> str | None:
    if c.line.final_sale:
        return _("Final sale: this item cannot be returned.")
    return None


def product_returnable(c: LineCheck) -> str | None:
    if not c.line.variant.is_returnable:
        return _("For hygiene reasons this product cannot be returned.")
    return None


def quantity_left(c: LineCheck) -> str | None:
    if c.already_returned >= c.line.quantity:
        return _("Already returned.")
    return None


RULES: tuple[Callable[[LineCheck], str | None], ...] = (
    order_not_cancelled,
    delivered,
    inside_window,
    not_final_sale,
    product_returnable,
    quantity_left,
)


def returned_quantities(order_id: int) -> dict[int, int]:
    """Units of each order line held by live (not cancelled/expired) returns."""
    rows = db.session.execute(
        select(ReturnItem.order_line_id, func.sum(ReturnItem.quantity))
        .join(ReturnRequest)
        .where(
            ReturnRequest.order_id == order_id,
            ReturnRequest.status.not_in(lifecycle.GROUPS["ended_unsent"]),
        )
        .group_by(ReturnItem.order_line_id)
    ).all()
    return {line_id: int(qty) for line_id, qty in rows}


def check_order(
    order, policy: Policy, today: date, taken: dict[int, int] | None = None
) -> list[Eligibility]:
    """Each line's eligibility; `taken` is returned_quantities(order) if already read."""
    taken = returned_quantities(order.id) if taken is None else taken
    results = []
    for line in order.lines:
        check = LineCheck(line, taken.get(line.id, 0), deadline_for(line, policy), today, policy)
        problems = [(rule.__name__, msg) for rule in RULES if (msg := rule(check))]
        left = max(line.quantity - check.already_returned, 0) if not problems else 0
        results.append(Eligibility(line, left, check.deadline, problems))
    return results

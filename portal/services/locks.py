"""Row locks that serialise the verbs touching one order.

"Quantity not already returned" and "never refund more than was paid for the line"
are facts about an order line across all its returns, so each is checked after taking
the order's row lock, on fresh data.
"""

from __future__ import annotations

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import Order


def lock_order(order_id: int) -> None:
    """Hold the order's row lock until the transaction ends.

    PostgreSQL: `SELECT … FOR UPDATE`; a second caller waits, then its next statements
    read what the first committed. SQLite ignores FOR UPDATE, so the row is also
    written (to the value it has): that takes SQLite's single write lock now, waiting
    up to the busy timeout, rather than at the first insert after the checks (the same
    trick as `warehouse.lock_return`).
    """
    db.session.execute(select(Order.id).where(Order.id == order_id).with_for_update())
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(Order)
            .where(Order.id == order_id)
            .values(updated_at=Order.updated_at)
            .execution_options(synchronize_session=False)
        )

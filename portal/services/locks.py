"""Row locks that make a verb see fresh data and wait for anyone else changing it.

"Quantity not already returned" and "never refund more than was paid for the line" are
facts about an order line across all its returns, so each is checked after taking the
order's row lock (`lock_order`), on fresh data.
"""

from __future__ import annotations

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import Order, ReturnItem, ReturnRequest
from portal.models.base import utcnow


def lock_return(rr: ReturnRequest) -> None:
    """Hold the return's row lock until the transaction ends, then reload it and its items.

    PostgreSQL: `SELECT … FOR UPDATE` waits for any other transaction holding the row.
    SQLite ignores FOR UPDATE, so the same call then writes the row (`updated_at`): that
    takes SQLite's single write lock now (waiting up to the driver's busy timeout) instead
    of at the first insert. On both, a second caller waits for the first to commit and
    then reads what it committed (the rows are fetched: an ORM result refreshes the
    objects only as it is read).
    """
    db.session.execute(select(ReturnRequest.id).where(ReturnRequest.id == rr.id).with_for_update())
    db.session.execute(
        update(ReturnRequest)
        .where(ReturnRequest.id == rr.id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        select(ReturnRequest)
        .where(ReturnRequest.id == rr.id)
        .execution_options(populate_existing=True)
    ).all()
    db.session.execute(
        select(ReturnItem)
        .where(ReturnItem.return_id == rr.id)
        .execution_options(populate_existing=True)
    ).all()


def _sqlite_write_lock(order_id: int) -> None:
    """SQLite ignores FOR UPDATE: write the order's row (to the value it has), which takes
    the database's single write lock now, waiting up to the busy timeout."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(Order)
            .where(Order.id == order_id)
            .values(updated_at=Order.updated_at)
            .execution_options(synchronize_session=False)
        )


def lock_order(order_id: int) -> None:
    """Hold the order's row lock until the transaction ends.

    PostgreSQL: `SELECT … FOR UPDATE`; a second caller waits, then its next statements
    read what the first committed. SQLite ignores FOR UPDATE, so the row is also
    written (to the value it has): that takes SQLite's single write lock now, waiting
    up to the busy timeout, rather than at the first insert after the checks.
    """
    db.session.execute(select(Order.id).where(Order.id == order_id).with_for_update())
    _sqlite_write_lock(order_id)


def locked_order(order_id: int, *options) -> Order | None:
    """The order (None if there is none), read with its row lock held until the
    transaction ends, as `lock_order` takes it; `options` (eager loads: its lines, their
    variants …) read what the caller needs of it in the same statement, after the lock.

    PostgreSQL: `SELECT … FOR UPDATE`. SQLite: the row is written first (to the value it
    has), which takes the single write lock and starts the transaction, so that the order
    and its lines are read after the lock there too.
    """
    _sqlite_write_lock(order_id)
    return (
        db.session.scalars(
            select(Order)
            .where(Order.id == order_id)
            .options(*options)
            .with_for_update(of=Order)  # the order's row only, not the joined ones
            .execution_options(populate_existing=True)
        )
        .unique()  # joined lines: the order comes once per line
        .first()
    )

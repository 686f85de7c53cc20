"""Row locks that make a verb see fresh data and wait for anyone else changing it."""

from __future__ import annotations

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import ReturnItem, ReturnRequest
from portal.models.base import utcnow


def lock_return(rr: ReturnRequest) -> None:
    """Hold the return's row lock until the transaction ends, then reload it and its items.

    PostgreSQL: `SELECT … FOR UPDATE` waits for any other transaction holding the row.
    SQLite ignores FOR UPDATE, so the same call then writes the row (`updated_at`): that
    takes SQLite's single write lock now (waiting up to the driver's busy timeout) instead
    of at the first insert. On both, a second caller waits for the first to commit and
    then reads what it committed.
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
    )
    db.session.execute(
        select(ReturnItem)
        .where(ReturnItem.return_id == rr.id)
        .execution_options(populate_existing=True)
    )

"""Taking due rows for a worker, atomically, on PostgreSQL and on SQLite.

The refunds' worker (portal/payments/worker.py) and the shop platform calls' worker
(portal/shops/calls.py) each give a row a lease — `next_attempt_at` pushed `lease` ahead,
`attempts` counted — before calling the outside service with the row's key, so that a
second worker does not send it meanwhile. The lease must be taken by one worker only:

- on PostgreSQL the due rows are locked (`FOR UPDATE SKIP LOCKED`, so two workers take
  different rows without waiting) and then updated in the same transaction;
- on SQLite `FOR UPDATE` does nothing, and a read followed by a write would give two
  workers the same row: the lease is one UPDATE whose WHERE says "still due", run under
  SQLite's write lock, and `RETURNING` says which rows this worker took.

Flushes, never commits: the worker commits the claim before it calls out.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from portal.extensions import db
from portal.models.base import utcnow


def claim_due(
    model, conditions: tuple, *, limit: int, lease: timedelta, ids: list[int] | None = None
) -> list[int]:
    """Ids of up to `limit` rows of `model` that meet `conditions` and are due
    (`next_attempt_at` passed), now leased to this worker; oldest due first."""
    now = utcnow()
    due = (model.next_attempt_at <= now, *conditions)
    if ids is not None:
        due = (*due, model.id.in_(ids))
    picked = select(model.id).where(*due).order_by(model.next_attempt_at, model.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        taken = list(db.session.scalars(picked.with_for_update(skip_locked=True)))
        if not taken:
            return []
    else:
        taken = picked.scalar_subquery()
    leased = db.session.execute(
        update(model)
        .where(model.id.in_(taken), *due)
        .values(next_attempt_at=now + lease, attempts=model.attempts + 1)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(leased.scalars())


def leased_rows(model, ids: list[int]) -> list:
    """The leased rows, read fresh (the UPDATE bypassed the session), in id order."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(model)
            .where(model.id.in_(ids))
            .order_by(model.id)
            .execution_options(populate_existing=True)
        )
    )

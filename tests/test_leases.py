"""Two workers never lease the same row (portal/leases.py): refunds and platform calls are
sent exactly once even on SQLite, where FOR UPDATE SKIP LOCKED does nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import event

from portal import leases
from portal.extensions import db
from portal.lifecycle import shops as call_states
from portal.models import PlatformCall
from portal.models.base import utcnow

LEASE = timedelta(minutes=5)


def _calls(n: int) -> None:
    for i in range(n):
        db.session.add(
            PlatformCall(
                platform="shopify",
                kind="credit",
                key=f"k-{i}",
                payload={},
                status=call_states.PENDING,
                next_attempt_at=utcnow() - timedelta(seconds=5),
            )
        )
    db.session.commit()


def _claim(limit: int) -> list[int]:
    pending = (PlatformCall.status == call_states.PENDING,)
    return leases.claim_due(PlatformCall, pending, limit=limit, lease=LEASE)


def test_a_claim_that_overlaps_another_takes_other_rows(app):
    """Worker B claims at the very moment worker A's lease statement is about to run:
    each gets its own rows (a read-then-write claim hands both the same ones on SQLite)."""
    _calls(6)
    other: list[int] = []
    armed = [True]

    def claim_in_between(conn, cursor, statement, *args):
        if armed[0] and statement.lstrip().upper().startswith("UPDATE PLATFORM_CALLS"):
            armed[0] = False

            def worker_b():
                with app.app_context():
                    other.extend(_claim(4))
                    db.session.commit()
                    db.session.remove()

            thread = threading.Thread(target=worker_b)
            thread.start()
            thread.join(30)

    event.listen(db.engine, "before_cursor_execute", claim_in_between)
    try:
        mine = _claim(4)
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", claim_in_between)
    assert other and mine
    assert set(mine).isdisjoint(other)
    assert len(mine) + len(other) == 6
    rows = db.session.scalars(db.select(PlatformCall).execution_options(populate_existing=True))
    assert {(row.attempts, row.next_attempt_at > utcnow()) for row in rows} == {(1, True)}


def test_a_leased_row_is_not_due_again_until_its_lease_runs_out(app):
    _calls(2)
    first = _claim(10)
    db.session.commit()
    assert len(first) == 2 and _claim(10) == []
    row = db.session.get(PlatformCall, first[0])
    row.next_attempt_at = utcnow() - timedelta(seconds=1)  # the worker died: lease over
    db.session.commit()
    assert _claim(10) == [first[0]]
    db.session.commit()
    assert db.session.get(PlatformCall, first[0]).attempts == 2


def test_only_the_ids_asked_for_are_taken(app):
    _calls(3)
    ids = [row.id for row in db.session.scalars(db.select(PlatformCall).order_by(PlatformCall.id))]
    assert _claim_ids(ids[1:2]) == ids[1:2]


def _claim_ids(ids):
    pending = (PlatformCall.status == call_states.PENDING,)
    return leases.claim_due(PlatformCall, pending, limit=10, lease=LEASE, ids=ids)

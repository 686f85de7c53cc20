"""Two staff members refund the same item at the same moment: exactly one refund.

Each thread has its own app context (so its own session and connection); a barrier
releases them together into `issue_refund`, which both commit. On PostgreSQL the row
lock (`SELECT … FOR UPDATE`) makes the second wait for the first and then find its
refund. On SQLite the same code path takes the database's write lock at the same point
(it writes the return row) and the second writer waits for it (the driver's 5 s busy
timeout); should SQLite still answer "database is locked", that attempt counts as
refused — it changed nothing. The UNIQUE(return_item_id) constraint is the last guard.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import OperationalError

from portal.extensions import db
from portal.models import Refund, ReturnItem, ReturnRequest
from portal.services import resolve, warehouse
from portal.services.errors import AlreadyDone

ROUNDS = 20


def ready_to_refund(factory) -> tuple[int, int]:
    rr = factory.return_(with_label=False)
    item = rr.items[0]
    warehouse.receive_parcel(rr, {item.id: 1}, actor="w")
    warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w")
    db.session.commit()
    return rr.id, item.id


def refund_at_once(app, rr_id: int, item_id: int) -> list[str]:
    barrier = threading.Barrier(2)
    results: list[str] = []

    def staff_member(name: str) -> None:
        with app.app_context():
            rr = db.session.get(ReturnRequest, rr_id)
            item = db.session.get(ReturnItem, item_id)
            barrier.wait()
            try:
                resolve.issue_refund(rr, item, actor=name)
                db.session.commit()
                results.append("refunded")
            except AlreadyDone:
                db.session.rollback()
                results.append("already done")
            except OperationalError as exc:  # SQLite: "database is locked"
                db.session.rollback()
                results.append(f"locked: {exc.orig}")

    threads = [threading.Thread(target=staff_member, args=(n,)) for n in ("ana", "bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def run_rounds(app, factory) -> None:
    for _ in range(ROUNDS):
        rr_id, item_id = ready_to_refund(factory)
        results = refund_at_once(app, rr_id, item_id)
        db.session.expire_all()
        refunds = db.session.query(Refund).filter_by(return_item_id=item_id).all()
        assert len(refunds) == 1, results
        assert sorted(results)[-1] == "refunded" and results.count("refunded") == 1, results
        assert db.session.get(ReturnRequest, rr_id).status == "refunded"


@pytest.mark.slow
def test_two_refunds_at_once_make_one(app, factory):
    """On PostgreSQL (CI's second pass) the row lock decides; on SQLite the write lock."""
    assert db.engine.url.get_backend_name() == "postgresql" or db.engine.url.database
    run_rounds(app, factory)

"""A customer cancels while the carrier's first scan arrives: one of them wins, and the
loser changes nothing. (Found by the lifecycle model: the cancel read the status
without the return's lock and overwrote `in_transit`.)"""

from __future__ import annotations

import uuid

import pytest

from portal.carriers.base import TrackingUpdate
from portal.extensions import db
from portal.models import ReturnRequest
from portal.services import returns, tracking
from portal.services.errors import DomainError
from tests.reliability.invariants import assert_invariants
from tests.reliability.kit import race, rounds

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.guarantee("A parcel the carrier has scanned is never cancelled"),
]


def scan(rr: ReturnRequest) -> TrackingUpdate:
    return TrackingUpdate(uuid.uuid4().hex, rr.current_label.tracking_code, "in_transit")


def test_a_scan_committed_after_the_cancel_page_read_the_return(app, factory, attempts):
    """The cancel request loaded the return, then the scan committed, then it cancels."""
    rr = factory.return_(resolution="exchange")
    event = scan(rr)
    with app.app_context():  # the customer's request
        mine = db.session.get(ReturnRequest, rr.id)
        assert mine.status == "label_issued"
        with app.app_context():  # the carrier's webhook, meanwhile
            assert tracking.apply_tracking(event, provider="local") == "applied"
            db.session.commit()
        with pytest.raises(DomainError):
            returns.cancel_return(mine, actor_type="customer")
        db.session.rollback()
    attempts.add(1)
    db.session.expire_all()
    assert db.session.get(ReturnRequest, rr.id).status == "in_transit"
    assert_invariants()


def test_cancel_and_scan_at_once(app, factory, attempts):
    factory.variants("TEE", M=5000, L=5000)
    for _ in range(rounds(default=3)):
        rr = factory.return_(resolution="exchange")
        event, rr_id = scan(rr), rr.id

        def actor(i, barrier, rr_id=rr_id, event=event):
            with app.app_context():
                mine = db.session.get(ReturnRequest, rr_id)
                barrier.wait()
                try:
                    if i == 0:
                        returns.cancel_return(mine, actor_type="customer")
                        outcome = "cancelled"
                    else:
                        outcome = tracking.apply_tracking(event, provider="local")
                    db.session.commit()
                    return outcome
                except DomainError:
                    db.session.rollback()
                    return "refused"

        results = race(2, actor)
        assert results in (["cancelled", "ignored"], ["refused", "applied"]), results
        db.session.expire_all()
        final = db.session.get(ReturnRequest, rr_id).status
        assert final == ("cancelled" if results[0] == "cancelled" else "in_transit")
        attempts.add(1)
        assert_invariants()

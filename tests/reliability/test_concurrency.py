"""Contested resources, hit by threads released together by a barrier.

PostgreSQL runs the full parallelism; SQLite (one writer at a time) runs fewer threads
and must still never show a customer or staff member "database is locked": an
exception in a worker (a 500 in production) fails the test.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, update

from portal import outbox
from portal.api.blueprint import create_token
from portal.extensions import db
from portal.models import (
    CreditTransaction,
    OutboxMessage,
    Refund,
    ReturnRequest,
    StoreCredit,
    Variant,
)
from portal.models.base import utcnow
from portal.services import warehouse
from portal.services.credits import issue_credit
from tests.customer.pagekit import confirm, page
from tests.reliability.invariants import assert_invariants
from tests.reliability.journeys import customer_at_review, staff_browser
from tests.reliability.kit import parallel, race, rounds
from tests.staff.staffkit import page as staff_page

pytestmark = pytest.mark.concurrency


def _no_errors(results) -> None:
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors


@pytest.mark.guarantee("The last unit of a size is never promised to two people")
def test_last_unit_twenty_exchanges_at_once(app, factory, attempts, mailbox):
    n = parallel(postgres=20, sqlite=5)
    factory.variants("TEE", M=5000, L=0)
    point = factory.relay_point()
    db.session.commit()
    for _ in range(rounds()):
        n = parallel(postgres=20, sqlite=5)  # as many as there are free connections now
        large = db.session.scalar(select(Variant).where(Variant.sku == "TEE-L"))
        large.stock_on_hand += 1  # one more L arrives: the last unit
        db.session.commit()
        on_hand = large.stock_on_hand
        orders = [factory.order([("TEE-M", 1)]) for _ in range(n)]
        db.session.commit()
        clients = [
            customer_at_review(app, o, point, resolution="exchange", exchange=large) for o in orders
        ]

        def customer(i, barrier, clients=clients):
            barrier.wait()
            return confirm(clients[i]).headers.get("Location", "")

        results = race(n, customer)
        _no_errors(results)
        assert sum(loc.startswith("/r/") for loc in results) == 1, results
        losers = [i for i, loc in enumerate(results) if loc == "/return/items"]
        assert len(losers) == n - 1, results
        for i in losers:
            shown = page(clients[i].get("/return/items")).text
            assert "Sorry, TEE shirt (Blue · L) was just taken by someone else." in shown
        db.session.expire_all()
        large = db.session.scalar(select(Variant).where(Variant.sku == "TEE-L"))
        assert (large.stock_on_hand, large.stock_reserved) == (on_hand, on_hand)
        attempts.add(1, customers=n)
        assert_invariants()


def _inspected_return(factory) -> tuple[str, int]:
    rr = factory.return_(with_label=False)
    item = rr.items[0]
    warehouse.receive_parcel(rr, {item.id: 1}, actor="w")
    warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w")
    db.session.commit()
    return rr.rma, item.id


@pytest.mark.guarantee("A returned item is refunded exactly once")
def test_same_item_refunded_from_ten_requests_at_once(app, factory, attempts, mailbox):
    """Ten support browsers click "Refund" on the same item together: one refund, one
    e-mail, and the others are told it is already done."""
    n = parallel(postgres=10, sqlite=4)
    factory.variants("TEE", M=5000, L=5)
    clients = [staff_browser(app, factory.staff("support")) for _ in range(n)]
    for _ in range(rounds()):
        n = min(parallel(postgres=10, sqlite=4), len(clients))  # as many as connections allow
        rma, item_id = _inspected_return(factory)

        def support(i, barrier, rma=rma, item_id=item_id):
            barrier.wait()
            response = clients[i].post(
                f"/staff/returns/{rma}/items/{item_id}/refund", follow_redirects=True
            )
            return response.status_code, staff_page(response)

        results = race(n, support)
        _no_errors(results)
        assert all(status == 200 for status, _ in results)
        said = [text for _, text in results]
        assert sum("Refund of €25.00 recorded" in t for t in said) == 1
        assert sum("has already been refunded" in t for t in said) == n - 1
        db.session.expire_all()
        assert (
            db.session.scalar(
                select(func.count()).select_from(Refund).where(Refund.return_item_id == item_id)
            )
            == 1
        )
        rr = db.session.scalar(select(ReturnRequest).where(ReturnRequest.rma == rma))
        assert rr.status == "inspected"  # approved, not sent: refunded once the money leaves
        attempts.add(1, requests=n)
        assert_invariants()


@pytest.mark.guarantee("A store credit is never spent beyond its balance")
def test_same_credit_redeemed_ten_times_at_once(app, attempts):
    """Ten checkouts spend 60 of a 100 credit together, each with its own key: one is
    accepted (201), nine are refused (409), the balance is 40."""
    n = parallel(postgres=10, sqlite=4)
    tokens = [create_token(f"checkout-{i}") for i in range(n)]
    db.session.commit()
    for round_ in range(rounds()):
        n = min(parallel(postgres=10, sqlite=4), len(tokens))  # as many as connections allow
        credit = issue_credit(
            amount=100,
            currency="EUR",
            owner_name="Zoë",
            owner_email="z@example.fr",
            kind="goodwill",
        )
        db.session.commit()
        code = credit.code

        def checkout(i, barrier, code=code, round_=round_):
            client = app.test_client()
            barrier.wait()
            response = client.post(
                f"/api/v1/credits/{code}/redeem",
                json={"amount": 60, "idempotency_key": f"{round_}-{i}"},
                headers={"Authorization": f"Bearer {tokens[i]}"},
            )
            return response.status_code

        results = race(n, checkout)
        _no_errors(results)
        assert sorted(results) == [201] + [409] * (n - 1), results
        db.session.expire_all()
        assert db.session.scalar(select(StoreCredit.balance).where(StoreCredit.code == code)) == 40
        spent = db.session.scalar(
            select(func.count())
            .select_from(CreditTransaction)
            .join(StoreCredit)
            .where(StoreCredit.code == code, CreditTransaction.kind == "redeem")
        )
        assert spent == 1
        attempts.add(1, checkouts=n)


@pytest.mark.guarantee("Each queued e-mail is delivered once, however many workers run")
def test_two_outbox_workers_on_one_queue(app, factory, mailbox, attempts):
    """Two workers drain the same queue at the same moment: every message reaches the
    SMTP server exactly once."""
    factory.variants("TEE", M=5000, L=5)
    db.session.commit()
    per_round = 12
    # one queue of twelve confirmations (returns, labels and PDFs made once), put back
    # in the queue at the start of each round: what the workers contend for is the same
    made = [
        factory.return_(factory.order(email=f"{uuid.uuid4().hex[:10]}@example.fr"))
        for _ in range(per_round)
    ]
    db.session.commit()
    ids = set(db.session.scalars(select(OutboxMessage.id)))
    assert len(ids) == per_round
    for _ in range(rounds()):
        mailbox.clear()
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status="pending", attempts=0, next_attempt_at=utcnow(), sent_at=None)
        )
        db.session.commit()
        pending = set(
            db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "pending"))
        )
        assert pending == ids

        def worker(i, barrier):
            with app.app_context():
                barrier.wait()
                total = 0
                while True:
                    sent, failed = outbox.deliver_due(limit=3)
                    total += sent
                    if not sent and not failed:
                        return total

        results = race(2, worker)
        _no_errors(results)
        assert sum(results) == per_round, results
        ids_seen = [m["Message-ID"] for m in mailbox.messages]
        assert len(ids_seen) == per_round == len(set(ids_seen)), sorted(ids_seen)
        for rr in made:
            assert mailbox.kinds(rr.contact_email) == ["confirmation"]
        attempts.add(1, messages=per_round)
        assert_invariants()

"""One order line, one unit: twenty sessions on the review page confirm at once.

Each session is its own browser (test client, own cookie) that went through lookup,
items and relay point; a barrier releases their "Confirm" clicks together. Exactly
one return holds the unit; every other customer lands back on the items page with a
message naming the item, and nothing was made or reserved for them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ReturnItem, ReturnRequest, Variant
from tests.customer.pagekit import confirm, item_fields, page, to_review
from tests.reliability.invariants import assert_invariants
from tests.reliability.kit import parallel, race, rounds

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.guarantee("An order line is never returned more than it was bought"),
]

TAKEN = "was just included in another return"


def one_round(app, factory, point, n: int) -> list[str]:
    order = factory.order([("TEE-M", 1)])
    db.session.commit()
    line = order.lines[0]
    large = db.session.scalar(select(Variant).where(Variant.sku == "TEE-L"))
    clients = []
    for i in range(n):
        client = app.test_client()
        client.get("/lang/en")
        # half exchange (reserving stock), half refund
        fields = (
            item_fields(line, resolution="exchange", exchange=large)
            if i % 2
            else item_fields(line, resolution="refund")
        )
        to_review(client, order, point, fields)
        assert client.get("/return/review").status_code == 200
        clients.append(client)

    def customer(i, barrier):
        barrier.wait()
        response = confirm(clients[i])
        return response.status_code, response.headers.get("Location", "")

    results = race(n, customer)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    made = [loc for status, loc in results if loc.startswith("/r/")]
    refused = [i for i, (_s, loc) in enumerate(results) if loc == "/return/items"]
    assert len(made) == 1, results
    assert len(refused) == n - 1, results
    for i in refused:
        shown = page(clients[i].get("/return/items")).text
        assert f"Sorry, TEE shirt (Blue · M) {TAKEN}" in shown, shown
    db.session.expire_all()
    held = db.session.scalar(
        select(func.coalesce(func.sum(ReturnItem.quantity), 0)).where(
            ReturnItem.order_line_id == line.id
        )
    )
    assert held == 1
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(ReturnRequest)
            .where(ReturnRequest.order_id == order.id)
        )
        == 1
    )
    return results


def test_twenty_sessions_confirm_the_same_unit_at_once(app, factory, attempts, mailbox):
    factory.variants("TEE", M=5, L=500)
    point = factory.relay_point()
    db.session.commit()
    n = parallel(postgres=20, sqlite=5)
    for _ in range(rounds()):
        n = parallel(postgres=20, sqlite=5)  # as many as there are free connections now
        one_round(app, factory, point, n)
        attempts.add(1, sessions=n)
        assert_invariants()

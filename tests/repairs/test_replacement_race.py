"""The last unit of a replacement goes to one customer: two warehouse workers replace two
repaired grinders with the last white one at the same moment; one ships, the other is told
and nothing changes for that repair."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import RepairCase, Variant
from tests.conftest import AuthActions
from tests.htmlkit import visible as page_text
from tests.reliability.kit import race

pytestmark = pytest.mark.slow


def test_two_replacements_race_for_the_last_unit(app, factory):
    from tests.repairs.build import grinder_order, grinders

    grinders(stock=1)
    first, case_a = factory.repair(grinder_order(factory, email="a@example.fr"), at="repairing")
    second, case_b = factory.repair(grinder_order(factory, email="b@example.fr"), at="repairing")
    white = db.session.query(Variant).filter_by(sku="GRIND-WHITE").one()
    clients = []
    for _ in range(2):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        AuthActions(client, factory).login("warehouse")
        clients.append(client)
    white_id = str(white.id)
    jobs = [  # plain values: the threads read no ORM object
        (f"/staff/returns/{rr.rma}/repairs/replace", str(case.id), tracking)
        for rr, case, tracking in (
            (first, case_a, "6A1000000001"),
            (second, case_b, "6A1000000002"),
        )
    ]

    def worker(i, barrier):
        path, case_id, tracking = jobs[i]
        barrier.wait()
        response = clients[i].post(
            path,
            data={"case_id": case_id, "variant_id": white_id, "tracking": tracking},
            follow_redirects=True,
        )
        return response.get_data(as_text=True)

    results = race(2, worker)
    assert not [r for r in results if isinstance(r, BaseException)], results
    texts = [page_text(r) for r in results]
    shipped = [t for t in texts if "Replacement shipped" in t]
    told = [t for t in texts if "was just taken by someone else" in t]
    assert len(shipped) == 1 and len(told) == 1, results
    db.session.expire_all()
    states = sorted(db.session.get(RepairCase, c.id).status for c in (case_a, case_b))
    assert states == ["repairing", "replaced"]
    white = db.session.get(Variant, white.id)
    assert (white.stock_on_hand, white.stock_reserved) == (0, 0)

"""The demo shop's catalogue and orders go through the API, and an order read from the API
can be sent back as it is (what we answer is valid input, and replaying it changes nothing)."""

from __future__ import annotations

from sqlalchemy import select

from portal.commands.demo import CATALOG, ORDERS, demo_variants
from portal.extensions import db
from portal.models import Order, Variant
from tests.api.conftest import count
from tests.api.spec import check_request


def test_demo_catalogue_is_accepted(api):
    body = {"variants": demo_variants()}
    check_request("PUT", "/api/v1/catalog", body)
    response = api.put("/api/v1/catalog", json=body)
    assert response.status_code == 200
    assert response.get_json() == {"created": len(body["variants"]), "updated": 0}


def test_demo_orders_round_trip(api, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    db.session.expire_all()
    before = {o.number: o.updated_at for o in db.session.scalars(select(Order))}
    assert len(before) == len(ORDERS)
    for number in sorted(before):
        held = api.get("/api/v1/orders/{number}", number=number).get_json()
        check_request("PUT", "/api/v1/orders/{number}", held)
        response = api.put("/api/v1/orders/{number}", number=number, json=held)
        assert response.status_code == 200
        assert response.get_json() == held
    db.session.expire_all()
    assert {o.number: o.updated_at for o in db.session.scalars(select(Order))} == before
    assert count(Variant) == sum(len(skus) for *_, skus in CATALOG)

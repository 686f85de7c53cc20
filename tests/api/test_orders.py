"""PUT and GET /api/v1/orders/<number>, GET /api/v1/returns/<rma>."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Order, OrderLine
from tests.api.conftest import ORDER, count, order
from tests.api.spec import check_request

ORDERS = "/api/v1/orders/{number}"
RETURNS = "/api/v1/returns/{rma}"
NUMBER = ORDER["number"]


def days_ago(days: int) -> str:
    moment = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days)
    return moment.isoformat().replace("+00:00", "Z")


def held(number: str = NUMBER) -> Order | None:
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.number == number))


def put(api, body: dict, number: str = NUMBER):
    return api.put(ORDERS, number=number, json=body)


def test_create_answers_201_with_the_order_and_get_returns_it(api, catalog):
    body = order()
    check_request("PUT", ORDERS, body)
    response = put(api, body)
    assert response.status_code == 201
    assert response.get_json() == {**body, "cancelled": False}
    assert api.get(ORDERS, number=NUMBER).get_json() == response.get_json()
    stored = held()
    assert stored.email == "customer@example.fr"
    assert [(line.variant.sku, line.quantity, line.unit_price) for line in stored.lines] == [
        ("TEE-ORG-BLUE-M", 2, 2500)
    ]


def test_replace_answers_200_and_replaces_everything(api, catalog):
    put(api, order())
    body = order(
        email="Other@Example.fr",
        delivered_at=None,
        cancelled=True,
        shipping_address={**ORDER["shipping_address"], "line2": "Bât. B", "city": "Lyon"},
        lines=[
            {"sku": "TEE-ORG-BLUE-M", "quantity": 1, "unit_price": 2000, "final_sale": True},
            {"sku": "TEE-ORG-BLUE-L", "quantity": 3, "unit_price": 2500},
        ],
    )
    check_request("PUT", ORDERS, body)
    response = put(api, body)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["email"] == "other@example.fr"
    assert answer["delivered_at"] is None
    assert answer["cancelled"] is True
    assert answer["shipping_address"]["line2"] == "Bât. B"
    assert answer["lines"][1] == {
        "sku": "TEE-ORG-BLUE-L",
        "quantity": 3,
        "unit_price": 2500,
        "final_sale": False,
        "discount": 0,
    }
    assert count(Order) == 1
    assert count(OrderLine) == 2

    response = put(api, order(lines=[{"sku": "TEE-ORG-BLUE-L", "quantity": 1, "unit_price": 1}]))
    assert response.status_code == 200
    assert [line["sku"] for line in response.get_json()["lines"]] == ["TEE-ORG-BLUE-L"]
    assert count(OrderLine) == 1


def test_the_same_order_twice_is_harmless(api, catalog):
    first = put(api, order())
    line_id = held().lines[0].id
    second = put(api, order())
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json() == first.get_json()
    assert (count(Order), count(OrderLine)) == (1, 1)
    assert held().lines[0].id == line_id


def test_number_in_body_must_match_the_url(api, catalog):
    response = put(api, order(number="FR-99999"))
    assert response.status_code == 422
    assert "number" in response.get_json()["errors"]
    assert count(Order) == 0


def test_an_order_with_returns_keeps_its_returned_lines(api, catalog, factory):
    lines = [
        {"sku": "TEE-ORG-BLUE-M", "quantity": 2, "unit_price": 2500},
        {"sku": "TEE-ORG-BLUE-L", "quantity": 1, "unit_price": 2500},
    ]
    put(api, order(placed_at=days_ago(8), delivered_at=days_ago(5), lines=lines))
    factory.return_(held())  # one unit of TEE-ORG-BLUE-M

    later = days_ago(4)
    response = put(api, order(placed_at=days_ago(8), delivered_at=later, lines=lines))
    assert response.status_code == 200
    assert response.get_json()["delivered_at"] == later

    for bad_lines, words in (
        (lines[1:], "cannot be removed"),
        ([{**lines[0], "quantity": 0}, lines[1]], "at least 1"),
        ([{**lines[0], "unit_price": 2000}, lines[1]], "price cannot change"),
    ):
        response = put(api, order(placed_at=days_ago(8), delivered_at=later, lines=bad_lines))
        assert response.status_code == 422
        assert any(words in message for message in response.get_json()["errors"].values())
    assert [(line.variant.sku, line.quantity) for line in held().lines] == [
        ("TEE-ORG-BLUE-M", 2),
        ("TEE-ORG-BLUE-L", 1),
    ]

    # lines without returns may still go
    response = put(api, order(placed_at=days_ago(8), delivered_at=later, lines=lines[:1]))
    assert response.status_code == 200
    assert [line.variant.sku for line in held().lines] == ["TEE-ORG-BLUE-M"]


def line(**changes) -> list[dict]:
    return [{**ORDER["lines"][0], **changes}]


ADDRESS = ORDER["shipping_address"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"lines": line(sku="NOPE-1")}, "lines[0].sku", "unknown SKU 'NOPE-1'"),
        ({"lines": line(quantity=-1)}, "lines[0].quantity", "at least 1"),
        ({"lines": line(quantity=0)}, "lines[0].quantity", "at least 1"),
        ({"lines": line(quantity=1.0)}, "lines[0].quantity", "integer"),
        ({"lines": line(unit_price=25.0)}, "lines[0].unit_price", "integer"),
        ({"lines": line(unit_price="2500")}, "lines[0].unit_price", "integer"),
        ({"lines": line(unit_price=-5)}, "lines[0].unit_price", "at least 0"),
        ({"lines": line(unit_price=10**12)}, "lines[0].unit_price", "at most"),
        ({"lines": line(quantity=2**40)}, "lines[0].quantity", "at most"),
        ({"lines": line(final_sale="no")}, "lines[0].final_sale", "true or false"),
        ({"lines": []}, "lines", "at least one"),
        ({"email": "not-an-email"}, "email", "valid e-mail"),
        ({"email": "anne@"}, "email", "valid e-mail"),
        ({"currency": "ZZZ"}, "currency", "unknown currency"),
        ({"currency": "USD"}, "lines[0].sku", "priced in EUR"),
        ({"placed_at": "yesterday"}, "placed_at", "ISO 8601"),
        ({"placed_at": "0001-01-01T00:00:00+01:00"}, "placed_at", "ISO 8601"),
        ({"placed_at": 1700000000}, "placed_at", "ISO 8601"),
        ({"delivered_at": "2026-13-01T00:00:00Z"}, "delivered_at", "ISO 8601"),
        ({"shipping_address": {**ADDRESS, "country": "France"}}, "shipping_address.country", ""),
        ({"shipping_address": "Paris"}, "shipping_address", "object"),
        (
            {"shipping_address": {**ADDRESS, "postcode": "7" * 17}},
            "shipping_address.postcode",
            "16",
        ),
        ({"shipping_address": {**ADDRESS, "city": "P" * 101}}, "shipping_address.city", "100"),
        ({"email": "a" * 250 + "@example.fr"}, "email", ""),
        ({"payment": {"method": "card", "reference": "x" * 129}}, "payment.reference", "128"),
        ({"gift": {"code": "SHORT"}}, "gift.code", "at least 12"),
        ({"cancelled": "no"}, "cancelled", "true or false"),
    ],
)
def test_bad_field_is_named(api, catalog, changes, field, words):
    response = put(api, order(**changes))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert field in errors, errors
    assert words in errors[field]
    assert count(Order) == 0


@pytest.mark.parametrize(
    "path",
    [
        ("email",),
        ("placed_at",),
        ("currency",),
        ("shipping_address",),
        ("shipping_address", "city"),
        ("shipping_address", "postcode"),
        ("payment",),
        ("payment", "method"),
        ("lines",),
    ],
)
def test_missing_field_is_named(api, catalog, path):
    body = order()
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    response = put(api, body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert ".".join(path) in errors, errors
    assert count(Order) == 0


def test_every_bad_field_is_reported_at_once(api, catalog):
    body = order(email="x", currency="ZZZ", lines=line(sku="NOPE", quantity=-1, unit_price=1.5))
    errors = put(api, body).get_json()["errors"]
    assert {"email", "currency", "lines[0].sku", "lines[0].quantity", "lines[0].unit_price"} <= set(
        errors
    )


def test_a_bad_second_line_writes_nothing(api, catalog):
    body = order(
        lines=[
            {"sku": "TEE-ORG-BLUE-M", "quantity": 1, "unit_price": 2500},
            {"sku": "TEE-ORG-BLUE-L", "quantity": -1, "unit_price": 2500},
        ]
    )
    response = put(api, body)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["lines[1].quantity"]
    assert (count(Order), count(OrderLine)) == (0, 0)


def test_a_bad_replacement_leaves_the_order_as_it_was(api, catalog):
    put(api, order())
    body = order(
        email="new@example.fr",
        lines=[
            {"sku": "TEE-ORG-BLUE-M", "quantity": 5, "unit_price": 2500},
            {"sku": "NOPE", "quantity": 1, "unit_price": 2500},
        ],
    )
    assert put(api, body).status_code == 422
    stored = held()
    assert stored.email == "customer@example.fr"
    assert [(line.variant.sku, line.quantity) for line in stored.lines] == [("TEE-ORG-BLUE-M", 2)]


@pytest.mark.parametrize("data", ['{"email": ', "", "null", "nope"])
def test_malformed_json_is_a_400(api, data):
    response = api.put(ORDERS, number=NUMBER, data=data)
    assert response.status_code == 400
    assert count(Order) == 0


def test_a_json_list_is_refused(api):
    response = api.put(ORDERS, number=NUMBER, json=[order()])
    assert response.status_code == 422
    assert count(Order) == 0


def test_gift_code_is_generated_kept_and_unique(api, catalog):
    response = put(api, order(gift={"message": "Joyeux Noël"}))
    gift = response.get_json()["gift"]
    assert gift["message"] == "Joyeux Noël"
    assert gift["code"].startswith("GIFT-") and len(gift["code"]) >= 17
    assert put(api, order(gift={"message": "Joyeux Noël"})).get_json()["gift"] == gift

    response = put(api, order(number="FR-2", gift={"code": gift["code"].lower()}), "FR-2")
    assert response.status_code == 422
    assert "gift.code" in response.get_json()["errors"]
    assert held("FR-2") is None

    assert put(api, order(gift=None)).get_json()["gift"] is None


def test_unknown_order_is_404(api):
    response = api.get(ORDERS, number="FR-00000")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_get_return(api, catalog, factory):
    put(api, order(placed_at=days_ago(8), delivered_at=days_ago(5)))
    rr = factory.return_(held(), quantity=2, reason="too_big")
    response = api.get(RETURNS, rma=rr.rma.lower())
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["rma"] == rr.rma
    assert answer["order"] == NUMBER
    assert answer["status"] == "label_issued"
    assert answer["tracking_code"] == rr.current_label.tracking_code
    assert answer["items"] == [
        {
            "sku": "TEE-ORG-BLUE-M",
            "quantity": 2,
            "reason": "too_big",
            "resolution": "refund",
            "exchange_sku": None,
            "received_quantity": 0,
            "grade": None,
            "outcome": None,
        }
    ]


def test_unknown_return_is_404(api):
    response = api.get(RETURNS, rma="R-0000-00")
    assert response.status_code == 404

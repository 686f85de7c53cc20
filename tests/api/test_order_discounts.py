"""Discounts and the payment's provider reference through the shop's JSON API: accepted,
validated, stored, given back, and the refund of one unit is what the customer paid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.models import Order
from tests.api.conftest import ORDER, order
from tests.api.spec import check_request
from tests.payments.discounted import (
    LINE_DISCOUNT,
    ONE_UNIT_OF_THE_FIRST_LINE,
    ORDER_DISCOUNT,
    THE_LAST_LINE,
    refund_one_unit,
)
from tests.staff.staffkit import text_of

ORDERS = "/api/v1/orders/{number}"
NUMBER = ORDER["number"]


def recent() -> str:
    moment = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    return moment.isoformat().replace("+00:00", "Z")


def discounted(**changes) -> dict:
    defaults = {
        "delivered_at": recent(),
        "discount": ORDER_DISCOUNT,
        "lines": [
            {"sku": "TEE-ORG-BLUE-M", "quantity": 2, "unit_price": 2500, "discount": LINE_DISCOUNT},
            {"sku": "TEE-ORG-BLUE-L", "quantity": 1, "unit_price": 2500},
        ],
    }
    return order(**(defaults | changes))


def test_a_discounted_order_is_stored_and_a_unit_refunds_what_it_cost(
    api, catalog, factory, mailbox
):
    body = discounted()
    check_request("PUT", ORDERS, body)
    response = api.put(ORDERS, number=NUMBER, json=body)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["discount"] == ORDER_DISCOUNT
    assert [line["discount"] for line in answer["lines"]] == [LINE_DISCOUNT, 0]
    assert answer["payment"] == {"method": "card", "reference": "pi_123"}
    assert api.get(ORDERS, number=NUMBER).get_json() == answer
    stored = Order.query.filter_by(number=NUMBER).one()
    assert (stored.discount, [ln.discount for ln in stored.lines]) == (ORDER_DISCOUNT, [300, 0])

    refund = refund_one_unit(factory, NUMBER)
    assert (refund.amount, refund.currency) == (ONE_UNIT_OF_THE_FIRST_LINE, "EUR")
    assert refund.payment_reference == "pi_123"
    assert mailbox.kinds(ORDER["email"])[-1] == "refund_approved"
    assert "20,24 €" in text_of(mailbox.to(ORDER["email"])[-1])
    assert THE_LAST_LINE + 2 * ONE_UNIT_OF_THE_FIRST_LINE == 3 * 2500 - 300 - 1000


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {
                "lines": [
                    {"sku": "TEE-ORG-BLUE-M", "quantity": 2, "unit_price": 2500, "discount": 5001}
                ]
            },
            "lines[0].discount",
            "is more than the line's 5000",
        ),
        ({"discount": 4401}, "discount", "is more than the 4400 the lines cost"),
        ({"discount": -1}, "discount", ""),
        ({"discount": 2.5}, "discount", "must be an integer"),
        ({"discount": "10"}, "discount", "must be an integer"),
    ],
)
def test_a_discount_that_does_not_fit_is_refused_and_nothing_is_stored(
    api, catalog, changes, field, words
):
    body = order(
        lines=[{"sku": "TEE-ORG-BLUE-M", "quantity": 2, "unit_price": 2500, "discount": 600}],
        **{k: v for k, v in changes.items() if k != "lines"},
    )
    if "lines" in changes:
        body["lines"] = changes["lines"]
    response = api.put(ORDERS, number=NUMBER, json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert field in errors and words in errors[field]
    assert Order.query.count() == 0


def test_the_payment_reference_must_fit_the_configured_provider(app, api, catalog):
    app.config["PAYMENT_PROVIDER"] = "stripe"
    bad = order(payment={"method": "card", "reference": "tr_WDqYK6vllg"})
    response = api.put(ORDERS, number=NUMBER, json=bad)
    assert response.status_code == 422
    assert "Stripe PaymentIntent" in response.get_json()["errors"]["payment.reference"]
    assert Order.query.count() == 0
    for reference in ("pi_3MtwBwLkdIwHu7ix28a3tqPa", "ch_3MmlLrLkdIwHu7ix0snN0B15"):
        good = order(payment={"method": "card", "reference": reference})
        assert api.put(ORDERS, number=NUMBER, json=good).status_code in (200, 201)
        assert Order.query.one().payment_reference == reference
    app.config["PAYMENT_PROVIDER"] = "mollie"
    response = api.put(ORDERS, number=NUMBER, json=bad)
    assert response.status_code == 200, response.get_json()
    assert Order.query.one().payment_reference == "tr_WDqYK6vllg"
    app.config["PAYMENT_PROVIDER"] = "manual"  # the shop pays by hand: any reference
    free = order(payment={"method": "transfer", "reference": "virement 12/11"})
    assert api.put(ORDERS, number=NUMBER, json=free).status_code == 200


def test_discounts_cannot_change_once_the_order_has_returns(api, catalog, factory):
    assert api.put(ORDERS, number=NUMBER, json=discounted()).status_code == 201
    refund_one_unit(factory, NUMBER)
    response = api.put(ORDERS, number=NUMBER, json=discounted(discount=0))
    assert response.status_code == 422
    assert "its discount cannot change" in response.get_json()["errors"]["discount"]
    lines = discounted()["lines"]
    lines[0]["discount"] = 0
    response = api.put(ORDERS, number=NUMBER, json=discounted(lines=lines))
    assert response.status_code == 422
    assert "its discount cannot change" in response.get_json()["errors"]["lines"]
    assert Order.query.one().discount == ORDER_DISCOUNT

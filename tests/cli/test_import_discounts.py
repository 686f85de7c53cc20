"""Discounts and the payment's provider reference through `flask import orders`: a JSON
list, JSON Lines and CSV (one row per order line). A discounted order comes in and the
refund of one unit is what the customer paid for it, to the cent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Order, OrderLine
from tests.payments.discounted import (
    LINE_DISCOUNT,
    ONE_UNIT_OF_THE_FIRST_LINE,
    ORDER_DISCOUNT,
    refund_one_unit,
)
from tests.staff.staffkit import text_of

EMAIL = "anne@example.fr"
HEADER = (
    "number,email,placed_at,delivered_at,currency,discount,payment_method,payment_reference,"
    "shipping_name,shipping_line1,shipping_postcode,shipping_city,shipping_country,"
    "sku,quantity,unit_price,line_discount"
)


def recent() -> str:
    moment = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    return moment.isoformat().replace("+00:00", "Z")


def record(number: str, **changes) -> dict:
    return {
        "number": number,
        "email": EMAIL,
        "placed_at": "2026-11-02T10:15:00Z",
        "delivered_at": recent(),
        "currency": "EUR",
        "discount": ORDER_DISCOUNT,
        "shipping_address": {
            "name": "Anne Ørsted",
            "line1": "1 rue de la Paix",
            "postcode": "75002",
            "city": "Paris",
            "country": "FR",
        },
        "payment": {"method": "card", "reference": "pi_3MtwBwLkdIwHu7ix28a3tqPa"},
        "lines": [
            {"sku": "TEE-ORG-M", "quantity": 2, "unit_price": 2500, "discount": LINE_DISCOUNT},
            {"sku": "TEE-ORG-L", "quantity": 1, "unit_price": 2500},
        ],
        **changes,
    }


def csv_rows(number: str, order_discount="1000", line_discount="300", reference=None) -> list:
    reference = reference or "pi_3MtwBwLkdIwHu7ix28a3tqPa"
    common = (
        f"{number},{EMAIL},2026-11-02T10:15:00Z,{recent()},EUR,{order_discount},card,"
        f'{reference},Anne Ørsted,"1 rue de la Paix",75002,Paris,FR'
    )
    return [f"{common},TEE-ORG-M,2,2500,{line_discount}", f"{common},TEE-ORG-L,1,2500,"]


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(runner, path: str) -> list[str]:
    result = runner.invoke(args=["import", "orders", path])
    assert result.exit_code == 0, result.output + repr(result.exception)
    db.session.expire_all()
    return result.output.splitlines()


@pytest.fixture
def tees(factory):
    factory.variants("TEE-ORG", M=5, L=5)
    db.session.commit()


def held(number: str) -> Order:
    return db.session.scalar(select(Order).where(Order.number == number))


def assert_refund_of_one_unit(factory, mailbox, number: str) -> None:
    order = held(number)
    assert order.discount == ORDER_DISCOUNT
    assert [(ln.variant.sku, ln.discount) for ln in order.lines] == [
        ("TEE-ORG-M", LINE_DISCOUNT),
        ("TEE-ORG-L", 0),
    ]
    assert order.payment_reference == "pi_3MtwBwLkdIwHu7ix28a3tqPa"
    refund = refund_one_unit(factory, number)
    assert refund.amount == ONE_UNIT_OF_THE_FIRST_LINE  # €20.24, not €25.00
    assert "20,24 €" in text_of(mailbox.to(EMAIL)[-1])


@pytest.mark.parametrize("fmt", ["list", "lines"])
def test_a_discounted_order_from_json_refunds_what_a_unit_cost(
    runner, factory, tees, tmp_path, mailbox, fmt
):
    records = [record("FR-1")]
    if fmt == "list":
        text = json.dumps(records, ensure_ascii=False)
    else:
        text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    assert run(runner, write(tmp_path, "orders.json", text)) == ["created 1, updated 0, rejected 0"]
    assert_refund_of_one_unit(factory, mailbox, "FR-1")


def test_json_import_refuses_discounts_that_do_not_fit(runner, tees, tmp_path, app):
    app.config["PAYMENT_PROVIDER"] = "mollie"
    too_much = record("FR-1", discount=10_000)
    line = record("FR-2")
    line["lines"][0]["discount"] = 5001
    reference = record("FR-3", discount=0)  # a Stripe id while the shop refunds via Mollie
    text = "\n".join(json.dumps(r) for r in (too_much, line, reference))
    output = run(runner, write(tmp_path, "orders.jsonl", text))
    assert output[0] == "created 0, updated 0, rejected 3"
    assert "discount is more than the 7200 the lines cost after their discounts" in output[1]
    assert "lines[0].discount is more than the line's 5000" in output[2]
    assert "payment.reference is not a Mollie payment id (tr_…)" in output[3]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_a_discounted_order_from_csv_refunds_what_a_unit_cost(
    runner, factory, tees, tmp_path, mailbox
):
    text = "\n".join([HEADER, *csv_rows("FR-1"), *csv_rows("FR-2")]) + "\n"
    output = run(runner, write(tmp_path, "orders.csv", "\ufeff" + text))
    assert output == ["created 2, updated 0, rejected 0"]
    assert db.session.scalar(select(func.count()).select_from(OrderLine)) == 4
    assert_refund_of_one_unit(factory, mailbox, "FR-1")


def test_csv_rows_are_checked_like_the_api_and_bad_orders_reported(runner, tees, tmp_path):
    rows = [
        HEADER,
        *csv_rows("FR-1", line_discount='"2,50"'),  # a decimal comma: not minor units
        *csv_rows("FR-2", order_discount="9999"),
        *csv_rows("FR-3", reference="pi_ok"),
        csv_rows("FR-4")[0],
        csv_rows("FR-4", order_discount="500")[1],  # the order's columns must agree
        "FR-5,too,few",
        csv_rows("FR-6")[0],
        csv_rows("FR-6")[1] + ",one too many",  # the whole order is refused, not one line
    ]
    output = run(runner, write(tmp_path, "orders.csv", "\n".join(rows) + "\n"))
    assert output[0] == "created 1, updated 0, rejected 5"
    assert output[1] == "row 2: lines[0].discount must be an integer (minor units, e.g. cents)"
    assert output[2].startswith("row 4: discount is more than the 7200")
    assert output[3] == "row 8: row 9 gives other discount than row 8"
    assert output[4] == "row 10: row 10 has not as many values as columns"
    assert output[5] == "row 11: row 12 has not as many values as columns"
    assert [o.number for o in db.session.scalars(select(Order))] == ["FR-3"]


def test_a_csv_without_the_columns_is_refused_whole(runner, tees, tmp_path):
    path = write(tmp_path, "orders.csv", "number,email,colour\nFR-1,a@example.fr,blue\n")
    result = runner.invoke(args=["import", "orders", path])
    assert result.exit_code != 0
    assert "missing columns: placed_at, currency" in result.output
    assert "unknown columns: colour" in result.output
    assert "nothing imported" in result.output
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0

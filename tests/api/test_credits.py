"""GET /api/v1/credits/<code> and POST /api/v1/credits/<code>/redeem."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import CreditTransaction, StoreCredit
from portal.services.credits import issue_credit
from tests.api.spec import check_request

CREDIT = "/api/v1/credits/{code}"
REDEEM = "/api/v1/credits/{code}/redeem"


def new_credit(amount: int = 5000) -> str:
    credit = issue_credit(
        amount=amount,
        currency="EUR",
        owner_name="Zoë Lefèvre",
        owner_email="zoe@example.fr",
        kind="goodwill",
    )
    db.session.commit()
    return credit.code


def balance(code: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(StoreCredit.balance).where(StoreCredit.code == code))


def redemptions(code: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(CreditTransaction)
        .join(StoreCredit)
        .where(StoreCredit.code == code, CreditTransaction.kind == "redeem")
    )


def test_balance(api):
    code = new_credit(5000)
    response = api.get(CREDIT, code=code)
    assert response.status_code == 200
    answer = response.get_json()
    assert {k: answer[k] for k in ("code", "currency", "balance", "initial_amount")} == {
        "code": code,
        "currency": "EUR",
        "balance": 5000,
        "initial_amount": 5000,
    }
    assert api.get(CREDIT, code=f"  {code.lower()}").get_json()["code"] == code


def test_unknown_code_is_404(api):
    new_credit()
    assert api.get(CREDIT, code="CR-AAAA-BBBB-CCCC-DDDD").status_code == 404
    body = {"amount": 1, "idempotency_key": "k"}
    assert api.post(REDEEM, code="CR-AAAA-BBBB-CCCC-DDDD", json=body).status_code == 404


def test_redeem_spends_and_the_balance_follows(api):
    code = new_credit(5000)
    body = {"amount": 1200, "idempotency_key": "checkout-1"}
    check_request("POST", REDEEM, body)
    response = api.post(REDEEM, code=code, json=body)
    assert response.status_code == 201
    assert response.get_json() == {
        "code": code,
        "spent": 1200,
        "balance": 3800,
        "currency": "EUR",
        "replayed": False,
    }
    assert balance(code) == 3800
    assert api.get(CREDIT, code=code).get_json()["balance"] == 3800

    response = api.post(REDEEM, code=code, json={"amount": 3800, "idempotency_key": "checkout-2"})
    assert response.status_code == 201
    assert response.get_json()["balance"] == 0
    assert balance(code) == 0


def test_the_same_idempotency_key_twice_spends_once(api):
    code = new_credit(5000)
    body = {"amount": 2000, "idempotency_key": "order-77"}
    first = api.post(REDEEM, code=code, json=body)
    second = api.post(REDEEM, code=code, json=body)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.get_json() == {**first.get_json(), "replayed": True}
    assert balance(code) == 3000
    assert redemptions(code) == 1

    response = api.post(REDEEM, code=code, json={"amount": 500, "idempotency_key": "order-77"})
    assert response.status_code == 422
    assert "idempotency_key" in response.get_json()["errors"]
    assert balance(code) == 3000


def test_the_same_key_on_another_credit_is_another_spend(api):
    one, two = new_credit(1000), new_credit(1000)
    body = {"amount": 400, "idempotency_key": "same"}
    assert api.post(REDEEM, code=one, json=body).status_code == 201
    assert api.post(REDEEM, code=two, json=body).status_code == 201
    assert (balance(one), balance(two)) == (600, 600)


def test_more_than_the_balance_is_refused(api):
    code = new_credit(1000)
    api.post(REDEEM, code=code, json={"amount": 300, "idempotency_key": "a"})
    response = api.post(REDEEM, code=code, json={"amount": 701, "idempotency_key": "b"})
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"
    assert "700" in response.get_json()["message"]
    assert balance(code) == 700
    assert redemptions(code) == 1
    # the refused key was not used up
    response = api.post(REDEEM, code=code, json={"amount": 700, "idempotency_key": "b"})
    assert response.status_code == 201
    assert balance(code) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": 0, "idempotency_key": "k"}, "amount"),
        ({"amount": -100, "idempotency_key": "k"}, "amount"),
        ({"amount": 12.5, "idempotency_key": "k"}, "amount"),
        ({"amount": 100.0, "idempotency_key": "k"}, "amount"),
        ({"amount": "100", "idempotency_key": "k"}, "amount"),
        ({"amount": True, "idempotency_key": "k"}, "amount"),
        ({"idempotency_key": "k"}, "amount"),
        ({"amount": 100}, "idempotency_key"),
        ({"amount": 100, "idempotency_key": ""}, "idempotency_key"),
        ({"amount": 100, "idempotency_key": 12345}, "idempotency_key"),
        ({"amount": 100, "idempotency_key": "k" * 129}, "idempotency_key"),
    ],
)
def test_bad_redeem_request_is_a_422_naming_the_field(api, body, field):
    code = new_credit(1000)
    response = api.post(REDEEM, code=code, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert balance(code) == 1000
    assert redemptions(code) == 0


@pytest.mark.parametrize("data", ['{"amount": 1', "", "[1]"])
def test_a_body_that_is_not_a_json_object_is_a_400(api, data):
    code = new_credit(1000)
    response = api.post(REDEEM, code=code, data=data)
    assert response.status_code == 400
    assert balance(code) == 1000


# Concurrent redemptions: tests/reliability/test_concurrency.py (both databases).

"""Refunds as credit slips and store credit as cart rules, against the fake webservice:
exactly once per key, a timeout followed by a retry included."""

from __future__ import annotations

import pytest

from portal.shops import platform
from portal.shops.platform import (
    DONE,
    REFUSED,
    RETRY,
    Credentials,
    LineAmount,
    PlatformCredit,
    PlatformRefund,
)
from tests.fakes.prestashop import order, row
from tests.shops.prestashop_fixtures import with_prestashop


@pytest.fixture
def app_config(app_config, presta):
    return with_prestashop(app_config, presta)


@pytest.fixture
def shop(app):
    return platform.for_source("prestashop")


def _refund(key="retours-refund-1-1", amount=2390, made_before=()):
    return PlatformRefund(
        key=key,
        external_order_id="5",
        amount=amount,
        currency="EUR",
        lines=(LineAmount("51", 1, 2390),),
        note="RMA-1 wrong size",
        made_before=made_before,
    )


def _with_order(presta):
    presta.add_order(order(5, "XKBKNABJK", rows=[row(51, quantity=2), row(52)]))


def test_a_refund_is_one_credit_slip_with_its_lines(shop, presta, creds):
    _with_order(presta)
    answer = shop.refund(creds, _refund())
    assert answer.state == DONE
    (slip,) = presta.made("order_slip")
    assert answer.external_id == str(slip["id"])
    assert slip["id_order"] == "5" and slip["id_customer"] == "2"
    assert slip["amount"] == "23.90" and slip["total_products_tax_incl"] == "23.90"
    (detail,) = slip["associations"]["order_slip_details"]
    assert detail["id_order_detail"] == "51" and detail["product_quantity"] == "1"
    assert detail["amount_tax_incl"] == "23.900000"


def test_asking_twice_makes_one_slip(shop, presta, creds):
    _with_order(presta)
    first = shop.refund(creds, _refund())
    again = shop.refund(creds, _refund())
    assert again.state == DONE and again.external_id == first.external_id
    assert len(presta.made("order_slip")) == 1


def test_a_timeout_then_a_retry_makes_one_slip(shop, presta, creds):
    _with_order(presta)
    presta.fail("POST order_slip", "drop_after")  # made, but the answer is lost
    lost = shop.refund(creds, _refund())
    assert lost.state == RETRY
    assert len(presta.made("order_slip")) == 1
    retried = shop.refund(creds, _refund())
    assert retried.state == DONE
    assert retried.external_id == str(presta.made("order_slip")[0]["id"])
    assert len(presta.made("order_slip")) == 1


def test_a_second_identical_refund_the_caller_holds_is_not_taken_for_this_one(shop, presta, creds):
    _with_order(presta)
    first = shop.refund(creds, _refund())
    second = shop.refund(creds, _refund("retours-refund-2-1", made_before=(first.external_id,)))
    assert second.state == DONE and second.external_id != first.external_id
    assert len(presta.made("order_slip")) == 2


def test_a_refund_for_an_order_the_shop_lacks_is_refused(shop, presta, creds):
    answer = shop.refund(creds, _refund())
    assert answer.state == REFUSED and "no order 5" in answer.reason
    assert presta.made("order_slip") == []


def test_a_refund_the_key_may_not_make_is_refused_with_the_shops_words(shop, presta, creds):
    _with_order(presta)
    presta.deny("order_slip", "POST")
    answer = shop.refund(creds, _refund())
    assert answer.state == REFUSED and "not allowed" in answer.reason


def test_a_server_error_is_ours_to_retry(shop, presta, creds):
    _with_order(presta)
    presta.fail("POST order_slip", "503")
    assert shop.refund(creds, _refund()).state == RETRY
    assert presta.made("order_slip") == []


def _credit(key="retours-credit-7", email="pub@prestashop.com"):
    return PlatformCredit(key=key, amount=4500, currency="EUR", email=email, note="RMA-7 avoir")


def test_store_credit_is_a_cart_rule_for_the_customer_with_its_code(shop, presta, creds):
    answer = shop.issue_credit(creds, _credit())
    assert answer.state == DONE
    (rule,) = presta.made("cart_rules")
    assert answer.code == rule["code"] and answer.code.startswith("RET-")
    assert len(answer.code) == len("RET-XXXX-XXXX-XXXX")
    assert rule["id_customer"] == "2" and rule["quantity"] == "1"
    assert rule["reduction_amount"] == "45.00" and rule["reduction_currency"] == "1"
    assert rule["reduction_tax"] == "1" and rule["partial_use"] == "1"
    assert rule["description"].startswith("retours-credit-7:")
    assert {n["id"] for n in rule["name"]} == {"1", "2"}  # every language of the shop
    assert rule["date_from"] < rule["date_to"]


def test_store_credit_asked_again_gives_the_same_code_and_one_rule(shop, presta, creds):
    presta.fail("POST cart_rules", "drop_after")
    assert shop.issue_credit(creds, _credit()).state == RETRY
    again = shop.issue_credit(creds, _credit())
    assert again.state == DONE
    (rule,) = presta.made("cart_rules")
    assert again.code == rule["code"]
    other = shop.issue_credit(creds, _credit("retours-credit-70"))
    assert other.code != again.code and len(presta.made("cart_rules")) == 2


def test_store_credit_in_a_currency_the_shop_lacks_is_refused(shop, presta, creds):
    credit = PlatformCredit("retours-credit-8", 100, "USD", "pub@prestashop.com", "RMA-8")
    answer = shop.issue_credit(creds, credit)
    assert answer.state == REFUSED and "USD" in answer.reason


def test_a_shop_address_that_cannot_be_used_is_a_refusal_not_an_error(shop):
    answer = shop.refund(Credentials("not an address", {"key": "K" * 32}), _refund())
    assert answer.state == REFUSED and "not a shop address" in answer.reason


def test_a_time_zone_that_is_not_one_is_a_refusal_not_an_error(app, shop, presta, creds):
    app.config["PRESTASHOP_TIMEZONE"] = "Europe/Atlantis"
    answer = shop.issue_credit(creds, _credit())
    assert answer.state == REFUSED and "Europe/Atlantis" in answer.reason
    assert presta.made("cart_rules") == []

"""Refunds, coupons, replacement orders, stock holds and webhooks made in the fake store:
each exactly once per key, whatever the network does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.shops import platform
from portal.shops.platform import (
    DONE,
    REFUSED,
    RETRY,
    LineAmount,
    PlatformCredit,
    PlatformRefund,
    ReplacementLine,
    ReplacementOrder,
    Reservation,
)
from tests.fakes.woocommerce import READ_ONLY_KEY, line, order
from tests.shops.woocommerce.conftest import credentials


@pytest.fixture
def woocommerce(app):
    return platform.for_source("woocommerce")


def _refund(key="retours-refund-7-1", amount=2400) -> PlatformRefund:
    return PlatformRefund(
        key=key,
        external_order_id="727",
        amount=amount,
        currency="EUR",
        lines=(LineAmount("7271", 1, amount),),
        note="RMA R-0042: too small",
    )


@pytest.fixture
def placed(woo):
    return woo.add_order(
        order(727, lines=[line(7271, quantity=2, subtotal="40.00", subtotal_tax="8.00")])
    )


def test_a_refund_is_made_with_the_gateway_and_its_lines(woocommerce, woo, placed):
    answer = woocommerce.refund(credentials(woo), _refund())
    assert answer.state == DONE
    [made] = woo.refunds[727]
    assert str(made["id"]) == answer.external_id
    assert (made["amount"], made["refunded_payment"]) == ("24.00", True)
    assert "RMA R-0042" in made["reason"]
    assert made["line_items"] == [
        {
            "id": 7271,
            "quantity": 1,
            "refund_total": "20.00",
            "refund_tax": [{"id": 75, "refund_total": "4.00"}],
        }
    ]


def test_the_same_refund_asked_twice_is_made_once(woocommerce, woo, placed):
    first = woocommerce.refund(credentials(woo), _refund())
    second = woocommerce.refund(credentials(woo), _refund())
    assert second.state == DONE and second.external_id == first.external_id
    assert len(woo.refunds[727]) == 1


def test_a_refund_that_timed_out_but_was_made_is_found_not_made_again(woocommerce, woo, placed):
    woo.fail("create_refund", "slow")  # made, but the answer comes after our timeout
    answer = woocommerce.refund(credentials(woo), _refund())
    assert answer.state == DONE
    assert len(woo.refunds[727]) == 1
    assert woocommerce.refund(credentials(woo), _refund()).state == DONE
    assert len(woo.refunds[727]) == 1


def test_a_refund_dropped_before_it_was_made_is_tried_again_later(woocommerce, woo, placed):
    woo.fail("create_refund", "drop")
    answer = woocommerce.refund(credentials(woo), _refund())
    assert answer.state == RETRY
    assert 727 not in woo.refunds
    assert woocommerce.refund(credentials(woo), _refund()).state == DONE
    assert len(woo.refunds[727]) == 1


def test_a_gateway_that_refuses_is_a_refusal_with_its_reason(woocommerce, woo, placed):
    woo.refund_failure = "Refund failed: the payment gateway declined the refund."
    answer = woocommerce.refund(credentials(woo), _refund())
    assert answer.state == REFUSED and "declined" in answer.reason


def test_a_read_only_key_cannot_refund(woocommerce, woo, placed):
    answer = woocommerce.refund(credentials(woo, key=READ_ONLY_KEY), _refund())
    assert answer.state == REFUSED and "write permissions" in answer.reason


def _credit(key="retours-credit-3-1") -> PlatformCredit:
    return PlatformCredit(
        key=key,
        amount=3500,
        currency="EUR",
        email="john.doe@example.com",
        note="Store credit for RMA R-0042",
        expires_on=datetime(2027, 6, 30, tzinfo=UTC),
    )


def test_store_credit_is_a_single_use_coupon_for_the_customer(woocommerce, woo):
    answer = woocommerce.issue_credit(credentials(woo), _credit())
    assert answer.state == DONE and answer.code.startswith("RET-")
    [coupon] = woo.coupons
    assert coupon["code"] == answer.code.lower()
    assert (coupon["discount_type"], coupon["amount"], coupon["usage_limit"]) == (
        "fixed_cart",
        "35.00",
        1,
    )
    assert coupon["email_restrictions"] == ["john.doe@example.com"]
    assert coupon["date_expires_gmt"] == "2027-06-30T00:00:00"


def test_the_same_credit_twice_is_one_coupon_with_one_code(woocommerce, woo):
    first = woocommerce.issue_credit(credentials(woo), _credit())
    woo.fail("create_coupon", "slow")
    second = woocommerce.issue_credit(credentials(woo), _credit())
    assert (second.state, second.code) == (DONE, first.code)
    assert len(woo.coupons) == 1
    other = woocommerce.issue_credit(credentials(woo), _credit("retours-credit-4-1"))
    assert other.code != first.code and len(woo.coupons) == 2


def test_a_credit_timed_out_then_retried_is_made_once(woocommerce, woo):
    woo.fail("create_coupon", "slow")
    first = woocommerce.issue_credit(credentials(woo), _credit())
    assert first.state == DONE
    assert len(woo.coupons) == 1


def test_credit_in_another_currency_than_the_store_is_refused(woocommerce, woo):
    woo.store_currency = "USD"
    answer = woocommerce.issue_credit(credentials(woo), _credit())
    assert answer.state == REFUSED and "USD" in answer.reason
    assert woo.coupons == []


def _replacement(key="retours-exchange-9-1") -> ReplacementOrder:
    return ReplacementOrder(
        key=key,
        external_order_id="727",
        rma="R-0042",
        email="john.doe@example.com",
        lines=(ReplacementLine("93:121", "WOO-TSHIRT-L", 1),),
        note="Exchange for RMA R-0042",
    )


def test_an_exchange_ships_as_a_zero_priced_order_linked_to_the_original(woocommerce, woo, placed):
    answer = woocommerce.create_replacement(credentials(woo), _replacement())
    assert answer.state == DONE
    made = woo.orders[int(answer.external_id)]
    assert (made["parent_id"], made["status"]) == (727, "processing")
    assert made["shipping"]["address_1"] == "969 Market"
    [item] = made["line_items"]
    assert (item["product_id"], item["variation_id"], item["quantity"], item["total"]) == (
        93,
        121,
        1,
        "0.00",
    )
    assert {m["key"]: m["value"] for m in made["meta_data"]}["_retours_rma"] == "R-0042"


def test_a_replacement_timed_out_is_found_not_made_twice(woocommerce, woo, placed):
    woo.fail("create_order", "slow")
    first = woocommerce.create_replacement(credentials(woo), _replacement())
    second = woocommerce.create_replacement(credentials(woo), _replacement())
    assert first.state == second.state == DONE and first.external_id == second.external_id
    assert sum(1 for o in woo.orders.values() if o["parent_id"] == 727) == 1


def test_a_replacement_found_by_sku(woocommerce, woo, placed):
    woo.add_product(93, 122, sku="WOO-TSHIRT-XL")
    lines = (ReplacementLine("", "WOO-TSHIRT-XL", 2),)
    wanted = ReplacementOrder("k-2", "727", "R-0043", "john.doe@example.com", lines, "x")
    answer = woocommerce.create_replacement(credentials(woo), wanted)
    item = woo.orders[int(answer.external_id)]["line_items"][0]
    assert (item["product_id"], item["variation_id"], item["quantity"]) == (93, 122, 2)


def test_stock_is_held_once_and_given_back_once(woocommerce, woo):
    woo.add_product(93, 121, stock=5)
    hold = Reservation(
        "retours-hold-9-1", (ReplacementLine("93:121", "WOO-TSHIRT-L", 2),), "R-0042"
    )
    answer = woocommerce.reserve(credentials(woo), hold)
    assert answer.state == DONE and woo.products[(93, 121)]["stock_quantity"] == 3
    assert woocommerce.reserve(credentials(woo), hold).state == DONE
    assert woo.products[(93, 121)]["stock_quantity"] == 3  # not taken twice
    assert woocommerce.release(credentials(woo), answer.external_id).state == DONE
    assert woocommerce.release(credentials(woo), answer.external_id).state == DONE
    assert woo.products[(93, 121)]["stock_quantity"] == 5  # given back once


def test_a_hold_beyond_the_stock_is_refused_and_takes_nothing(woocommerce, woo):
    woo.add_product(93, 121, stock=1)
    hold = Reservation("retours-hold-9-2", (ReplacementLine("93:121", "WOO-TSHIRT-L", 2),), "R")
    answer = woocommerce.reserve(credentials(woo), hold)
    assert answer.state == REFUSED and "only 1 in stock" in answer.reason
    assert woo.products[(93, 121)]["stock_quantity"] == 1


def test_a_product_whose_stock_is_not_counted_is_left_alone(woocommerce, woo):
    woo.add_product(94, stock=None)
    hold = Reservation("retours-hold-9-3", (ReplacementLine("94", "MUG", 1),), "R")
    assert woocommerce.reserve(credentials(woo), hold).state == DONE
    assert woo.products[(94, 0)]["meta_data"] == []


def test_an_unknown_reservation_is_refused(woocommerce, woo):
    assert woocommerce.release(credentials(woo), "nonsense").state == REFUSED


def test_webhooks_are_registered_once_for_the_order_topics(woocommerce, woo):
    url = "https://portal.example/webhooks/woocommerce"
    made = woocommerce.register_webhooks(credentials(woo), url, "s3cret")
    assert sorted(made) == ["order.created", "order.updated"]
    assert all(h["secret"] == "s3cret" and h["delivery_url"] == url for h in woo.webhooks)
    assert woocommerce.register_webhooks(credentials(woo), url, "s3cret") == []
    assert len(woocommerce.webhooks(credentials(woo))) == 2


def test_the_replacement_tracking_comes_back_once_shipped(woocommerce, woo, placed):
    answer = woocommerce.create_replacement(credentials(woo), _replacement())
    assert woocommerce.tracking(credentials(woo), answer.external_id) is None
    shipped = [
        {"tracking_provider": "colissimo", "tracking_number": "6A1", "date_shipped": "1763000000"},
        {
            "tracking_provider": "",
            "custom_tracking_provider": "Mondial Relay",
            "tracking_number": "MR2",
        },
    ]
    woo.orders[int(answer.external_id)]["meta_data"].append(
        {"id": 9, "key": "_wc_shipment_tracking_items", "value": shipped}
    )
    assert woocommerce.tracking(credentials(woo), answer.external_id) == ("Mondial Relay", "MR2")

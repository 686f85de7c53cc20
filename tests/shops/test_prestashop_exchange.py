"""An exchange in PrestaShop: the zero-priced replacement order made from a cart, exactly
once, and the replacement's stock held and given back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Order
from portal.shops import platform
from portal.shops.platform import (
    DONE,
    REFUSED,
    RETRY,
    ReplacementLine,
    ReplacementOrder,
    Reservation,
)
from tests.fakes.prestashop import order, row
from tests.shops.prestashop_fixtures import with_prestashop


@pytest.fixture
def app_config(app_config, presta):
    return with_prestashop(app_config, presta)


@pytest.fixture
def shop(app, presta):
    presta.add_order(order(5, "XKBKNABJK", rows=[row(51, product_id=1, attribute_id=3)]))
    presta.put("combinations", {"id": 4, "id_product": "1", "reference": "demo_1_m"})
    return platform.for_source("prestashop")


def _replacement(key="retours-exchange-3", sku="demo_1_m", made_before=()):
    return ReplacementOrder(
        key=key,
        external_order_id="5",
        rma="RMA-3",
        email="pub@prestashop.com",
        lines=(ReplacementLine(external_variant_id=sku, sku=sku, quantity=1),),
        note="size M instead of S",
        made_before=made_before,
    )


def test_a_replacement_is_an_order_from_a_cart_for_the_same_customer(shop, presta, creds):
    answer = shop.create_replacement(creds, _replacement())
    assert answer.state == DONE
    (cart,) = presta.made("carts")
    assert cart["id_customer"] == "2" and cart["id_address_delivery"] == "5"
    (cart_row,) = cart["associations"]["cart_rows"]
    assert (cart_row["id_product"], cart_row["id_product_attribute"], cart_row["quantity"]) == (
        "1",
        "4",
        "1",
    )
    (made,) = presta.made("orders")
    assert answer.external_id == str(made["id"]) and answer.code == made["reference"]
    assert made["id_cart"] == str(cart["id"]) and made["total_paid"] == "0"
    assert made["module"] == "ps_wirepayment" and made["payment"] == "Retours RMA-3"


def test_a_lost_answer_then_a_retry_makes_one_order(shop, presta, creds):
    presta.fail("POST orders", "drop_after")
    assert shop.create_replacement(creds, _replacement()).state == RETRY
    again = shop.create_replacement(creds, _replacement())
    assert again.state == DONE
    (made,) = presta.made("orders")
    assert again.external_id == str(made["id"])


def test_a_second_exchange_of_the_same_item_is_a_second_order(shop, presta, creds):
    first = shop.create_replacement(creds, _replacement())
    second = shop.create_replacement(
        creds, _replacement("retours-exchange-4", made_before=(first.external_id,))
    )
    assert second.state == DONE and second.external_id != first.external_id
    assert len(presta.made("orders")) == 2


def test_a_cart_that_is_not_free_ends_in_payment_error_and_is_refused(shop, presta, creds):
    presta.free_carts = False
    answer = shop.create_replacement(creds, _replacement())
    assert answer.state == REFUSED and "Payment error" in answer.reason
    assert answer.external_id == str(presta.made("orders")[0]["id"])


def test_a_product_the_shop_lacks_is_refused_before_anything_is_made(shop, presta, creds):
    answer = shop.create_replacement(creds, _replacement(sku="nope"))
    assert answer.state == REFUSED and "no product with reference 'nope'" in answer.reason
    assert presta.made("carts") == [] and presta.made("orders") == []


def _hold(quantity=2):
    return Reservation(
        key="retours-hold-3",
        lines=(ReplacementLine("prestashop-1-4", "prestashop-1-4", quantity),),
        note="RMA-3",
    )


def test_reserve_takes_the_units_off_and_release_gives_them_back(shop, presta, creds):
    presta.add_stock(60, product=1, attribute=4, quantity=5)
    held = shop.reserve(creds, _hold())
    assert held.state == DONE and held.external_id == "stock:60x2"
    assert presta.tables["stock_availables"][60]["quantity"] == "3"
    assert presta.tables["stock_availables"][60]["out_of_stock"] == "2"  # the rest kept
    released = shop.release(creds, held.external_id)
    assert released.state == DONE
    assert presta.tables["stock_availables"][60]["quantity"] == "5"


def test_reserve_refuses_more_than_the_shop_has_and_changes_nothing(shop, presta, creds):
    presta.add_stock(60, product=1, attribute=4, quantity=1)
    answer = shop.reserve(creds, _hold(2))
    assert answer.state == REFUSED and "only 1" in answer.reason
    assert presta.tables["stock_availables"][60]["quantity"] == "1"
    assert presta.count("PUT stock_availables") == 0


def test_release_of_something_else_is_refused(shop, creds):
    assert shop.release(creds, "gid://shopify/Whatever").state == REFUSED


def test_the_poll_leaves_our_own_replacement_orders_out(shop, presta, creds, runner):
    made = shop.create_replacement(creds, _replacement())
    presta.touch(int(made.external_id), "2026-11-25 10:00:00", payment="Retours RMA-3")
    result = runner.invoke(args=["shop", "poll", "--since", "90d"])
    assert result.exit_code == 0, result.output
    numbers = set(db.session.scalars(select(Order.number)))
    assert "XKBKNABJK" in numbers and made.code not in numbers


def test_the_replacements_tracking_number_is_read_once_the_shop_ships_it(shop, presta, creds):
    made = shop.create_replacement(creds, _replacement())
    assert shop.tracking(creds, made.external_id) is None
    presta.put(
        "order_carriers",
        {"id": 9, "id_order": made.external_id, "id_carrier": "2", "tracking_number": ""},
    )
    assert shop.tracking(creds, made.external_id) is None
    presta.put(
        "order_carriers",
        {"id": 9, "id_order": made.external_id, "id_carrier": "2", "tracking_number": "6A123"},
    )
    assert shop.tracking(creds, made.external_id) == "6A123"

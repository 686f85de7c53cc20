"""`flask shop sync --platform prestashop` brings the orders and then reconciles our stock
from the shop's stock_availables: our cache says what the shop can sell, plus what it holds
for our exchanges, so no unit is promised twice; a second sync writes no variant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Order
from portal.shops import credentials
from tests.fakes.prestashop import order, row
from tests.shops.platform_kit import statements_starting, stock_of, sync_platform
from tests.shops.prestashop_fixtures import with_prestashop

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def app_config(app_config, presta):
    return with_prestashop(app_config, presta)


def _local(days_ago: int) -> str:
    moment = datetime.now(UTC) - timedelta(days=days_ago)
    return moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def shop(app, presta):
    """Three delivered orders (TEE-M, TEE-L: combinations 3 and 4 of product 1; product 2
    without any reference) and the shop's stock of each."""
    rows = {
        5: row(51, product_id=1, attribute_id=3, reference="TEE-M", price="25.000000"),
        6: row(61, product_id=1, attribute_id=4, reference="TEE-L", price="25.000000"),
        7: row(71, product_id=2, attribute_id=0, reference="", price="10.000000"),
    }
    for order_id, line in rows.items():
        presta.add_order(
            order(order_id, f"REF00000{order_id}", rows=[line], date_add=_local(10)),
            histories=[(2, _local(10)), (5, _local(5))],
        )
    presta.add_product(1, "", default_attribute=3)
    presta.add_combination(3, 1, "TEE-M")
    presta.add_combination(4, 1, "TEE-L")
    presta.add_stock(10, 1, 0, 7)  # the sum of the combinations: left out
    presta.add_stock(11, 1, 3, 4)
    presta.add_stock(12, 1, 4, 3)
    presta.add_product(2)
    presta.add_stock(13, 2, 0, 6)
    credentials.save("prestashop", presta.base_url, {"key": presta.key})
    db.session.commit()
    return presta


def _sync(runner) -> str:
    return sync_platform(runner, "prestashop")


def _stock(sku: str) -> tuple[int, int]:
    return stock_of(sku)


def _shop_has(presta, stock_id: int) -> int:
    return int(presta.tables["stock_availables"][stock_id]["quantity"])


def test_the_sync_sets_our_stock_to_the_shops_and_holds_count_once(
    shop, runner, factory, client, auth
):
    out = _sync(runner)
    assert "created 3, updated 0, unchanged 0, rejected 0, stock updated 3" in out, out
    assert _stock("TEE-M") == (4, 0) and _stock("TEE-L") == (3, 0)
    assert _stock("prestashop-2-0") == (6, 0)  # a row without reference, named as the writer

    # an exchange of order 5's TEE-M for a TEE-L, held in the shop
    placed = db.session.scalar(select(Order).where(Order.external_id == "5"))
    factory.return_(
        placed, resolution="exchange", exchange_sku="TEE-L", with_label=False, locale="en"
    )
    assert _stock("TEE-L") == (3, 1)
    calls = runner.invoke(args=["shop", "calls"])
    assert "done 1" in calls.output, calls.output
    assert _shop_has(shop, 12) == 2

    out = _sync(runner)
    assert "stock updated 0" in out, out  # 2 the shop can sell + 1 it holds for us: 3
    on_hand, reserved = _stock("TEE-L")
    assert (on_hand, reserved) == (3, 1)
    assert on_hand - reserved == _shop_has(shop, 12)  # the held unit is not promised again

    shop.tables["stock_availables"][12]["quantity"] = "0"  # the shop sold the last two
    out = _sync(runner)
    assert "stock updated 1" in out, out
    assert _stock("TEE-L") == (1, 1)  # the exchange's unit, held there, and nothing more

    with statements_starting("UPDATE VARIANTS") as writes:
        out = _sync(runner)
    assert "stock updated 0" in out and writes == []

    auth.login(role="admin")
    page = client.get("/staff/shops").get_data(as_text=True)
    assert "stock mis à jour pour 0 variantes" in page


def test_the_staff_card_shows_how_many_variants_the_sync_changed(shop, runner, client, auth):
    _sync(runner)
    auth.login(role="admin")
    page = client.get("/staff/shops").get_data(as_text=True)
    assert "stock mis à jour pour 3 variantes" in page


def test_a_key_not_allowed_to_read_stock_fails_the_sync_with_its_reason(shop, runner):
    shop.deny("stock_availables", "GET")
    result = runner.invoke(args=["shop", "sync", "--platform", "prestashop", "--since", "90d"])
    row_ = credentials.saved("prestashop")
    db.session.refresh(row_)
    assert row_.last_sync_ok is False
    (error,) = row_.last_sync_errors
    assert "GET is not allowed" in error and "stock_availables" in error
    assert db.session.scalar(select(Order).where(Order.external_id == "5")) is not None
    assert result.exit_code != 0  # the orders came in; the stock did not

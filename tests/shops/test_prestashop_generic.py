"""PrestaShop through the generic paths every platform shares: `flask shop sync
--platform prestashop` and its card on /staff/shops."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Order
from tests.fakes.prestashop import order, row
from tests.shops.prestashop_fixtures import with_prestashop


@pytest.fixture
def app_config(app_config, presta):
    return with_prestashop(app_config, presta)


def test_shop_sync_brings_the_shops_orders_in_and_a_rerun_changes_nothing(app, runner, presta):
    for i in range(1, 4):
        presta.add_order(
            order(i, f"REF{i:06d}", rows=[row(i * 10)], date_add="2026-11-20 10:00:00"),
            histories=[(2, "2026-11-20 10:00:00")],
        )
    result = runner.invoke(args=["shop", "sync", "--platform", "prestashop", "--since", "90d"])
    assert result.exit_code == 0, result.output
    assert "PrestaShop: created 3, updated 0, unchanged 0, rejected 0" in result.output
    count = select(func.count(Order.id)).where(Order.source == "prestashop")
    assert db.session.scalar(count) == 3
    again = runner.invoke(args=["shop", "sync", "--platform", "prestashop", "--since", "90d"])
    assert "PrestaShop: created 0, updated 0, unchanged 3, rejected 0" in again.output


def test_the_staff_page_has_a_prestashop_card_with_its_fields(client, auth):
    from tests.staff.staffkit import page

    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    auth.login("admin")
    shown = page(client.get("/staff/shops")).page
    card = shown.by_id("shop-prestashop")
    assert "Shop address" in card and "Webservice key" in card
    assert shown.soup.select_one("#shop-prestashop input[name=key][type=password]") is not None
    assert "Consumer secret" in shown.by_id("shop-woocommerce")

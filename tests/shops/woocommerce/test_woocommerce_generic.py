"""WooCommerce through the generic paths every platform shares: `flask shop sync
--platform woocommerce`, and the /staff/shops card (save, test, register the webhooks)."""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Order
from tests.fakes.woocommerce import KEY, SECRET, line, order


def test_shop_sync_brings_the_stores_orders_in(app, runner, woo):
    for i in range(1, 4):
        woo.add_order(order(i, modified_gmt="2026-11-20T10:00:00", lines=[line(i * 10)]))
    result = runner.invoke(args=["shop", "sync", "--platform", "woocommerce", "--since", "90d"])
    assert result.exit_code == 0, result.output
    assert "WooCommerce: created 3, updated 0, unchanged 0, rejected 0" in result.output
    assert db.session.scalar(select(func.count(Order.id)).where(Order.source == "woocommerce")) == 3
    again = runner.invoke(args=["shop", "sync", "--platform", "woocommerce", "--since", "90d"])
    assert "WooCommerce: created 0, updated 0, unchanged 3, rejected 0" in again.output


def test_an_admin_connects_the_store_and_registers_its_webhooks(app, client, auth, woo):
    from tests.staff.staffkit import page

    app.config["SECRETS_KEY"] = Fernet.generate_key().decode()
    auth.login("admin")
    shops = page(client.get("/staff/shops"))
    assert "WooCommerce" in shops and "PrestaShop" in shops
    saved = client.post(
        "/staff/shops/woocommerce",
        data={"address": woo.base_url, "key": KEY, "secret": SECRET},
        follow_redirects=True,
    )
    assert saved.status_code == 200, page(saved)
    assert SECRET not in saved.get_data(as_text=True)  # never shown again
    registered = page(client.post("/staff/shops/woocommerce/webhooks", follow_redirects=True))
    assert "order.created" in registered and "order.updated" in registered
    assert sorted(h["topic"] for h in woo.webhooks) == ["order.created", "order.updated"]
    assert all(h["delivery_url"].endswith("/webhooks/woocommerce") for h in woo.webhooks)

"""`flask --app wsgi shop sync --platform shopify` end to end: Shopify owns the stock, our
variants are its cache. The fake holds the orders and the levels; an exchange held in
Shopify (a draft order reserving the unit) is counted once, so the last unit is never
promised twice; a sync that finds the same levels writes nothing; staff see the count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Order
from portal.models.base import utcnow
from portal.services.errors import ValidationFailed
from portal.services.returns import exchange_options
from tests.fakes.shopify import fulfillment, line, order
from tests.htmlkit import page
from tests.shops.platform_kit import statements_starting, stock_of, sync_platform

TEE = 632910392


def _when(days_ago: float) -> str:
    return (utcnow() - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _delivered(order_id: int, number: int, lines: list[dict], email: str) -> dict:
    shipped = fulfillment(order_id * 10, _when(4), shipment_status="delivered", updated_at=_when(3))
    return order(
        order_id, number, lines=lines, email=email, created_at=_when(5), fulfillments=[shipped]
    )


def _tee(line_id: int, size: str, variant_id: int) -> dict:
    return line(
        line_id,
        sku=f"TEE-{size}",
        price="25.00",
        title="Tee",
        variant_title=size,
        variant_id=variant_id,
        product_id=TEE,
    )


@pytest.fixture
def admin(client, auth, app):
    """The shop connected on /staff/shops (the card records each sync), by an admin."""
    app.config["SHOPIFY_SHOP_DOMAIN"] = app.config["SHOPIFY_ACCESS_TOKEN"] = None
    app.config["DEFAULT_LOCALE"] = "en"
    auth.login("admin")
    client.get("/lang/en")
    saved = client.post(
        "/staff/shops", data={"domain": "maison-lin.myshopify.com", "token": "shpat_fake_token"}
    )
    assert saved.status_code == 302
    return client


@pytest.fixture
def shop(shopify):
    """Two delivered orders and the catalogue's levels: 4 TEE-M, 2 TEE-L, 6 of a poster
    without SKU, and a gift card Shopify does not count."""
    shopify.add_order(_delivered(7001, 2002, [_tee(70011, "M", 39072856)], email="anne@example.fr"))
    poster = line(70022, sku=None, price="12.00", title="Poster", variant_id=39072858, product_id=1)
    card = line(
        70023, sku="CARD-10", price="10.00", title="Card", variant_id=39072859, product_id=2
    )
    shopify.add_order(
        _delivered(7002, 2003, [_tee(70021, "M", 39072856), poster, card], email="bob@example.fr")
    )
    shopify.add_variant(39072856, "TEE-M", 4)
    shopify.add_variant(39072857, "TEE-L", 2)
    shopify.add_variant(39072858, None, 6)
    shopify.add_variant(39072859, "CARD-10", 9, tracked=False)
    return shopify


def _sync(runner) -> str:
    return sync_platform(runner, "shopify")


def _stock(sku: str) -> tuple[int, int]:
    return stock_of(sku)


def _order(number: str) -> Order:
    return db.session.scalar(select(Order).where(Order.number == number))


def test_the_sync_brings_shopifys_levels_and_holds_count_once(admin, shop, runner, factory):
    # our variants come from orders: a third one brings TEE-L
    shop.add_order(_delivered(7003, 2004, [_tee(70031, "L", 39072857)], email="carl@example.fr"))
    output = _sync(runner)
    assert "Shopify: created 3, updated 0, unchanged 0, rejected 0, stock updated 3" in output
    assert _stock("TEE-M") == (4, 0) and _stock("TEE-L") == (2, 0)
    assert _stock("shopify-variant-39072858") == (6, 0)  # the poster without SKU, by its id
    assert _stock("CARD-10") == (0, 0)  # not tracked by Shopify: left as the writer made it

    # Anne exchanges her M for an L: promised here, then held in Shopify by a draft order
    rr = factory.return_(
        _order("#2002"), resolution="exchange", exchange_sku="TEE-L", with_label=False
    )
    assert _stock("TEE-L") == (2, 1)
    sent = runner.invoke(args=["shop", "calls"])
    assert "done 1" in sent.output
    assert shop.inventory["gid://shopify/ProductVariant/39072857"] == 1  # Shopify holds it

    # the hold is Shopify's already: the sync counts it once, nothing changes
    assert "stock updated 0" in _sync(runner)
    assert _stock("TEE-L") == (2, 1)

    # the shop sells its other L at the till: Shopify can sell none
    shop.inventory["gid://shopify/ProductVariant/39072857"] = 0
    output = _sync(runner)
    assert "stock updated 1" in output and "stock TEE-L" not in output  # no conflict
    assert _stock("TEE-L") == (1, 1)  # Anne's unit, held in Shopify, and nothing more
    bob = _order("#2003")
    assert bob.lines[0].variant.sku == "TEE-M"  # the line the factory returns
    assert exchange_options(bob.lines[0]) == []  # Bob's form offers no L any more
    with pytest.raises(ValidationFailed, match="choose a size or colour that is available"):
        factory.return_(bob, resolution="exchange", exchange_sku="TEE-L", with_label=False)
    db.session.rollback()
    assert _stock("TEE-L") == (1, 1) and rr.items[0].stock_reserved

    text = page(admin.get("/staff/shops")).text
    assert "stock updated for 1 variants" in text

    with statements_starting("UPDATE VARIANTS") as writes:
        again = _sync(runner)
    assert "stock updated 0" in again and writes == []
    assert "stock updated for 0 variants" in page(admin.get("/staff/shops")).text


def test_a_missing_read_products_scope_stops_the_stock_with_the_reason(admin, shop, runner):
    shop.scopes_out.discard("read_products")
    result = runner.invoke(args=["shop", "sync", "--platform", "shopify", "--since", "90d"])
    assert result.exit_code != 0
    assert "lacks the read_products scope" in result.output
    assert _stock("TEE-M") == (0, 0)  # the orders came in; their stock is not invented
    assert "lacks the read_products scope" in page(admin.get("/staff/shops")).text


def test_the_connection_test_names_a_missing_read_products_scope(admin, shop):
    ok = admin.post("/staff/shops/shopify/test")
    assert (
        "Connected to Maison Lin: orders can be read."
        in page(admin.get(ok.headers["Location"])).text
    )
    shop.scopes_out.discard("read_products")
    missing = admin.post("/staff/shops/shopify/test")
    text = page(admin.get(missing.headers["Location"])).text
    assert "Orders can be read, but the token lacks the read_products scope" in text
    assert "Connected to Maison Lin" not in text

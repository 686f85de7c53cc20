"""`flask --app wsgi shop sync --platform woocommerce` with the fake store holding orders
and stock: our variants' stock is the store's (plus what it holds for our exchanges), so a
unit is never promised twice; a second sync writes nothing; the staff card says so. And a
variation without a SKU is held and sent as an exchange's replacement by its ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Order, PlatformCall
from portal.outbox import deliver_due
from portal.services import returns, warehouse
from portal.services.errors import ValidationFailed
from portal.shops import credentials as shop_credentials
from tests.fakes.woocommerce import KEY, SECRET, line, order
from tests.shops.platform_kit import statements_starting, stock_of
from tests.staff.conftest import StaffClient
from tests.staff.staffkit import page

SKULESS = "woocommerce-variation-97"


@pytest.fixture
def app(app):
    app.test_client_class = StaffClient
    return app


def _gmt(days_ago: int) -> str:
    moment = datetime.now(UTC) - timedelta(days=days_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture
def store(app, woo):
    """A tee (variable product 93): M (variation 92) 5 in stock, L (94) 1, and a colour
    without SKU (97) 2; each bought once, delivered (completed) a week ago."""
    woo.add_product(93, 92, stock=5, sku="TEE-M")
    woo.add_product(93, 94, stock=1, sku="TEE-L")
    woo.add_product(93, 97, stock=2)
    woo.add_product(50, stock=None, sku="EBOOK")  # not counted: left alone
    for order_id, sku, variation in ((7001, "TEE-M", 92), (7002, "TEE-L", 94), (7003, "", 97)):
        item = line(order_id * 10 + 1, sku=sku, product_id=93, variation_id=variation)
        woo.add_order(
            order(
                order_id,
                lines=[item],
                status="completed",
                created_gmt=_gmt(10),
                completed_gmt=_gmt(9),
                email="anne@example.fr",
            )
        )
    shop_credentials.save("woocommerce", woo.base_url, {"key": KEY, "secret": SECRET})
    db.session.commit()
    return woo


def _run(runner, *args) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _sync(runner) -> str:
    return _run(runner, "shop", "sync", "--platform", "woocommerce", "--since", "90d")


def _stock(sku: str) -> tuple[int, int]:
    return stock_of(sku)


def _order(number: str) -> Order:
    return db.session.scalar(select(Order).where(Order.number == number))


def _exchange(factory, number: str, sku: str):
    return factory.return_(
        _order(number), resolution="exchange", exchange_sku=sku, with_label=False, locale="en"
    )


def test_our_stock_is_the_stores_and_a_held_unit_is_never_promised_twice(store, runner, factory):
    output = _sync(runner)
    assert "created 3" in output and "stock updated 3" in output, output
    assert _stock("TEE-M") == (5, 0) and _stock("TEE-L") == (1, 0) and _stock(SKULESS) == (2, 0)

    rr = _exchange(factory, "7001", "TEE-L")  # the last L, promised to this customer
    assert _stock("TEE-L") == (1, 1)
    assert "done 1" in _run(runner, "shop", "calls")  # held in the store
    assert store.products[(93, 94)]["stock_quantity"] == 0

    _sync(runner)  # the store sells 0 L now, and holds 1 for us: on hand 1, promised 1
    assert _stock("TEE-L") == (1, 1)
    line_m = _order("7003").lines[0]
    assert "TEE-L" not in [v.sku for v in returns.exchange_options(line_m)]
    with pytest.raises(ValidationFailed):  # "choose a size or colour that is available"
        _exchange(factory, "7003", "TEE-L")
    db.session.rollback()

    returns.cancel_return(rr, actor_type="customer")  # the hold is given back in the store
    db.session.commit()
    assert "done 1" in _run(runner, "shop", "calls")
    assert store.products[(93, 94)]["stock_quantity"] == 1
    _sync(runner)
    assert _stock("TEE-L") == (1, 0)


def test_a_sale_in_the_store_reaches_our_stock_at_the_next_sync(store, runner):
    _sync(runner)
    store.products[(93, 92)]["stock_quantity"] = 3  # two sold at the store's checkout
    assert "stock updated 1" in _sync(runner)
    assert _stock("TEE-M") == (3, 0)


def test_a_second_sync_that_finds_the_same_levels_writes_no_variant(store, runner):
    _sync(runner)
    with statements_starting("UPDATE VARIANTS") as writes:
        output = _sync(runner)
    assert "stock updated 0" in output and writes == []


def test_the_staff_card_shows_the_stock_the_last_sync_updated(store, runner, client, auth):
    _sync(runner)
    auth.login("admin")
    text = page(client.get("/staff/shops"))
    card = text[text.index("WooCommerce") : text.index("PrestaShop")]
    assert "rejected 0 · stock updated for 3 variants" in card


def test_a_store_that_refuses_the_key_stops_the_sync_with_its_reason(store, runner):
    shop_credentials.save("woocommerce", store.base_url, {"key": "ck_wrong", "secret": SECRET})
    db.session.commit()
    result = runner.invoke(args=["shop", "sync", "--platform", "woocommerce"])
    assert result.exit_code != 0 and "Consumer key is invalid" in result.output


def test_a_variation_without_sku_is_held_and_sent_as_the_replacement_by_its_ids(
    store, runner, factory, auth, desk
):
    _sync(runner)
    rr = _exchange(factory, "7001", SKULESS)  # only the sync knows it: it has 2
    assert "done 1" in _run(runner, "shop", "calls")
    (hold,) = db.session.scalars(select(PlatformCall).where(PlatformCall.kind == "reserve"))
    assert hold.status == "done" and hold.payload["lines"][0]["external_variant_id"] == "93:97"
    assert store.products[(93, 97)]["stock_quantity"] == 1
    _sync(runner)
    assert _stock(SKULESS) == (2, 1)  # 1 sellable + 1 held for us; 1 still to promise

    warehouse.receive_parcel(rr, {i.id: i.quantity for i in rr.items}, actor="w")
    warehouse.diagnose(rr, {i.id: ("A", "", "") for i in rr.items}, actor="w")
    db.session.commit()
    deliver_due()
    auth.login("support")
    assert "Replacement ordered in the shop platform" in page(desk.ship(rr))
    db.session.expire_all()
    calls = {c.kind: c.status for c in db.session.scalars(select(PlatformCall))}
    assert calls == {"reserve": "done", "release": "done", "replacement": "done"}
    (made,) = [o for o in store.orders.values() if o["parent_id"] == 7001]
    assert [(i["product_id"], i["variation_id"], i["total"]) for i in made["line_items"]] == [
        (93, 97, "0.00")
    ]
    assert store.products[(93, 97)]["stock_quantity"] == 2  # the hold given back

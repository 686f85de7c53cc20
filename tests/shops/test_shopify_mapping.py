"""Real Shopify orders' awkward shapes, synced through the fake and read back from the
database and from the customer's page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal import money
from portal.extensions import db
from portal.models import Order
from portal.models.base import utcnow
from tests.fakes.shopify import fulfillment, line, money_set, order
from tests.htmlkit import page

EMAIL = "bob.norman@mail.example.com"


def _iso(days_ago: float) -> str:
    return (utcnow() - timedelta(days=days_ago)).isoformat()


def _sync(runner, shopify, *payloads) -> Order:
    for payload in payloads:
        shopify.add_order(payload)
    result = runner.invoke(args=["shop", "sync", "--since", "90d"])
    assert result.exit_code == 0, result.output
    assert "rejected 0" in result.output, result.output
    return db.session.scalar(select(Order).order_by(Order.id.desc()))


def _items_page(client, number: str):
    client.get("/lang/en")
    assert client.post("/lookup", data={"number": number, "contact": EMAIL}).status_code == 302
    return page(client.get("/return/items"))


def _delivered(days_ago: float = 5) -> list[dict]:
    return [
        fulfillment(1, _iso(days_ago + 2), shipment_status="delivered", updated_at=_iso(days_ago))
    ]


def test_the_same_sku_on_two_lines_is_two_lines(runner, shopify):
    lines = [line(11, sku="TEE-M", quantity=1), line(12, sku="TEE-M", quantity=2, price="20.00")]
    found = _sync(runner, shopify, order(1, 2001, lines=lines, created_at=_iso(10)))
    assert [(ln.external_id, ln.variant.sku, ln.quantity) for ln in found.lines] == [
        ("11", "TEE-M", 1),
        ("12", "TEE-M", 2),
    ]


def test_lines_without_a_sku_are_kept_and_returnable_by_policy(runner, shopify, client, app):
    lines = [
        line(11, sku=None, title="Engraving", variant_title=None, variant_id=None, product_id=None),
        line(12, sku="", title="Silk scarf", variant_title="Red", variant_id=808950810),
        line(
            13, sku=None, title="Gift card", variant_title="50 €", variant_id=4321, gift_card=True
        ),
    ]
    found = _sync(
        runner, shopify, order(1, 2001, lines=lines, created_at=_iso(10), fulfillments=_delivered())
    )
    assert [ln.variant.sku for ln in found.lines] == [
        "shopify-line-11",
        "shopify-variant-808950810",
        "shopify-variant-4321",
    ]
    assert [ln.variant.is_returnable for ln in found.lines] == [True, True, False]
    text = _items_page(client, "2001").text
    assert "Silk scarf Colour: Red" in text and "Engraving" in text
    assert "cannot be returned" in text  # the gift card


def test_lines_without_a_sku_follow_the_setting(runner, shopify, app):
    app.config["SHOPIFY_RETURN_LINES_WITHOUT_SKU"] = False
    lines = [line(11, sku=None, variant_id=55), line(12, sku="TEE-M")]
    found = _sync(runner, shopify, order(1, 2001, lines=lines, created_at=_iso(10)))
    assert [ln.variant.is_returnable for ln in found.lines] == [False, True]


def test_prices_are_what_was_paid_after_line_and_order_discounts(runner, shopify):
    # 2 × 30.00 with a 5.00 line discount and 3.33 of the order's discount allocated to it;
    # 1 × 10.00 with 1.67 of the order's discount
    lines = [
        line(11, sku="A", price="30.00", quantity=2, discounts=("5.00", "3.33")),
        line(12, sku="B", price="10.00", quantity=1, discounts=("1.67",)),
    ]
    found = _sync(runner, shopify, order(1, 2001, lines=lines, created_at=_iso(10)))
    units = money.order_unit_amounts(found)
    assert [sum(units[ln.id]) for ln in found.lines] == [6000 - 833, 1000 - 167]
    assert found.discount == 0


def test_taxes_added_on_top_are_part_of_what_was_paid(runner, shopify):
    lines = [line(11, sku="A", price="10.00", quantity=3, taxes=("2.00",))]
    found = _sync(
        runner, shopify, order(1, 2001, lines=lines, created_at=_iso(10), taxes_included=False)
    )
    assert sum(money.order_unit_amounts(found)[found.lines[0].id]) == 3200


def test_times_are_utc_and_the_currency_is_the_order_s(runner, shopify):
    usd = line(11, sku="A", price="100.00", currency="EUR")
    usd["price_set"] = money_set("100.00", "EUR", "USD", 1.1)
    payload = order(
        1, 2001, lines=[usd], created_at="2026-11-20T23:30:00-05:00", presentment_currency="USD"
    )
    found = _sync(runner, shopify, payload)
    assert found.placed_at.isoformat() == "2026-11-21T04:30:00+00:00"
    assert found.currency == "USD"
    assert found.lines[0].unit_price == 11000
    jpy = order(
        2,
        2002,
        lines=[line(21, sku="J", price="1500", currency="JPY")],
        currency="JPY",
        created_at=_iso(3),
    )
    assert _sync(runner, shopify, jpy).lines[0].unit_price == 1500


def test_the_delivery_comes_from_the_fulfilment_else_an_estimate(runner, shopify, client):
    delivered = _sync(
        runner, shopify, order(1, 2001, created_at=_iso(10), fulfillments=_delivered(5))
    )
    assert delivered.delivery_estimated is False
    assert abs(delivered.delivered_at - (utcnow() - timedelta(days=5))) < timedelta(minutes=1)

    shipped_long_ago = [fulfillment(2, _iso(8))]  # no carrier news: shipped + 3 days
    estimated = _sync(
        runner, shopify, order(2, 2002, created_at=_iso(9), fulfillments=shipped_long_ago)
    )
    assert estimated.delivery_estimated is True
    assert abs(estimated.delivered_at - (utcnow() - timedelta(days=5))) < timedelta(minutes=1)
    assert "Not delivered yet" not in _items_page(client, "#2002").text

    shipped_today = [fulfillment(3, _iso(0.1))]
    _sync(runner, shopify, order(3, 2003, created_at=_iso(1), fulfillments=shipped_today))
    assert "Not delivered yet" in _items_page(client, "#2003").text

    unshipped = _sync(runner, shopify, order(4, 2004, created_at=_iso(1)))
    assert unshipped.delivered_at is None


def test_a_gift_message_in_the_note_attributes_makes_a_gift_order(runner, shopify):
    attrs = [{"name": "gift_message", "value": "Joyeux anniversaire !"}]
    gift = _sync(runner, shopify, order(1, 2001, created_at=_iso(5), note_attributes=attrs))
    assert gift.is_gift and gift.gift_message == "Joyeux anniversaire !"
    assert gift.gift_code.startswith("GIFT-")
    other = [{"name": "colour_preference", "value": "blue"}]
    plain = _sync(runner, shopify, order(2, 2002, created_at=_iso(5), note_attributes=other))
    assert not plain.is_gift


def test_an_order_without_email_or_shipping_address_is_kept(runner, shopify):
    payload = order(1, 2001, created_at=_iso(5), email=None)
    payload["shipping_address"] = None
    payload["billing_address"] = {
        "name": "Ana Lima",
        "zip": "69001",
        "city": "Lyon",
        "country_code": "FR",
    }
    found = _sync(runner, shopify, payload)
    assert (found.email, found.shipping_name, found.shipping_postcode) == ("", "Ana Lima", "69001")


def test_a_line_with_returns_keeps_its_units_and_price_when_shopify_changes_it(
    runner, shopify, factory
):
    lines = [line(11, sku="A", price="30.00", quantity=2), line(12, sku="B", price="10.00")]
    payload = order(1, 2001, lines=lines, created_at=_iso(10), fulfillments=_delivered())
    found = _sync(runner, shopify, payload)
    factory.return_(found, quantity=2)
    changed = [line(12, sku="B", price="12.00")]  # line 11 edited away, line 12 repriced
    shopify.touch(1, _iso(0), line_items=changed)
    again = _sync(runner, shopify)
    db.session.expire_all()
    assert [(ln.external_id, ln.quantity, ln.unit_price) for ln in again.lines] == [
        ("11", 2, 3000),
        ("12", 1, 1200),
    ]

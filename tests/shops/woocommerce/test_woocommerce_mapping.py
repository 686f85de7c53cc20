"""WooCommerce orders with the awkward shapes real stores send, mapped and written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Order, Variant
from portal.models.orders import order_number_key
from portal.shops.shopify_mapping import BadPayload
from portal.shops.woocommerce_mapping import map_order, settings_from_config
from portal.shops.woocommerce_orders import apply_order
from tests.fakes.woocommerce import line, order


@pytest.fixture
def settings(app):
    return settings_from_config(app.config)


def _written(payload, settings) -> Order:
    assert apply_order(payload, settings) == "created"
    db.session.commit()
    return db.session.scalar(select(Order).where(Order.external_id == str(payload["id"])))


def test_the_same_sku_on_two_lines_stays_two_lines(settings):
    payload = order(
        727, lines=[line(1, quantity=1), line(2, quantity=2, subtotal="40.00", subtotal_tax="8.00")]
    )
    written = _written(payload, settings)
    assert sorted((row.external_id, row.quantity, row.variant.sku) for row in written.lines) == [
        ("1", 1, "WOO-TSHIRT-M"),
        ("2", 2, "WOO-TSHIRT-M"),
    ]


def test_a_line_without_sku_is_kept_with_a_variant_of_its_own(settings):
    payload = order(
        728, lines=[line(1, sku="", product_id=93, variation_id=120), line(2, sku="", product_id=0)]
    )
    written = _written(payload, settings)
    skus = sorted(row.variant.sku for row in written.lines)
    assert skus == ["woocommerce-line-2", "woocommerce-variation-120"]
    assert all(row.variant.returnable for row in written.lines)


def test_lines_without_sku_follow_the_setting(app):
    app.config["WOOCOMMERCE_RETURN_LINES_WITHOUT_SKU"] = False
    written = _written(order(729, lines=[line(1, sku="")]), settings_from_config(app.config))
    assert written.lines[0].variant.returnable is False


def test_two_currencies_for_one_catalogue(settings):
    eur = _written(order(730, currency="EUR", lines=[line(1, sku="CAP")]), settings)
    usd = _written(
        order(
            731, currency="USD", lines=[line(2, sku="CAP", subtotal="25.00", subtotal_tax="0.00")]
        ),
        settings,
    )
    assert (eur.currency, usd.currency) == ("EUR", "USD")
    assert (eur.lines[0].unit_price, usd.lines[0].unit_price) == (2400, 2500)
    assert db.session.scalar(select(Variant).where(Variant.sku == "CAP")) is not None


def test_times_come_from_the_gmt_fields_not_the_local_ones(settings):
    payload = order(732, created_gmt="2026-11-10T23:30:00", local_offset_hours=2)
    assert payload["date_created"] == "2026-11-11T01:30:00"  # the site's local time
    written = _written(payload, settings)
    assert written.placed_at == datetime(2026, 11, 10, 23, 30, tzinfo=UTC)


def test_what_the_customer_paid_after_a_coupon_and_with_taxes(settings):
    # 3 × 10.00 + 20 % VAT, a 5.00 coupon spread on the line by WooCommerce (total 25.00)
    item = line(
        1, quantity=3, subtotal="30.00", subtotal_tax="6.00", total="25.00", total_tax="5.00"
    )
    written = _written(order(733, lines=[item], discount_total="5.00"), settings)
    row = written.lines[0]
    assert (row.unit_price, row.discount) == (1200, 600)
    assert row.unit_price * row.quantity - row.discount == 3000  # 25.00 + 5.00 tax
    assert written.discount == 0


def test_amounts_with_more_decimals_are_rounded_to_the_cent(settings):
    item = line(1, quantity=3, subtotal="8.333333", subtotal_tax="1.666667")
    row = _written(order(734, lines=[item]), settings).lines[0]
    assert row.unit_price * row.quantity - row.discount == 1000


def test_the_number_is_found_as_customers_type_it(settings):
    written = _written(order(735, "2002"), settings)
    assert written.number == "2002"
    assert {order_number_key(t) for t in ("#2002", "2002", " 2002 ")} == {written.number_key}


def test_shipment_tracking_gives_an_estimated_delivery(settings):
    shipped = int(datetime(2026, 11, 12, 8, 0, tzinfo=UTC).timestamp())
    tracking = [
        {"tracking_provider": "colissimo", "tracking_number": "6A123", "date_shipped": str(shipped)}
    ]
    written = _written(order(736, meta=(("_wc_shipment_tracking_items", tracking),)), settings)
    assert written.delivered_at == datetime(2026, 11, 15, 8, 0, tzinfo=UTC)
    assert written.delivery_estimated is True


def test_without_tracking_the_completed_date_plus_the_delay(settings):
    written = _written(
        order(737, status="completed", completed_gmt="2026-11-12T10:00:00"), settings
    )
    assert written.delivered_at == datetime(2026, 11, 15, 10, 0, tzinfo=UTC)
    assert written.delivery_estimated is True
    assert _written(order(738), settings).delivered_at is None


def test_a_gift_message_in_the_order_meta(settings):
    written = _written(order(739, meta=(("gift_message", "Joyeux anniversaire !"),)), settings)
    assert written.gift_message == "Joyeux anniversaire !"
    assert written.gift_code and written.gift_code.startswith("GIFT-")


def test_the_gift_wrap_plugin_line_meta_marks_a_gift(settings):
    written = _written(order(740, lines=[line(1, meta=(("Gift Wrapped", "Yes"),))]), settings)
    assert written.gift_code is not None and written.gift_message is None
    assert _written(order(741), settings).gift_code is None


def test_a_cancelled_order_is_cancelled(settings):
    assert _written(order(742, status="cancelled"), settings).cancelled is True


@pytest.mark.parametrize(
    "change, message",
    [
        ({"currency": "euro"}, "currency"),
        ({"line_items": []}, "line_items"),
        ({"date_created_gmt": None}, "date_created_gmt is missing"),
        ({"date_created_gmt": "yesterday"}, "date_created_gmt is not a date-time"),
        ({"line_items": [line(1), line(1)]}, "repeats a line id"),
        ({"line_items": [{**line(1), "quantity": 0}]}, "quantity"),
        ({"line_items": [{**line(1), "total": "abc"}]}, "total is not an amount"),
    ],
)
def test_an_order_that_cannot_be_read_is_named_and_nothing_is_written(settings, change, message):
    with pytest.raises(BadPayload, match=message):
        map_order({**order(743), **change}, settings)


def test_two_lines_without_sku_of_one_new_product_share_its_variant(settings):
    payload = order(744, lines=[line(1, sku="", product_id=95), line(2, sku="", product_id=95)])
    written = _written(payload, settings)
    assert [row.variant.sku for row in written.lines] == ["woocommerce-product-95"] * 2
    assert len(db.session.scalars(select(Variant)).all()) == 1


def test_a_deleted_product_and_a_numeric_number_are_read(settings):
    payload = {**order(745, lines=[{**line(1, sku=""), "product_id": None}]), "number": 3001}
    written = _written(payload, settings)
    assert (written.number, written.lines[0].variant.sku) == ("3001", "woocommerce-line-1")

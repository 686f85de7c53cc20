"""PrestaShop orders of awkward shapes, read and written: local times, two currencies, the
same product on two lines, lines without a reference, vouchers, gifts, delivery dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Order
from portal.services import lookup
from portal.shops.prestashop_mapping import BadPayload, Settings, map_order
from portal.shops.prestashop_orders import apply_order
from tests.fakes.prestashop import order, row

SETTINGS = Settings(timezone="Europe/Paris", delivery_delay_days=3)


def _extra(payload: dict, currency="EUR", histories=(), email="pub@prestashop.com") -> dict:
    payload["_retours"] = {
        "currency": currency,
        "email": email,
        "address": {
            "firstname": "John",
            "lastname": "DOE",
            "address1": "16, Main street",
            "postcode": "75002",
            "city": "Paris",
            "id_country": "8",
        },
        "country": "FR",
        "histories": [
            {"id_order_state": str(state), "date_add": when, "id_order": str(payload["id"])}
            for state, when in histories
        ],
    }
    return payload


def test_local_times_are_the_shops_and_become_utc_winter_and_summer():
    winter = map_order(_extra(order(1, "XKBKNABJK", date_add="2026-01-15 00:30:00")), SETTINGS)
    assert winter.placed_at == datetime(2026, 1, 14, 23, 30, tzinfo=UTC)  # Paris is UTC+1
    summer = map_order(_extra(order(2, "OHSATSERP", date_add="2026-07-15 00:30:00")), SETTINGS)
    assert summer.placed_at == datetime(2026, 7, 14, 22, 30, tzinfo=UTC)  # UTC+2 in summer
    other = Settings(timezone="America/Montreal")
    assert map_order(_extra(order(3, "A", date_add="2026-01-15 00:30:00")), other).placed_at == (
        datetime(2026, 1, 15, 5, 30, tzinfo=UTC)
    )


def test_the_same_product_twice_is_two_lines_and_a_line_without_reference_is_kept():
    payload = order(
        7,
        "QWERTYUIO",
        rows=[
            row(71, product_id=1, attribute_id=3, reference="demo_1", price="19.120000"),
            row(72, product_id=1, attribute_id=3, reference="demo_1", price="0.000000"),
            row(73, product_id=9, attribute_id=0, reference="", price="5.000000"),
        ],
    )
    mapped = map_order(_extra(payload), SETTINGS)
    assert [line.external_id for line in mapped.lines] == ["71", "72", "73"]
    assert [line.sku for line in mapped.lines] == ["demo_1", "demo_1", "prestashop-9-0"]
    assert [line.has_sku for line in mapped.lines] == [True, True, False]
    assert [line.unit_price for line in mapped.lines] == [1912, 0, 500]


def test_an_order_in_another_currency_keeps_it():
    payload = order(8, "CHFORDER1", currency=2, rows=[row(81, price="42.500000")])
    mapped = map_order(_extra(payload, currency="CHF"), SETTINGS)
    assert mapped.currency == "CHF" and mapped.lines[0].unit_price == 4250


def test_an_unknown_currency_is_refused_by_name():
    payload = order(9, "NOCURRENC", currency=77)
    with pytest.raises(BadPayload, match="id_currency '77'"):
        map_order(_extra(payload, currency=None), SETTINGS)


def test_vouchers_are_shared_over_the_lines_so_each_holds_what_was_paid():
    payload = order(
        10,
        "VOUCHERED",
        rows=[row(101, price="30.000000", quantity=2), row(102, price="40.000000")],
        discounts="10.000000",
    )
    mapped = map_order(_extra(payload), SETTINGS)
    assert [line.discount for line in mapped.lines] == [600, 400]
    paid = sum(line.unit_price * line.quantity - line.discount for line in mapped.lines)
    assert paid == 9000  # 100 € of products − 10 € voucher


def test_gift_wrapping_and_its_message_are_the_gift():
    payload = order(11, "GIFTORDER", gift=True, gift_message="Joyeux anniversaire, Léa !")
    mapped = map_order(_extra(payload), SETTINGS)
    assert mapped.is_gift and mapped.gift_message == "Joyeux anniversaire, Léa !"
    assert not map_order(_extra(order(12, "NOGIFT")), SETTINGS).is_gift


def test_delivered_state_is_the_delivery_else_shipped_plus_delay_is_an_estimate():
    delivered = map_order(
        _extra(
            order(13, "DELIVERED"),
            histories=[(4, "2026-11-02 09:00:00"), (5, "2026-11-04 15:10:00")],
        ),
        SETTINGS,
    )
    assert delivered.delivered_at == datetime(2026, 11, 4, 14, 10, tzinfo=UTC)
    assert not delivered.delivery_estimated
    shipped = map_order(
        _extra(order(14, "SHIPPED"), histories=[(4, "2026-11-02 09:00:00")]), SETTINGS
    )
    assert shipped.delivered_at == datetime(2026, 11, 5, 8, 0, tzinfo=UTC)
    assert shipped.delivery_estimated
    waiting = map_order(
        _extra(order(15, "WAITING"), histories=[(2, "2026-11-02 09:00:00")]), SETTINGS
    )
    assert waiting.delivered_at is None


def test_a_cancelled_state_cancels():
    assert map_order(_extra(order(16, "CANCELLED", state=6)), SETTINGS).cancelled


def test_a_bad_row_is_named():
    payload = order(17, "BADROW")
    payload["associations"]["order_rows"][0]["product_quantity"] = "deux"
    with pytest.raises(BadPayload, match=r"order_rows\[0\].product_quantity"):
        map_order(_extra(payload), SETTINGS)


def test_written_orders_are_found_by_reference_and_keep_both_lines(app):
    payload = order(
        20,
        "XKBKNABJK",
        rows=[row(201, reference="demo_1"), row(202, reference="demo_1")],
    )
    assert apply_order(_extra(payload), SETTINGS) == "created"
    stored = db.session.scalar(select(Order).where(Order.number == "XKBKNABJK"))
    assert stored.source == "prestashop" and stored.external_id == "20"
    assert sorted(line.external_id for line in stored.lines) == ["201", "202"]
    assert stored.email == "pub@prestashop.com" and stored.shipping_postcode == "75002"
    # the customer types the reference as it reads in their e-mail, in any case
    assert lookup.find_order(" xkbknabjk ", "PUB@prestashop.com") is stored
    assert lookup.find_order("XKBKNABJK", "75002") is stored


def test_a_second_order_with_the_same_reference_gets_its_id_appended(app):
    apply_order(_extra(order(30, "SPLITCART")), SETTINGS)
    apply_order(_extra(order(31, "SPLITCART", rows=[row(311)])), SETTINGS)
    numbers = sorted(db.session.scalars(select(Order.number)))
    assert numbers == ["SPLITCART", "SPLITCART-31"]


def test_a_free_shipping_voucher_is_not_taken_off_the_products():
    # 40 € of products, 7 € shipping made free, and a 5 € voucher: total_discounts 12 €
    payload = order(18, "FREESHIP", rows=[row(181, price="40.000000")], discounts="12.000000")
    extra = _extra(payload)
    extra["_retours"]["free_shipping"] = True
    mapped = map_order(extra, SETTINGS)
    assert mapped.lines[0].discount == 500

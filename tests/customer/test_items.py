"""The items page: what each line says, why some lines cannot be returned, what is offered."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.dates import format_date

from portal.extensions import db
from portal.services.eligibility import deadline_for
from portal.services.policy import current_policy
from tests.customer.pagekit import item_fields, lookup, page


@pytest.fixture
def app_config(app_config):
    # no holiday season, so "outside the window" does not depend on today's date
    return {**app_config, "HOLIDAY_SEASON_START": (12, 31), "HOLIDAY_SEASON_END": (1, 1)}


def items_page(client, order):
    assert lookup(client, order).status_code == 302
    response = client.get("/return/items")
    assert response.status_code == 200
    return page(response)


def test_each_line_shows_size_colour_bought_and_returnable(en, factory):
    factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 3)])
    factory.return_(order, quantity=1)  # one of the three is already on its way back
    shown = items_page(en, order)
    line = order.lines[0]
    details = shown.by_id(f"item-{line.id}-details")
    assert "Colour: Blue" in details
    assert "Size: M" in details
    assert "bought: 3" in details
    assert "still returnable: 2" in details
    assert "€25.00" in details
    quantities = [value for value, _text, _sel in shown.select_options(f"item-{line.id}-quantity")]
    assert quantities == ["0", "1", "2"]


def test_ineligible_lines_say_why_in_plain_words(en, factory):
    factory.variants("TEE", M=5, L=5)
    factory.variants("SALE", price=1000, M=2)
    factory.variants("EARRING", price=1500, U=2)
    factory.variants("SOCK", price=900, M=2)
    earring = factory.variants("EARRING", price=1500, U=2)[0]
    earring.product.returnable = False
    order = factory.order(
        [("TEE-M", 1), ("SALE-M", 1), ("EARRING-U", 1), ("SOCK-M", 1)], final_sale=("SALE-M",)
    )
    factory.return_(order)  # TEE-M, the first line, is returned in full
    shown = items_page(en, order)
    tee, sale, earring_line, sock = order.lines
    assert shown.by_id(f"item-{tee.id}-why") == "Already returned."
    assert shown.by_id(f"item-{sale.id}-why") == "Final sale: this item cannot be returned."
    assert "cannot be returned" in shown.by_id(f"item-{earring_line.id}-why")
    assert f"item-{sock.id}-why" not in shown.ids
    # only the returnable line can be returned; the final-sale and hygiene lines, still under
    # warranty, can only be sent for repair (tests/repairs); the returned one, nothing
    names = {c.name for c in shown.controls if c.name.endswith("-quantity")}
    assert names == {f"item-{line.id}-quantity" for line in (sock, sale, earring_line)}
    for line in (sale, earring_line):
        offered = {
            c.attrs.get("value") for c in shown.controls if c.name.endswith(f"{line.id}-resolution")
        }
        assert offered == {"repair"}


def test_outside_the_window_gives_the_date(en, factory):
    order = factory.order(delivered_days_ago=45)
    deadline = deadline_for(order.lines[0], current_policy())
    assert deadline is not None
    shown = items_page(en, order)
    why = shown.by_id(f"item-{order.lines[0].id}-why")
    assert why == f"The return period ended on {format_date(deadline, 'long', locale='en')}."


def test_inside_the_window_on_its_last_day(en, factory):
    order = factory.order(delivered_days_ago=29)
    shown = items_page(en, order)
    assert f"item-{order.lines[0].id}-why" not in shown.ids


def test_not_delivered_yet(en, factory):
    order = factory.order(delivered_days_ago=None)
    shown = items_page(en, order)
    assert shown.by_id(f"item-{order.lines[0].id}-why").startswith("Not delivered yet")


def test_exchange_offers_same_product_same_price_in_stock_only(en, factory):
    variants = factory.variants("TEE", M=5, L=5, XL=2, S=0, XS=1)
    xs = variants[-1]
    xs.stock_reserved = 1  # promised to someone else: none available
    factory.variants("TEE", price=3000, XXL=5)  # same product, dearer
    factory.variants("SOCK", price=2500, M=5)  # same price, other product
    order = factory.order([("TEE-M", 1)])
    shown = items_page(en, order)
    options = shown.select_options(f"item-{order.lines[0].id}-exchange")
    offered = [text for value, text, _sel in options if value]
    assert offered == ["Blue · L", "Blue · XL — 2 left"]


def test_no_exchange_when_nothing_is_in_stock(en, factory):
    factory.variants("TEE", M=5, L=0)
    order = factory.order([("TEE-M", 1)])
    shown = items_page(en, order)
    key = f"item-{order.lines[0].id}"
    radio = next(
        c
        for c in shown.controls
        if c.name == f"{key}-resolution" and c.attrs.get("value") == "exchange"
    )
    assert "disabled" in radio.attrs
    assert "none available right now" in shown.text
    assert not [c for c in shown.controls if c.name == f"{key}-exchange"]


class TestStoreCreditBonus:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "STORE_CREDIT_BONUS_PERCENT": 10}

    def test_bonus_shown_in_english(self, en, shop):
        shown = items_page(en, shop.order)
        assert "Store credit — €27.50 in credit instead of €25.00" in shown.text

    def test_bonus_shown_in_french(self, client, shop):
        shown = items_page(client, shop.order)  # no Accept-Language: French
        assert "27,50 € en avoir au lieu de 25,00 €" in shown.text
        assert "€27.50" not in shown.text

    def test_review_totals_include_the_bonus(self, en, shop):
        lookup(en, shop.order)
        en.post("/return/items", data=item_fields(shop.line, resolution="store_credit"))
        en.post("/return/relay", data={"relay_point_id": shop.point.id})
        totals = page(en.get("/return/review")).by_id("totals")
        assert "Expected store credit: €27.50" in totals


class TestReturnShippingFee:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RETURN_SHIPPING_FEE": 490}

    def test_fee_is_deducted_from_the_expected_refund_only(self, en, factory):
        factory.variants("TEE", M=5, L=5)
        factory.variants("SOCK", price=900, M=5)
        order = factory.order([("TEE-M", 1), ("SOCK-M", 1)])
        point = factory.relay_point()
        db.session.commit()
        tee, sock = order.lines
        lookup(en, order)
        data = {**item_fields(tee), **item_fields(sock, resolution="store_credit")}
        en.post("/return/items", data=data)
        en.post("/return/relay", data={"relay_point_id": point.id})
        totals = page(en.get("/return/review")).by_id("totals")
        assert "Expected refund: €20.10" in totals
        assert "Return shipping of €4.90 is deducted from the refund." in totals
        assert "Expected store credit: €9.00" in totals


def test_no_bonus_text_without_a_bonus(en, shop):
    shown = items_page(en, shop.order)
    assert "in credit instead of" not in shown.text


def test_review_shows_expected_refund(en, factory):
    factory.variants("TEE", M=5, L=5)
    factory.variants("SOCK", price=900, M=5)
    order = factory.order([("TEE-M", 2), ("SOCK-M", 1)])
    point = factory.relay_point()
    db.session.commit()
    tee, sock = order.lines
    lookup(en, order)
    data = {**item_fields(tee, quantity=2), **item_fields(sock, resolution="store_credit")}
    assert en.post("/return/items", data=data).status_code == 302
    en.post("/return/relay", data={"relay_point_id": point.id})
    review = page(en.get("/return/review"))
    assert "Expected refund: €50.00" in review.by_id("totals")
    assert "Expected store credit: €9.00" in review.by_id("totals")
    assert "2 × TEE shirt (Blue · M) — refund" in review.text


def test_choices_are_kept_when_going_back(en, shop):
    lookup(en, shop.order)
    chosen = item_fields(
        shop.line, reason="too_big", resolution="exchange", exchange=shop.large, comment="Snug"
    )
    assert en.post("/return/items", data=chosen).status_code == 302
    sent_again = page(en.get("/return/items")).form_posting_to("").values()
    assert {k: sent_again.get(k) for k in chosen} == chosen


def _month_day(day: date) -> tuple[int, int]:
    return (day.month, day.day) if (day.month, day.day) != (2, 29) else (2, 28)


@pytest.mark.parametrize("until_days", [10, -1])
def test_holiday_season_orders_are_returnable_until_a_fixed_date(en, factory, app, until_days):
    order = factory.order(delivered_days_ago=45, placed_days_ago=50)
    placed = order.placed_at.date()
    until = date.today() + timedelta(days=until_days)
    app.config.update(
        HOLIDAY_SEASON_START=_month_day(placed),
        HOLIDAY_SEASON_END=_month_day(placed + timedelta(days=1)),
        HOLIDAY_RETURN_UNTIL=_month_day(until),
    )
    shown = items_page(en, order)
    why = f"item-{order.lines[0].id}-why"
    if until_days > 0:
        assert why not in shown.ids  # 45 days after delivery, still returnable
    else:
        deadline = deadline_for(order.lines[0], current_policy())
        assert shown.by_id(why) == (
            f"The return period ended on {format_date(deadline, 'long', locale='en')}."
        )

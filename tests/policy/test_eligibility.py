"""Each eligibility rule, and their combinations, with the reason a customer reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from portal.extensions import db
from portal.models import Order, Product
from portal.services import shop_sync
from portal.services.eligibility import check_order
from portal.services.policy import Policy

TODAY = date(2027, 3, 10)  # outside any holiday season


def at(day: date) -> str:
    return datetime.combine(day, time(12), UTC).isoformat()


def make_order(
    factory,
    *,
    placed: date,
    delivered: date | None,
    final_sale=False,
    cancelled=False,
    quantity=1,
) -> Order:
    if not db.session.query(Product).filter_by(code="TEE").first():
        factory.variants()
    order, _ = shop_sync.upsert_order(
        f"P-{placed.isoformat()}-{delivered}-{final_sale}-{cancelled}-{quantity}",
        {
            "email": "a@example.fr",
            "currency": "EUR",
            "placed_at": at(placed),
            "delivered_at": at(delivered) if delivered else None,
            "cancelled": cancelled,
            "shipping_address": {
                "name": "A",
                "line1": "1 rue",
                "postcode": "75011",
                "city": "Paris",
                "country": "FR",
            },
            "payment": {"method": "card"},
            "lines": [
                {"sku": "TEE-M", "quantity": quantity, "unit_price": 2500, "final_sale": final_sale}
            ],
        },
    )
    return order


def problems(order: Order, policy: Policy = Policy(), today: date = TODAY) -> list[str]:
    (result,) = check_order(order, policy, today)
    return [name for name, _message in result.problems]


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.mark.parametrize(
    ("delivered_ago", "expected"),
    [(1, []), (29, []), (30, []), (31, ["inside_window"]), (90, ["inside_window"])],
)
def test_return_window_counts_from_delivery(factory, delivered_ago, expected):
    order = make_order(
        factory, placed=days_ago(delivered_ago + 3), delivered=days_ago(delivered_ago)
    )
    assert problems(order) == expected


def test_window_comes_from_config(factory):
    order = make_order(factory, placed=days_ago(48), delivered=days_ago(45))
    assert problems(order) == ["inside_window"]
    assert problems(order, Policy(window_days=60)) == []


def test_not_delivered(factory):
    assert problems(make_order(factory, placed=days_ago(2), delivered=None)) == ["delivered"]


def test_final_sale(factory):
    order = make_order(factory, placed=days_ago(5), delivered=days_ago(3), final_sale=True)
    assert problems(order) == ["not_final_sale"]


def test_product_flagged_not_returnable(factory):
    order = make_order(factory, placed=days_ago(5), delivered=days_ago(3))
    order.lines[0].variant.product.returnable = False
    assert problems(order) == ["product_returnable"]


def test_cancelled_order(factory):
    order = make_order(factory, placed=days_ago(5), delivered=days_ago(3), cancelled=True)
    assert problems(order) == ["order_not_cancelled"]


def test_quantity_already_returned(app, factory):
    order = make_order(factory, placed=days_ago(5), delivered=days_ago(3), quantity=2)
    factory.return_(order, quantity=1)
    (result,) = check_order(order, Policy(), TODAY)
    assert result.ok and result.returnable_quantity == 1
    factory.return_(order, quantity=1)
    assert problems(order) == ["quantity_left"]


def test_cancelled_return_gives_its_quantity_back(app, factory):
    from portal.services.returns import cancel_return

    order = make_order(factory, placed=days_ago(5), delivered=days_ago(3))
    rr = factory.return_(order)
    assert problems(order) == ["quantity_left"]
    cancel_return(rr, actor_type="customer")
    db.session.commit()
    assert problems(order) == []


def test_combinations_list_every_reason(factory):
    order = make_order(
        factory, placed=days_ago(50), delivered=days_ago(45), final_sale=True, cancelled=True
    )
    order.lines[0].variant.product.returnable = False
    assert problems(order) == [
        "order_not_cancelled",
        "inside_window",
        "not_final_sale",
        "product_returnable",
    ]


@pytest.mark.parametrize(
    ("placed", "today", "expected"),
    [
        (date(2026, 11, 15), date(2027, 1, 31), []),  # holiday order: until 31 January
        (date(2026, 11, 15), date(2027, 2, 1), ["inside_window"]),
        (date(2026, 12, 24), date(2027, 1, 20), []),  # last day of the season
        (date(2026, 12, 25), date(2027, 2, 1), ["inside_window"]),  # after it: 30 days
        (date(2026, 10, 31), date(2027, 1, 20), ["inside_window"]),  # before it
        (date(2026, 12, 20), date(2027, 1, 30), []),  # 30 days would end earlier
    ],
)
def test_holiday_season(factory, placed, today, expected):
    order = make_order(factory, placed=placed, delivered=placed + timedelta(days=3))
    assert problems(order, Policy(), today) == expected


def test_holiday_season_from_config(factory):
    policy = Policy(season_start=(10, 15), season_end=(12, 31), holiday_until=(2, 15))
    order = make_order(factory, placed=date(2026, 10, 20), delivered=date(2026, 10, 23))
    assert problems(order, policy, date(2027, 2, 15)) == []
    assert problems(order, policy, date(2027, 2, 16)) == ["inside_window"]


def test_reasons_are_readable(app, factory):
    order = make_order(factory, placed=days_ago(50), delivered=days_ago(45))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        (result,) = check_order(order, Policy(), TODAY)
        assert result.problems[0][1].startswith("The return period ended on")

"""`flask demo`: the demo shop covers what a person trying the portal needs; twice is once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.commands.demo import GIFT_CODE, load_demo
from portal.extensions import db
from portal.models import Order, OrderLine, Product, RelayPoint, StaffUser, Variant
from portal.models.staff import ROLES


def snapshot() -> dict:
    """Every table's row count, and the values that a second run must not touch."""
    db.session.expire_all()
    counts = {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
    orders = db.session.execute(
        select(
            Order.number,
            Order.email,
            Order.placed_at,
            Order.delivered_at,
            Order.gift_code,
            Order.updated_at,
        ).order_by(Order.number)
    ).all()
    variants = db.session.execute(
        select(Variant.sku, Variant.price, Variant.stock_on_hand, Variant.stock_reserved)
    ).all()
    staff = db.session.execute(select(StaffUser.email, StaffUser.password_hash)).all()
    points = db.session.execute(select(RelayPoint.external_id, RelayPoint.active)).all()
    return {
        "counts": counts,
        "orders": orders,
        "variants": sorted(variants),
        "staff": staff,
        "points": sorted(points),
    }


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def order(number: str) -> Order:
    return db.session.scalar(select(Order).where(Order.number == number))


def test_running_the_demo_twice_changes_nothing(runner, demo):
    first = snapshot()
    assert first["counts"]["orders"] >= 18
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert snapshot() == first


def test_loading_again_later_the_same_day_changes_nothing(demo):
    first = snapshot()
    now = datetime.now(UTC)
    for moment in (now.replace(hour=0, minute=0, second=1), now.replace(hour=23, minute=59)):
        load_demo(moment)
        db.session.commit()
        assert snapshot() == first


def test_demo_prints_what_to_try(demo):
    assert "FR-10001" in demo
    assert "camille.martin@example.fr" in demo
    assert GIFT_CODE in demo
    assert "/staff/login" in demo


def test_demo_covers_the_cases_to_try(app, demo):
    now = datetime.now(UTC)
    window = timedelta(days=app.config["RETURN_WINDOW_DAYS"])

    def delivered_ago(o: Order) -> timedelta | None:
        return now - o.delivered_at if o.delivered_at else None

    orders = db.session.scalars(select(Order)).all()
    assert 18 <= len(orders) <= 25
    ages = [delivered_ago(o) for o in orders]
    assert any(a is not None and timedelta(days=1) <= a <= timedelta(days=8) for a in ages)
    assert any(a is not None and timedelta(days=39) <= a <= timedelta(days=41) for a in ages)
    assert any(a is not None and a > window for a in ages)
    assert any(a is None for a in ages), "an order not delivered yet"
    assert all(o.placed_at <= (o.delivered_at or now) for o in orders)

    lines = db.session.scalars(select(OrderLine)).all()
    assert any(line.final_sale for line in lines)
    assert any(line.quantity == 2 for line in lines)
    gift = db.session.scalar(select(Order).where(Order.gift_code == GIFT_CODE))
    assert gift is not None and gift.gift_message
    assert delivered_ago(gift) is not None and delivered_ago(gift) < window

    stock = [v.stock_on_hand - v.stock_reserved for v in db.session.scalars(select(Variant))]
    assert 1 in stock and 0 in stock
    products = db.session.scalars(select(Product.name)).all()
    for kind in ("T-shirt", "jeans", "jacket", "sneakers"):
        assert any(kind.lower() in name.lower() for name in products), kind
    assert db.session.scalar(select(func.count(func.distinct(Variant.size)))) >= 3
    assert db.session.scalar(select(func.count(func.distinct(Variant.colour)))) >= 3

    cities = set(db.session.scalars(select(RelayPoint.city).where(RelayPoint.active)))
    assert {"Paris", "Lyon", "Lille"} <= cities
    assert set(db.session.scalars(select(StaffUser.role))) == set(ROLES)


def test_demo_has_a_repair_request_to_try(app, demo):
    from portal.commands.demo import REPAIR_ORDER
    from portal.services.repair_eligibility import warranty_end

    assert f"Order {REPAIR_ORDER}" in demo and "a repair" in demo
    grinder = order(REPAIR_ORDER)
    (line,) = grinder.lines
    assert "grinder" in line.variant.product.name.lower()
    now = datetime.now(UTC)
    assert now - grinder.delivered_at > timedelta(days=app.config["RETURN_WINDOW_DAYS"])
    assert warranty_end(line) >= now.date()

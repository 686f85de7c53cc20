"""`flask shop sync` against the fake Shopify: pages, rate limits, re-runs, catch-up."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, func, select

from portal.extensions import db
from portal.models import Order, OrderLine
from portal.models.base import utcnow
from tests.fakes.shopify import line, order
from tests.htmlkit import page
from tests.shops.refusals import refusing_order


def _sync(runner, since="90d"):
    return runner.invoke(args=["shop", "sync", "--since", since])


def _recent(n: int) -> str:
    return f"2026-11-{n:02d}T10:00:00+01:00"


def test_sync_follows_every_page_and_brings_every_order(runner, shopify):
    for i in range(1, 601):  # three pages of 250, 250 and 100
        shopify.add_order(order(1000 + i, 2000 + i, created_at=_recent(1 + i % 20)))
    result = _sync(runner, since="2026-10-01")
    assert result.exit_code == 0, result.output
    assert "created 600, updated 0, unchanged 0, rejected 0" in result.output
    assert db.session.scalar(select(func.count(Order.id))) == 600
    assert shopify.count("orders") == 3
    # the later pages are asked with page_info and limit only, as Shopify requires
    later = [path for name, _, path in shopify.requests if name == "orders"][1:]
    assert all("page_info=" in path and "updated_at_min" not in path for path in later)


def test_a_second_sync_that_changes_nothing_writes_nothing(runner, shopify):
    for i in range(1, 6):
        shopify.add_order(order(1000 + i, 2000 + i, created_at=_recent(i)))
    assert _sync(runner).exit_code == 0
    writes: list[str] = []

    def count(conn, cursor, statement, *args):
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE") and "shop_connections" not in statement:
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = _sync(runner)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert "created 0, updated 0, unchanged 5, rejected 0" in result.output
    assert writes == []


def test_the_catch_up_heals_an_order_changed_while_webhooks_were_missed(runner, shopify):
    shopify.add_order(order(1001, 2001, created_at=_recent(2)))
    shopify.add_order(order(1002, 2002, created_at=_recent(2)))
    assert _sync(runner).exit_code == 0
    an_hour_ago = (utcnow() - timedelta(hours=1)).isoformat()
    shopify.touch(1001, an_hour_ago, cancelled_at=an_hour_ago)
    # the nightly catch-up asks only for what changed in the last two days
    result = _sync(runner, since="2d")
    assert "created 0, updated 1, unchanged 0, rejected 0" in result.output
    assert db.session.scalar(select(Order.cancelled).where(Order.number == "#2001")) is True
    assert db.session.scalar(select(Order.cancelled).where(Order.number == "#2002")) is False


def test_a_429_is_waited_out_with_retry_after(runner, shopify):
    shopify.add_order(order(1001, 2001, created_at=_recent(3)))
    shopify.throttle(2)
    result = _sync(runner)
    assert result.exit_code == 0, result.output
    assert shopify.throttled == 2
    assert db.session.scalar(select(Order.number)) == "#2001"


def test_a_wrong_token_stops_the_sync_with_the_reason(runner, shopify, app):
    app.config["SHOPIFY_ACCESS_TOKEN"] = "shpat_wrong"
    result = _sync(runner)
    assert result.exit_code != 0
    assert "Shopify refuse le jeton d'accès (401)" in result.output  # DEFAULT_LOCALE fr


def test_a_missing_scope_is_named(runner, shopify):
    shopify.scopes.discard("read_orders")
    result = _sync(runner)
    assert result.exit_code != 0
    assert "read_orders" in result.output


def test_one_unreadable_order_is_named_and_the_others_come_in(runner, shopify):
    shopify.add_order(order(1001, 2001, created_at=_recent(3)))
    broken = order(1002, 2002, created_at=_recent(3))
    broken["line_items"] = [{**line(7), "quantity": 0}]
    shopify.add_order(broken)
    result = _sync(runner)
    assert "created 1, updated 0, unchanged 0, rejected 1" in result.output
    assert "#2002: line_items[0].quantity is not a positive whole number" in result.output
    assert db.session.scalar(select(func.count(OrderLine.id))) == 1


def test_a_bad_since_is_a_usage_error(runner, shopify):
    result = _sync(runner, since="last tuesday")
    assert result.exit_code == 2
    assert "use 90d, 12h or a date" in result.output


def test_the_customer_finds_the_order_however_the_number_is_typed(runner, shopify, client):
    shopify.add_order(order(1001, 2002, created_at=_recent(3)))
    assert _sync(runner).exit_code == 0
    for typed in ("#2002", "2002", " 2002 "):
        response = client.post(
            "/lookup", data={"number": typed, "contact": "bob.norman@mail.example.com"}
        )
        assert response.status_code == 302, (typed, page(response).text[:300])


def test_an_order_the_database_refuses_is_named_and_the_rest_of_its_page_come_in(runner, shopify):
    for i in (1, 2, 3):
        shopify.add_order(order(1000 + i, 2000 + i, lines=[line(i)], created_at=_recent(3)))
    with refusing_order("#2002"):
        result = _sync(runner)
    assert "created 2, updated 0, unchanged 0, rejected 1" in result.output
    assert "rejected #2002: the database refused it" in result.output
    held = db.session.scalars(select(Order.external_id).order_by(Order.external_id)).all()
    assert held == ["1001", "1003"]
    assert db.session.scalar(select(func.count(OrderLine.id))) == 2


def test_a_page_of_changed_orders_is_read_in_a_few_queries_not_a_few_per_order(runner, shopify):
    for i in range(1, 41):
        lines = [line(i * 10, sku=f"TEE-{i % 3}"), line(i * 10 + 1, sku=None, variant_id=None)]
        shopify.add_order(order(1000 + i, 2000 + i, lines=lines, created_at=_recent(2)))
    assert _sync(runner).exit_code == 0
    for i in range(1, 41):  # the line without SKU gone, the other one now two units
        shopify.touch(
            1000 + i, _recent(5), line_items=[line(i * 10, sku=f"TEE-{i % 3}", quantity=2)]
        )
    reads: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = _sync(runner)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert "created 0, updated 40, unchanged 0, rejected 0" in result.output
    # 40 orders: at least 80 when read one by one; then two for the stock levels
    assert len(reads) <= 12, reads
    quantities = db.session.scalars(select(OrderLine.quantity)).all()
    assert quantities == [2] * 40

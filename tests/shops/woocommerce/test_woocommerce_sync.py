"""`woocommerce_orders.sync` against the fake store: every page, committed per page by the
caller; a second sync that changes nothing writes nothing; the catch-up heals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select

from portal.extensions import db
from portal.models import Order, ShopConnection
from portal.shops import credentials as shop_credentials
from portal.shops.platform import PlatformError, SyncProgress
from portal.shops.woocommerce_orders import sync
from tests.fakes.woocommerce import KEY, SECRET, line, order
from tests.shops.refusals import refusing_order

SINCE = datetime(2026, 10, 1, tzinfo=UTC)


def _run(progress=None):
    result = None
    for result in sync(SINCE, progress):  # noqa: B007 - the last one is returned
        db.session.commit()  # what the command does after each page
    db.session.commit()
    return result


def test_sync_brings_every_order_of_every_page(app, woo):
    for i in range(1, 231):
        woo.add_order(order(i, modified_gmt="2026-11-02T10:00:00", lines=[line(i * 10)]))
    seen = []
    progress = SyncProgress(on_page=seen.append)
    result = _run(progress)
    assert result.counts() == {
        "created": 230,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "stock": 0,  # woocommerce_orders.sync reads orders only; `shop sync` reads stock
    }
    assert db.session.scalar(select(func.count(Order.id))) == 230
    assert seen == [100, 100, 30] and progress.total == 230 and progress.done == 230


def test_a_second_sync_that_changes_nothing_writes_nothing(app, woo):
    for i in range(1, 6):
        woo.add_order(order(i, modified_gmt="2026-11-02T10:00:00", lines=[line(i * 10)]))
    _run()
    writes: list[str] = []

    def count(conn, cursor, statement, *args):
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE") and "shop_connections" not in statement:
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = _run()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert result.counts()["unchanged"] == 5
    assert writes == []


def test_the_catch_up_heals_an_order_changed_while_webhooks_were_missed(app, woo):
    woo.add_order(order(1, modified_gmt="2026-11-02T10:00:00"))
    _run()
    changed = order(1, modified_gmt="2026-11-03T10:00:00", status="cancelled")
    woo.add_order(changed)
    assert _run().counts()["updated"] == 1
    assert db.session.scalar(select(Order)).cancelled is True


def test_an_unreadable_order_is_named_and_the_others_come(app, woo):
    woo.add_order(order(1, modified_gmt="2026-11-02T10:00:00"))
    woo.add_order({**order(2, modified_gmt="2026-11-02T10:00:00"), "currency": None})
    result = _run()
    assert result.counts()["created"] == 1
    assert result.errors == ["2: currency is not a currency code"]


def test_the_saved_connection_records_the_last_sync(app, woo):
    shop_credentials.save("woocommerce", woo.base_url, {"key": KEY, "secret": SECRET})
    db.session.commit()
    woo.add_order(order(1, modified_gmt="2026-11-02T10:00:00"))
    _run()
    row = db.session.scalar(select(ShopConnection).where(ShopConnection.platform == "woocommerce"))
    assert row.last_sync_ok is True and row.last_sync_counts["created"] == 1


def test_a_failing_store_stops_the_sync_with_its_reason(app, woo):
    shop_credentials.save("woocommerce", woo.base_url, {"key": "ck_wrong", "secret": SECRET})
    db.session.commit()
    with pytest.raises(PlatformError) as failure:
        _run()
    assert failure.value.kind == "auth"
    row = db.session.scalar(select(ShopConnection).where(ShopConnection.platform == "woocommerce"))
    db.session.commit()
    assert row.last_sync_ok is False and "Consumer key is invalid" in row.last_sync_errors[0]


def test_two_orders_with_one_number_in_a_page_keep_the_first(app, woo):
    woo.add_order(order(1, "2002", modified_gmt="2026-11-02T10:00:00"))
    woo.add_order(order(2, "2002", modified_gmt="2026-11-02T10:00:00", lines=[line(21)]))
    result = _run()
    assert result.counts()["created"] == 1
    assert result.errors == ["2002: order number 2002 is already used by another order"]
    assert db.session.scalar(select(Order.external_id)) == "1"


def test_the_platform_offers_the_same_sync(app, woo):
    from portal.shops import platform

    woo.add_order(order(1, modified_gmt="2026-11-02T10:00:00"))
    for _ in platform.for_source("woocommerce").sync(SINCE):
        db.session.commit()
    assert db.session.scalar(select(func.count(Order.id))) == 1


def test_an_order_the_database_refuses_is_named_and_the_rest_of_its_page_come(app, woo):
    for i in (1, 2, 3):
        woo.add_order(order(i, modified_gmt="2026-11-02T10:00:00", lines=[line(i * 10)]))
    with refusing_order("2"):
        result = _run()
    assert result.counts() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "stock": 0,
    }
    assert result.errors == ["2: the database refused it (a duplicate or a bad value)"]
    held = db.session.scalars(select(Order.external_id).order_by(Order.external_id)).all()
    assert held == ["1", "3"]

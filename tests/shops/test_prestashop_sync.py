"""`flask shop poll` against the fake webservice: pages, re-runs that write nothing, the
catch-up that heals a changed order, one bad order named without stopping the rest."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from portal.extensions import db
from portal.models import Order, OrderLine
from portal.shops import credentials
from tests.fakes.prestashop import order, row
from tests.shops.prestashop_fixtures import with_prestashop
from tests.shops.refusals import refusing_order


@pytest.fixture
def app_config(app_config, presta):
    return with_prestashop(app_config, presta)


def _poll(runner, since="90d"):
    args = ["shop", "poll"] + (["--since", since] if since else [])
    return runner.invoke(args=args)


def _add(presta, n: int, **kw):
    for i in range(1, n + 1):
        presta.add_order(
            order(i, f"REF{i:06d}", rows=[row(i * 10)], date_add="2026-11-20 10:00:00", **kw),
            histories=[(2, "2026-11-20 10:00:00")],
        )


def test_poll_reads_every_page_and_brings_every_order(app, runner, presta):
    _add(presta, 250)
    result = _poll(runner, "2026-10-01")
    assert result.exit_code == 0, result.output
    assert "created 250, updated 0, unchanged 0, rejected 0" in result.output
    assert db.session.scalar(select(func.count(Order.id))) == 250
    assert db.session.scalar(select(func.count(OrderLine.id))) == 250
    assert presta.count("GET orders") == 3  # 100, 100, 50
    # one call per page for customers, addresses and histories, never one per order
    assert presta.count("GET customers") == 3 and presta.count("GET order_histories") == 3
    assert presta.count("GET currencies") == 1
    # the window is asked in the shop's local time, paged by id
    paths = [path for name, _, path in presta.requests if name == "GET orders"]
    assert "date=1" in paths[0] and "filter%5Bid%5D=%5B1%2C" in paths[0]
    assert "filter%5Bid%5D=%5B101%2C" in paths[1]


def test_a_second_poll_that_changes_nothing_writes_nothing(app, runner, presta):
    _add(presta, 5)
    assert _poll(runner).exit_code == 0
    writes: list[str] = []

    def count(conn, cursor, statement, *args):
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE") and "shop_connections" not in statement:
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = _poll(runner)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert "created 0, updated 0, unchanged 5, rejected 0" in result.output, result.output
    assert writes == []


def test_the_catch_up_heals_an_order_changed_since(app, runner, presta):
    _add(presta, 2)
    assert _poll(runner).exit_code == 0
    presta.touch(2, "2026-11-22 18:00:00", current_state="6")
    presta.add_history(1, 4, "2026-11-21 09:00:00")
    presta.touch(1, "2026-11-21 09:00:00")
    result = _poll(runner, "90d")
    assert "created 0, updated 2, unchanged 0" in result.output, result.output
    first = db.session.scalar(select(Order).where(Order.external_id == "1"))
    second = db.session.scalar(select(Order).where(Order.external_id == "2"))
    assert second.cancelled
    assert first.delivery_estimated and first.delivered_at.day == 24  # shipped + 3 days


def test_an_order_that_cannot_be_read_is_named_and_the_rest_come_in(app, runner, presta):
    _add(presta, 3)
    presta.touch(2, "2026-11-20 10:00:00", id_currency="99")
    result = _poll(runner)
    assert result.exit_code == 0, result.output
    assert "created 2, updated 0, unchanged 0, rejected 1" in result.output
    assert "rejected REF000002: id_currency '99' is not a known currency" in result.output


def test_poll_without_a_shop_says_what_to_set(app, runner):
    app.config["PRESTASHOP_SHOP_URL"] = None
    result = _poll(runner)
    assert result.exit_code != 0
    assert "PRESTASHOP_SHOP_URL" in result.output


def test_a_wrong_key_is_recorded_on_the_saved_connection(app, runner, presta):
    credentials.save("prestashop", presta.base_url, {"key": "W" * 32})
    db.session.commit()
    result = _poll(runner)
    assert result.exit_code != 0 and "auth" in result.output
    row_ = credentials.saved("prestashop")
    assert row_.last_sync_ok is False and "auth" in row_.last_sync_errors[0]


def test_without_since_the_poll_starts_from_the_last_one(app, runner, presta):
    credentials.save("prestashop", presta.base_url, {"key": presta.key})
    db.session.commit()
    _add(presta, 1)
    assert _poll(runner, None).exit_code == 0
    first = [p for n, _, p in presta.requests if n == "GET orders"][0]
    assert _poll(runner, None).exit_code == 0
    second = [p for n, _, p in presta.requests if n == "GET orders"][-1]
    assert first != second  # the window moved to the last poll's time minus the overlap


def test_a_shop_selling_in_two_currencies_and_local_times_come_in_right(app, runner, presta):
    presta.add_order(order(1, "EURORDER1", currency=1, date_add="2026-07-01 00:15:00"))
    presta.add_order(order(2, "CHFORDER2", currency=2, rows=[row(21, price="42.500000")]))
    assert _poll(runner, "2026-06-01").exit_code == 0
    eur = db.session.scalar(select(Order).where(Order.number == "EURORDER1"))
    chf = db.session.scalar(select(Order).where(Order.number == "CHFORDER2"))
    assert (eur.currency, chf.currency) == ("EUR", "CHF")
    assert chf.lines[0].unit_price == 4250
    # 00:15 in Paris in summer is 22:15 UTC the day before
    assert (eur.placed_at.day, eur.placed_at.hour, eur.placed_at.minute) == (30, 22, 15)


def test_a_free_shipping_voucher_read_through_the_poll(app, runner, presta):
    presta.add_order(order(1, "FREESHIP1", rows=[row(11, price="40.000000")], discounts="12.0"))
    presta.put(
        "order_cart_rules",
        {
            "id": 3,
            "id_order": "1",
            "id_cart_rule": "9",
            "name": "Port offert",
            "value": "7.0",
            "value_tax_excl": "7.0",
            "free_shipping": "1",
        },
    )
    assert _poll(runner, "2026-06-01").exit_code == 0
    stored = db.session.scalar(select(Order).where(Order.number == "FREESHIP1"))
    assert stored.lines[0].discount == 500  # 12 € of discounts, 7 € of them the shipping


def test_an_order_the_database_refuses_is_named_and_the_rest_of_its_page_come_in(
    app, runner, presta
):
    _add(presta, 3)
    with refusing_order("REF000002"):
        result = _poll(runner)
    assert result.exit_code == 0, result.output
    assert "created 2, updated 0, unchanged 0, rejected 1" in result.output
    assert "rejected REF000002: the database refused it" in result.output
    held = db.session.scalars(select(Order.number).order_by(Order.number)).all()
    assert held == ["REF000001", "REF000003"]
    assert db.session.scalar(select(func.count(OrderLine.id))) == 2

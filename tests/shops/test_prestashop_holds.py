"""An exchange's stock hold in PrestaShop, through the worker (`flask shop calls`), when the
shop's answer to the PUT is lost: the call's row recorded what was read and what was to be
written, so the retry takes the units once; when a sale came in between and the two cannot
be told apart, the call is refused with a reason staff read on /staff/shops, never taken
twice behind their back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import PlatformCall, Variant
from portal.models.base import utcnow
from portal.services import returns
from tests.fakes.prestashop import order, row
from tests.shops.prestashop_fixtures import with_prestashop
from tests.staff.conftest import StaffClient
from tests.staff.staffkit import page


@pytest.fixture
def app_config(app_config, presta):
    return with_prestashop(app_config, presta)


@pytest.fixture
def app(app):
    app.test_client_class = StaffClient
    app.config["DEFAULT_LOCALE"] = "en"
    return app


@pytest.fixture
def exchange(factory, presta):
    """TEE-M exchanged for TEE-L, combination 4 of product 1, of which the shop has 3."""
    factory.variants("TEE", M=5, L=5)
    presta.put("combinations", {"id": 4, "id_product": "1", "reference": "TEE-L"})
    presta.add_stock(40, 1, 4, 3)
    placed = factory.order([("TEE-M", 1)])
    placed.source, placed.external_id = "prestashop", "5"
    placed.lines[0].external_id = "51"
    db.session.flush()
    presta.add_order(order(5, "XKBKNABJK", rows=[row(51, reference="TEE-M", price="25.000000")]))
    rr = factory.return_(
        placed, resolution="exchange", exchange_sku="TEE-L", with_label=False, locale="en"
    )
    db.session.commit()
    return rr


def _call(kind: str) -> PlatformCall:
    db.session.expire_all()
    return db.session.scalars(select(PlatformCall).where(PlatformCall.kind == kind)).one()


def _send(runner, kind: str = "reserve") -> PlatformCall:
    """`flask shop calls` now, the backoff of an earlier attempt skipped."""
    call = _call(kind)
    call.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = runner.invoke(args=["shop", "calls"])
    assert result.exit_code == 0, result.output
    return _call(kind)


def _stock(presta) -> int:
    return int(presta.tables["stock_availables"][40]["quantity"])


def test_a_lost_answer_after_the_shop_took_the_units_is_not_taken_again(exchange, presta, runner):
    presta.fail("PUT stock_availables", "drop_after")  # made; we did not hear back
    call = _send(runner)
    assert call.status == "pending" and call.last_error and _stock(presta) == 2
    plan = call.payload["prestashop_plan"]  # recorded before the PUT
    assert plan == [{"stock": "40", "units": 1, "read": 3, "write": 2}]
    call = _send(runner)
    assert (call.status, call.external_id) == ("done", "stock:40x1")
    assert _stock(presta) == 2 and presta.count("PUT stock_availables") == 1


def test_a_put_that_never_reached_the_shop_is_made_on_the_retry(exchange, presta, runner):
    presta.fail("PUT stock_availables", "drop")  # not made
    assert _send(runner).status == "pending" and _stock(presta) == 3
    call = _send(runner)
    assert call.status == "done" and _stock(presta) == 2
    assert presta.count("PUT stock_availables") == 2


def test_a_sale_in_between_refuses_the_hold_and_staff_are_told(
    exchange, presta, runner, client, auth
):
    presta.fail("PUT stock_availables", "drop_after")
    _send(runner)
    presta.tables["stock_availables"][40]["quantity"] = "1"  # a customer bought one meanwhile
    call = _send(runner)
    assert call.status == "refused" and _stock(presta) == 1  # not taken a second time
    assert presta.count("PUT stock_availables") == 1
    assert "from 3 to 2" in call.reason and "it is now 1" in call.reason
    auth.login("admin")
    text = page(client.get("/staff/shops"))
    assert exchange.rma in text and "the shop's answer was lost" in text
    assert "cannot be told" in text

    # staff look: the hold was taken (3 → 2, then the sale): they add it back, and retry
    presta.tables["stock_availables"][40]["quantity"] = "2"
    client.post(f"/staff/shops/calls/{call.id}/retry")
    call = _call("reserve")
    assert (call.status, call.external_id) == ("done", "stock:40x1")
    assert _stock(presta) == 1  # one sold, one held for the exchange


def test_a_lost_answer_to_the_release_gives_the_units_back_once(exchange, presta, runner):
    assert _send(runner).status == "done" and _stock(presta) == 2
    returns.cancel_return(exchange, actor_type="customer")
    db.session.commit()
    presta.fail("PUT stock_availables", "drop_after")
    assert _send(runner, "release").status == "pending" and _stock(presta) == 3
    assert _send(runner, "release").status == "done"
    assert _stock(presta) == 3  # not 4
    assert presta.count("PUT stock_availables") == 2  # the hold, the release


def test_a_hold_the_shop_refuses_changes_nothing_and_says_why(exchange, presta, runner):
    presta.tables["stock_availables"][40]["quantity"] = "0"
    call = _send(runner)
    assert call.status == "refused" and "only 0 of TEE-L left" in call.reason
    assert presta.count("PUT stock_availables") == 0


def test_a_restock_in_between_takes_twice_and_our_cache_under_promises(exchange, presta, runner):
    """The case left: the PUT made, its answer lost, then exactly as many units restocked
    reads as "not made": the units are taken twice. The sync counts our hold once, so what
    we can still promise stays below what the shop could sell, never above."""
    presta.add_product(1, "", default_attribute=4)
    presta.fail("PUT stock_availables", "drop_after")
    _send(runner)
    presta.tables["stock_availables"][40]["quantity"] = "3"  # the shop restocked one
    assert _send(runner).status == "done"
    assert _stock(presta) == 2  # 3 sellable in truth, one more hidden by the second PUT
    result = runner.invoke(args=["shop", "sync", "--platform", "prestashop", "--since", "90d"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    variant = db.session.scalar(select(Variant).where(Variant.sku == "TEE-L"))
    assert (variant.stock_on_hand, variant.stock_reserved) == (3, 1)
    assert variant.stock_on_hand - variant.stock_reserved == 2 < 3

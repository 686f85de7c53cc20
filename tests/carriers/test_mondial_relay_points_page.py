"""The drop-off page with Mondial Relay configured: live points (lockers among them) with their
opening hours in the customer's language; never more than 2 s of waiting for the network, then
the cached or saved points, and the page says so."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import RelayPoint
from tests.integration.helpers import fresh_return, visible

SLOW_SECONDS = 4  # the fakes' "slow" mode (tests/carriers/conftest.py)
NETWORKS = ("mondial_relay",)  # configured for every test here

SAVED_ONLY = "Mondial Relay is not answering right now: these points are from our saved list"
EARLIER = "Mondial Relay is not answering right now: these are the points it gave us earlier"


@pytest.fixture
def order(client, factory):
    """A customer who found their order (shipped to 75011) and chose an item to return."""
    order = factory.order(email="anne@example.fr")
    db.session.commit()
    assert client.get("/lang/en").status_code == 302
    assert (
        client.post(
            "/lookup", data={"number": order.number, "contact": "anne@example.fr"}
        ).status_code
        == 302
    )
    line = order.lines[0]
    fields = {
        f"item-{line.id}-quantity": "1",
        f"item-{line.id}-reason": "too_small",
        f"item-{line.id}-resolution": "refund",
    }
    assert client.post("/return/items", data=fields).status_code == 302
    return order


def relay_page(client, path: str = "/return/relay") -> tuple[str, float]:
    started = time.monotonic()
    response = client.get(path)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    return visible(response.get_data(as_text=True)), elapsed


def saved_point(factory, name: str = "Tabac Saved") -> RelayPoint:
    point = factory.relay_point(name=name)
    db.session.commit()
    return point


def test_live_points_with_lockers_hours_and_distance(client, order, mondial_relay):
    page, _ = relay_page(client)

    assert "TABAC DE LA ROQUETTE · Mondial Relay · 0.0 km · Relay point" in page
    assert "LOCKER 24/7 MONOPRIX VOLTAIRE · Mondial Relay · 0.7 km · Locker" in page
    assert "Monday – Saturday 9:00 AM – 12:30 PM, 2:00 PM – 7:00 PM Sunday Closed" in page
    assert "Monday – Sunday 12:01 AM – 11:59 PM" in page  # the 24/7 locker
    assert SAVED_ONLY not in page and EARLIER not in page
    [search] = mondial_relay.requests("search")
    assert (search["Pays"], search["CP"]) == ("FR", "75011")
    saved = db.session.scalars(select(RelayPoint).where(RelayPoint.network == "Mondial Relay"))
    kinds = {p.external_id: (p.kind, p.fetched_at is not None) for p in saved if p.fetched_at}
    assert kinds == {
        "020811": ("relay", True), "031384": ("locker", True), "024313": ("relay", True),
    }  # fmt: skip


def test_opening_hours_in_french(client, order, mondial_relay):
    assert client.get("/lang/fr").status_code == 302
    page, _ = relay_page(client)

    assert "Lundi – Samedi 09:00 – 12:30, 14:00 – 19:00 Dimanche Fermé" in page
    assert "Casier" in page  # a locker


def test_the_chosen_live_point_is_where_the_expedition_is_collected(client, order, mondial_relay):
    page, _ = relay_page(client)
    locker = db.session.scalars(select(RelayPoint).where(RelayPoint.external_id == "031384")).one()

    assert client.post("/return/relay", data={"relay_point_id": locker.id}).status_code == 302
    assert client.post("/return/confirm").status_code == 302

    [expedition] = mondial_relay.expeditions
    assert (expedition.params["COL_Rel"], expedition.params["ModeCol"]) == ("031384", "REL")
    rr = fresh_return(order)
    assert rr.relay_point.external_id == "031384" and rr.status == "label_issued"


def test_a_slow_network_never_holds_the_page_more_than_2_seconds(
    client, factory, order, mondial_relay
):
    saved_point(factory)
    mondial_relay.fail("search", "slow")

    page, elapsed = relay_page(client)

    assert elapsed < 2.6  # RELAY_POINTS_TIMEOUT's default, 2 s, plus the page itself
    assert SAVED_ONLY in page
    assert "Tabac Saved · Mondial Relay" in page


@pytest.mark.parametrize("mode", ["503", "500", "drop", "stat:98"])
def test_a_network_down_shows_the_saved_points_and_says_so(
    client, factory, order, mondial_relay, mode
):
    saved_point(factory)
    mondial_relay.fail("search", mode)

    page, elapsed = relay_page(client)

    assert elapsed < 2.6
    assert SAVED_ONLY in page and "Tabac Saved · Mondial Relay" in page


def test_an_earlier_answer_is_shown_when_the_network_is_down(
    app, client, factory, order, mondial_relay
):
    app.config["RELAY_POINTS_CACHE_MINUTES"] = 0  # every search goes to the network
    relay_page(client)  # a live answer for 75011
    mondial_relay.fail("search", "503")

    page, _ = relay_page(client)

    assert EARLIER in page and "LOCKER 24/7 MONOPRIX VOLTAIRE" in page
    assert mondial_relay.count("search") == 2


def test_a_fresh_answer_is_reused_without_asking_again(client, order, mondial_relay):
    relay_page(client)
    page, _ = relay_page(client)

    assert "LOCKER 24/7 MONOPRIX VOLTAIRE" in page and SAVED_ONLY not in page
    assert mondial_relay.count("search") == 1


def test_a_late_answer_fills_the_cache_for_the_next_customer(
    app, client, factory, order, mondial_relay
):
    app.config["RELAY_POINTS_TIMEOUT"] = 0.3
    mondial_relay.slow_seconds = 0.8
    saved_point(factory)
    mondial_relay.fail("search", "slow")

    first, elapsed = relay_page(client)
    assert elapsed < 0.8 and SAVED_ONLY in first
    time.sleep(1.0)  # the answer arrives after the page was shown
    second, _ = relay_page(client)

    assert "LOCKER 24/7 MONOPRIX VOLTAIRE" in second and SAVED_ONLY not in second
    assert mondial_relay.count("search") == 1


def test_a_postcode_the_network_rejects_tells_the_customer_to_fix_it(
    client, factory, order, mondial_relay
):
    saved_point(factory)
    mondial_relay.fail("search", "stat:19")

    page, _ = relay_page(client, "/return/relay?postcode=75099")

    assert "Mondial Relay does not recognise the postcode 75099. Please check it" in page
    assert "Tabac Saved" not in page  # no list for a postcode that does not exist


def test_a_malformed_postcode_is_not_sent_to_the_network(client, order, mondial_relay):
    page, _ = relay_page(client, "/return/relay?postcode=ABC")

    assert "“ABC” is not a postcode. A French postcode has 5 digits" in page
    assert mondial_relay.count("search") == 0

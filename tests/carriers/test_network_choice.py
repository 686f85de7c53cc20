"""Which ways to send the parcel the customer sees depends on the networks configured; each
says what it means; a customer with no point nearby is never stuck."""

from __future__ import annotations

import pytest

from portal.carriers import offered_networks
from portal.extensions import db
from tests.integration.helpers import fresh_return, visible

MR_ANY = "Drop it at any Mondial Relay point or locker"
MR_MEANS = "any Mondial Relay point or locker takes the parcel with this label"
POST_ANY = "Drop it at any post office or Colissimo pickup point"
POST_MEANS = "hand the parcel in at any post office counter or Colissimo pickup point"


@pytest.mark.parametrize(
    ("config", "keys"),
    [
        ({}, ["local"]),
        ({"MONDIAL_RELAY_ENSEIGNE": "X", "MONDIAL_RELAY_PRIVATE_KEY": "k"}, ["mondial_relay"]),
        ({"MONDIAL_RELAY_ENSEIGNE": "X"}, ["local"]),  # half the credentials: not offered
        ({"COLISSIMO_CONTRACT_NUMBER": "1", "COLISSIMO_PASSWORD": "p"}, ["colissimo"]),
        (
            {
                "MONDIAL_RELAY_ENSEIGNE": "X",
                "MONDIAL_RELAY_PRIVATE_KEY": "k",
                "COLISSIMO_CONTRACT_NUMBER": "1",
                "COLISSIMO_PASSWORD": "p",
                "EASYPOST_API_KEY": "EZ",
            },
            ["mondial_relay", "colissimo", "easypost"],
        ),
    ],
)
def test_a_network_is_offered_only_with_its_credentials(config, keys):
    assert [n.key for n in offered_networks(config)] == keys


@pytest.fixture
def order(client, factory):
    order = factory.order(email="anne@example.fr")
    db.session.commit()
    assert client.get("/lang/en").status_code == 302
    data = {"number": order.number, "contact": "anne@example.fr"}
    assert client.post("/lookup", data=data).status_code == 302
    line = order.lines[0]
    fields = {
        f"item-{line.id}-quantity": "1",
        f"item-{line.id}-reason": "too_small",
        f"item-{line.id}-resolution": "refund",
    }
    assert client.post("/return/items", data=fields).status_code == 302
    return order


def relay_page(client, path="/return/relay"):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def choose(client, html: str, button: str) -> None:
    """Submit the form whose button says `button`."""
    form = html.split(button, 1)[0].rsplit("<form", 1)[1]
    point_id = form.split('name="relay_point_id" value="', 1)[1].split('"', 1)[0]
    assert client.post("/return/relay", data={"relay_point_id": point_id}).status_code == 302


def confirm(client) -> None:
    assert client.get("/return/review").status_code == 200
    assert client.post("/return/confirm").status_code == 302


def test_mondial_relay_offers_any_point_as_well_as_a_list(client, order, mondial_relay):
    html = relay_page(client)
    page = visible(html)

    assert MR_ANY in page and MR_MEANS in page
    assert "Or choose a point near you:" in page
    assert "LOCKER 24/7 MONOPRIX VOLTAIRE" in page
    assert POST_ANY not in page  # Colissimo is not configured

    choose(client, html, MR_ANY)
    assert "Any Mondial Relay point or locker" in visible(relay_page(client, "/return/review"))
    confirm(client)
    [expedition] = mondial_relay.expeditions
    assert (expedition.params["ModeCol"], expedition.params["COL_Rel"]) == ("REL", "AUTO")
    assert fresh_return(order).current_label.carrier == "mondial_relay"


def test_both_networks_each_with_what_it_means(client, order, mondial_relay, colissimo):
    html = relay_page(client)
    page = visible(html)

    assert MR_ANY in page and MR_MEANS in page
    assert POST_ANY in page and POST_MEANS in page

    choose(client, html, POST_ANY)
    confirm(client)
    rr = fresh_return(order)
    [parcel] = colissimo.parcels
    assert rr.current_label.carrier == "colissimo"
    assert rr.current_label.tracking_code == parcel.number
    assert mondial_relay.expeditions == []


def test_colissimo_alone_needs_no_point(client, order, colissimo):
    page = visible(relay_page(client))

    assert POST_ANY in page and POST_MEANS in page
    assert "No drop-off point found" not in page
    assert "Or choose a point near you" not in page


def test_no_point_nearby_is_never_a_dead_end(client, order, mondial_relay):
    mondial_relay.points = []  # the network has nothing around this postcode
    html = relay_page(client)
    page = visible(html)

    assert "No drop-off point found near 75011" in page
    assert "You can still send your parcel without choosing a point" in page
    choose(client, html, MR_ANY)
    confirm(client)
    assert mondial_relay.expeditions[0].params["COL_Rel"] == "AUTO"


def test_without_any_network_the_demo_list_is_unchanged(client, factory, order):
    factory.relay_point(name="Tabac Demo")
    db.session.commit()
    page = visible(relay_page(client))

    assert "How would you like to send your parcel?" not in page
    assert "Tabac Demo · Mondial Relay" in page

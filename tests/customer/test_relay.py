"""Choosing a relay point: near the shipping postcode, nearest first, only active ones."""

from __future__ import annotations

import re
import uuid

import pytest

from portal.extensions import db
from portal.models import RelayPoint
from tests.customer.pagekit import item_fields, lookup, page

PARIS_11 = (48.8594, 2.3787)  # postcode 75011 in the project's postcode table


def point(name: str, lat: float, lon: float, postcode="75011", city="Paris", active=True):
    row = RelayPoint(
        network="Mondial Relay",
        external_id=uuid.uuid4().hex[:8],
        name=name,
        address="1 rue Test",
        postcode=postcode,
        city=city,
        country="FR",
        latitude=lat,
        longitude=lon,
        opening_hours="Mon–Sat 9:00–19:00",
        active=active,
    )
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def points(factory):
    lat, lon = PARIS_11
    made = {
        "far": point("Far Tabac", lat + 0.09, lon, postcode="93300", city="Aubervilliers"),
        "near": point("Near Presse", lat, lon + 0.001),
        "closed": point("Closed Café", lat, lon, active=False),
        "mid": point("Mid Pressing", lat + 0.018, lon),
        "lyon": point("Lyon Relais", 45.7640, 4.8357, postcode="69001", city="Lyon"),
    }
    db.session.commit()
    return made


@pytest.fixture
def chosen_items(en, shop, points):
    assert lookup(en, shop.order).status_code == 302
    assert en.post("/return/items", data=item_fields(shop.line)).status_code == 302
    return shop


NAMES = "Near Presse|Tabac de la Roquette|Mid Pressing|Far Tabac|Lyon Relais|Closed Café"


def listed(shown) -> list[tuple[str, float]]:
    found = re.findall(rf"({NAMES}) · Mondial Relay · (\d+\.\d) km", shown.text)
    return [(name, float(km)) for name, km in found]


def test_prefilled_with_shipping_postcode_nearest_first(en, chosen_items):
    shown = page(en.get("/return/relay"))
    assert shown.control("postcode").attrs["value"] == "75011"
    names = listed(shown)
    assert [name for name, _km in names] == [
        "Near Presse",  # 0.1 km
        "Tabac de la Roquette",  # the shop fixture's point, 0.6 km
        "Mid Pressing",  # 2 km
        "Far Tabac",  # 10 km
    ]
    distances = [km for _name, km in names]
    assert distances == sorted(distances)
    assert distances[0] < 0.5 and 1.5 < distances[2] < 2.5 and 9 < distances[3] < 11
    assert "Closed Café" not in shown.text
    assert "Mon–Sat 9:00–19:00" in shown.text  # opening hours


def test_search_another_postcode(en, chosen_items):
    shown = page(en.get("/return/relay?postcode=69001"))
    assert shown.control("postcode").attrs["value"] == "69001"
    assert [name for name, _km in listed(shown)][0] == "Lyon Relais"


def test_unknown_postcode_says_so(en, chosen_items):
    shown = page(en.get("/return/relay?postcode=00000"))
    assert "No drop-off point found near 00000" in shown.text


def test_choose_a_point_then_review(en, chosen_items, points):
    shown = page(en.get("/return/relay"))
    forms = [f for f in shown.forms if f.method == "post"]
    near = next(f for f in forms if f.values()["relay_point_id"] == str(points["near"].id))
    response = en.post("/return/relay", data=near.values())
    assert response.headers["Location"] == "/return/review"
    assert "Near Presse" in page(en.get("/return/review")).text
    # coming back shows the choice
    again = page(en.get("/return/relay"))
    assert "Chosen — keep this one" in again.text


@pytest.mark.parametrize("which", ["closed", "unknown", "garbage", "missing"])
def test_inactive_or_unknown_point_is_refused(en, chosen_items, points, which):
    value = {
        "closed": str(points["closed"].id),
        "unknown": "999999",
        "garbage": "1 OR 1=1",
        "missing": None,
    }[which]
    data = {"relay_point_id": value} if value is not None else {}
    response = en.post("/return/relay", data=data)
    assert response.headers["Location"] == "/return/relay"
    assert "Please choose a drop-off point from the list." in page(en.get("/return/relay")).text
    # nothing was chosen: the review page sends the customer back to the relay page
    assert en.get("/return/review").headers["Location"] == "/return/relay"


def test_point_closed_after_choosing_is_caught_before_confirming(en, chosen_items, points):
    en.post("/return/relay", data={"relay_point_id": points["near"].id})
    points["near"].active = False
    db.session.commit()
    response = en.get("/return/review")
    assert response.headers["Location"] == "/return/relay"
    assert "Please choose a drop-off point from the list." in page(en.get("/return/relay")).text
    assert en.post("/return/confirm").headers["Location"] == "/return/relay"
    from portal.models import ReturnRequest

    assert db.session.query(ReturnRequest).count() == 0


def test_relay_page_needs_items_first(en, shop):
    lookup(en, shop.order)
    assert en.get("/return/relay").headers["Location"] == "/return/items"

"""Colissimo letterbox collection (retour en boîte aux lettres): offered where the account allows
it with the days the service proposes; the label asks for the collection and the carrier
confirms it (getListMailBoxPickingDates, generateLabel mailBoxPicking, planPickup)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from labels import Address
from portal import outbox
from portal.carriers.colissimo import ColissimoCarrier, Settings
from portal.extensions import db
from tests.carriers.test_colissimo_carrier import REQUEST
from tests.fakes.colissimo_server import FakeColissimo
from tests.integration.helpers import fresh_return, status_text, visible

SLOW_SECONDS = 3  # the fakes' "slow" mode (tests/carriers/conftest.py)

LETTERBOX = "We collect it from your letterbox"
POST_ANY = "Drop it at any post office or Colissimo pickup point"
SENDER = Address(name="Anne Martin", line1="12 rue des Lilas", postcode="69003", city="Lyon")


def carrier(fake: FakeColissimo, **config) -> ColissimoCarrier:
    settings = Settings.from_config(fake.config(COLISSIMO_LETTERBOX="1") | config)
    return ColissimoCarrier(settings, shop_name="Maison Test", today=date(2026, 12, 1))


# the carrier ---------------------------------------------------------------------------------
def test_the_service_proposes_collection_days_for_the_address(colissimo):
    days = carrier(colissimo).mailbox_picking_dates(SENDER)

    assert days == [date(2026, 12, 3), date(2026, 12, 4)]
    [body] = colissimo.bodies("picking_dates")
    assert body["contractNumber"] == "800000"
    assert body["sender"] == {
        "line2": "12 rue des Lilas", "city": "Lyon", "zipCode": "69003", "countryCode": "FR",
    }  # fmt: skip


@pytest.mark.parametrize(
    "setup",
    ["not-eligible", "account-without-it", "server-error", "slow", "abroad"],
)
def test_no_days_means_no_letterbox_option(colissimo, setup):
    c = carrier(colissimo)
    sender = SENDER
    if setup == "not-eligible":
        colissimo.no_mailbox_for.add("69003")
    elif setup == "account-without-it":
        c = carrier(colissimo, COLISSIMO_LETTERBOX="")
    elif setup == "server-error":
        colissimo.fail("picking_dates", "503")
    elif setup == "slow":
        colissimo.fail("picking_dates", "slow")
    else:
        sender = replace(SENDER, country="BE")

    assert c.mailbox_picking_dates(sender) == []
    asked = 0 if setup in ("account-without-it", "abroad") else 1
    assert colissimo.count("picking_dates") == asked


def test_the_label_asks_for_the_collection_and_it_is_confirmed(colissimo):
    issued = carrier(colissimo).issue_label(replace(REQUEST, collection_date=date(2026, 12, 3)))

    [parcel] = colissimo.parcels
    service = parcel.body["letter"]["service"]
    assert (service["productCode"], service["mailBoxPicking"]) == ("CORE", True)
    assert service["mailBoxPickingDate"] == "2026-12-03"
    [pickup] = colissimo.pickups
    assert (pickup.parcel_number, pickup.date) == (issued.tracking_code, "2026-12-03")
    assert pickup.body["sender"]["zipCode"] == "69003"


def test_a_label_without_collection_asks_for_none(colissimo):
    carrier(colissimo).issue_label(REQUEST)

    [parcel] = colissimo.parcels
    assert "mailBoxPicking" not in parcel.body["letter"]["service"]
    assert colissimo.count("pickup") == 0


def test_a_failed_confirmation_keeps_the_label(colissimo):
    colissimo.fail("pickup", "503")

    issued = carrier(colissimo).issue_label(replace(REQUEST, collection_date=date(2026, 12, 3)))

    assert issued.pdf.startswith(b"%PDF-") and len(colissimo.parcels) == 1
    assert colissimo.pickups == []
    assert issued.collection_booked is False


# the journey ---------------------------------------------------------------------------------
@pytest.fixture
def app_config(app_config: dict, colissimo: FakeColissimo) -> dict:
    return app_config | {"DEFAULT_LOCALE": "en"} | colissimo.config(COLISSIMO_LETTERBOX="1")


@pytest.fixture
def order(client, factory):
    order = factory.order(email="anne@example.fr", postcode="69003")
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


def letterbox_id(html: str) -> str:
    form = html.split('id="letterbox"', 1)[1]
    return form.split('name="relay_point_id" value="', 1)[1].split('"', 1)[0]


def test_the_customer_chooses_a_day_and_the_parcel_is_collected(client, order, colissimo, mailbox):
    html = client.get("/return/relay").get_data(as_text=True)
    page = visible(html)
    assert LETTERBOX in page and POST_ANY in page
    assert "Thursday, December 3, 2026" in page and "Friday, December 4, 2026" in page

    chosen = {"relay_point_id": letterbox_id(html), "collection_date": "2026-12-04"}
    assert client.post("/return/relay", data=chosen).status_code == 302
    review = status_text(client, "/return/review")
    assert f"{LETTERBOX} — Friday, December 4, 2026" in review
    response = client.post("/return/confirm")
    assert response.status_code == 302

    rr = fresh_return(order)
    assert rr.collection_date == date(2026, 12, 4) and rr.current_label.carrier == "colissimo"
    [parcel] = colissimo.parcels
    assert parcel.body["letter"]["service"]["mailBoxPickingDate"] == "2026-12-04"
    [pickup] = colissimo.pickups
    assert (pickup.parcel_number, pickup.date) == (rr.current_label.tracking_code, "2026-12-04")
    status = status_text(client, response.headers["Location"])
    assert "leave it in your letterbox on Friday, December 4, 2026" in status
    outbox.deliver_due()
    [mail] = mailbox.to("anne@example.fr")
    text = mail.get_body(("plain",)).get_content()
    assert "leave it in your letterbox on Dec 4, 2026" in " ".join(text.split()), text


def test_a_collection_colissimo_did_not_book_is_never_promised(client, order, colissimo, mailbox):
    html = client.get("/return/relay").get_data(as_text=True)
    chosen = {"relay_point_id": letterbox_id(html), "collection_date": "2026-12-04"}
    assert client.post("/return/relay", data=chosen).status_code == 302
    colissimo.fail("pickup", "503")
    response = client.post("/return/confirm")
    assert response.status_code == 302

    rr = fresh_return(order)
    assert rr.current_label is not None and rr.collection_date is None
    status = status_text(client, response.headers["Location"])
    assert "We could not book the collection from your letterbox" in status
    assert "any post office or Colissimo pickup point" in status
    assert "leave it in your letterbox" not in status
    outbox.deliver_due()
    [mail] = mailbox.to("anne@example.fr")
    text = mail.get_body(("plain",)).get_content()
    assert "any post office or Colissimo pickup point" in text
    assert "letterbox" not in text


@pytest.mark.parametrize("day", ["2026-12-25", "", "tomorrow"])
def test_a_day_the_service_did_not_propose_is_refused(client, order, colissimo, day):
    html = client.get("/return/relay").get_data(as_text=True)

    response = client.post(
        "/return/relay", data={"relay_point_id": letterbox_id(html), "collection_date": day}
    )

    assert response.headers["Location"].endswith("/return/relay")
    page = status_text(client, "/return/relay")
    assert "Please choose a collection day from the list." in page
    assert client.get("/return/review").headers["Location"].endswith("/return/relay")


def test_an_address_without_collection_still_has_the_post_office(client, order, colissimo):
    colissimo.no_mailbox_for.add("69003")

    page = status_text(client, "/return/relay")

    assert LETTERBOX not in page and POST_ANY in page


def test_a_full_import_of_colissimo_points_leaves_the_letterbox_option(client, order, colissimo):
    import io

    from portal.services.letterbox import letterbox_row
    from portal.services.relay_points import CSV_HEADER, import_relay_points

    row = letterbox_row()
    db.session.commit()
    csv = ",".join(CSV_HEADER) + "\nP1,Bureau de poste,1 rue X,69003,Lyon,FR,45.76,4.85,\n"
    report = import_relay_points(io.StringIO(csv), "Colissimo", full=True)
    db.session.commit()

    assert (report.created, report.rejected, report.deactivated) == (1, [], 0)
    db.session.refresh(row)
    assert row.active
    assert LETTERBOX in status_text(client, "/return/relay")

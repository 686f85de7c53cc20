"""The customer journey with Mondial Relay configured: the label is a real return expedition
from the (fake) Mondial Relay service, and every failure leaves the customer with a saved
return and never two expeditions for one return."""

from __future__ import annotations

import pytest
import requests

from portal.extensions import db
from portal.models import RelayPoint
from tests.integration.helpers import (
    actions,
    confirm_return,
    fresh_return,
    invoke,
    make_due,
    pdf_text,
    status_text,
)

SLOW_SECONDS = 1.5  # the fakes' "slow" mode (tests/carriers/conftest.py)
NETWORKS = ("mondial_relay",)  # configured for every test here

PREPARING = "Your label is being prepared — we'll e-mail it to you in a few minutes."


@pytest.fixture(autouse=True)
def points_are_mondial_relay_points(monkeypatch):
    """The factory's points get a number the fake network knows (its first point's)."""
    from tests.factories import Factory

    make = Factory.relay_point

    def relay_point(self, *args, **kwargs) -> RelayPoint:
        point = make(self, *args, **kwargs)
        point.external_id = "020811"
        return point

    monkeypatch.setattr(Factory, "relay_point", relay_point)


def test_the_journey_makes_a_mondial_relay_return_expedition(
    client, factory, mailbox, mondial_relay
):
    journey = confirm_return(client, factory)

    rr = journey.rr
    [expedition] = mondial_relay.expeditions
    label = rr.current_label
    assert rr.status == "label_issued"
    assert (label.carrier, label.tracking_code, label.external_id) == (
        "mondial_relay", expedition.number, expedition.number,
    )  # fmt: skip
    assert f"Tracking number: {expedition.number}" in journey.page
    p = expedition.params
    assert (p["ModeCol"], p["COL_Rel"], p["ModeLiv"], p["NDossier"]) == (
        "REL", "020811", "LCC", rr.rma,
    )  # fmt: skip
    assert p["Expe_CP"] == rr.sender_postcode and p["Expe_Mail"] == rr.contact_email
    assert p["Dest_CP"] == "93200"  # the warehouse (SHOP_ADDRESS)

    download = client.get(f"{journey.status_path}/label.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert expedition.number in pdf_text(download.data)
    assert mondial_relay.label_formats == ["10x15"]
    [attachment, slip] = mailbox.to(journey.order.email)[0].iter_attachments()
    assert slip.get_filename() == f"return-slip-{rr.rma}.pdf"
    assert attachment.get_content() == download.data


@pytest.mark.parametrize(
    ("mode", "created"),
    [
        pytest.param("stat:98", 0, id="stat-98-service-unavailable"),
        pytest.param("stat:99", 0, id="stat-99-generic-error"),
        pytest.param("500", 0, id="soap-fault-500"),
        pytest.param("503", 0, id="http-503"),
    ],
)
def test_a_service_failure_is_retried_and_makes_one_expedition(
    client, factory, mailbox, runner, mondial_relay, mode, created
):
    mondial_relay.fail("creation", mode)
    journey = confirm_return(client, factory)

    assert PREPARING in journey.page and "Tracking number" not in journey.page
    assert mailbox.kinds(journey.order.email) == ["label_pending"]
    rr = journey.rr
    assert (rr.status, rr.label_blocked, rr.label_attempts) == ("requested", False, 1)
    assert rr.label_error.startswith("Mondial Relay")
    assert len(mondial_relay.expeditions) == created

    make_due(rr)
    assert invoke(runner, "labels", "retry").output.strip() == "issued 1"
    rr = fresh_return(journey.order)
    [expedition] = mondial_relay.expeditions
    assert rr.status == "label_issued" and rr.current_label.tracking_code == expedition.number
    assert actions(rr) == ["return_requested", "label_failed", "label_issued"]
    invoke(runner, "labels", "retry")
    assert len(mondial_relay.expeditions) == 1


def test_a_label_whose_pdf_failed_is_fetched_again_for_the_same_expedition(
    client, factory, runner, mondial_relay
):
    mondial_relay.fail("label_pdf", "503")
    journey = confirm_return(client, factory)

    rr = journey.rr
    [expedition] = mondial_relay.expeditions
    assert rr.status == "requested" and rr.label_shipment_id == expedition.number

    make_due(rr)
    assert invoke(runner, "labels", "retry").output.strip() == "issued 1"
    rr = fresh_return(journey.order)
    assert rr.current_label.tracking_code == expedition.number
    assert len(mondial_relay.expeditions) == 1 and mondial_relay.count("labels") == 1


@pytest.mark.parametrize(("mode", "created"), [("slow", 1), ("drop_after", 1), ("drop", 0)])
def test_after_a_timeout_staff_check_before_any_second_expedition(
    client, factory, auth, runner, mondial_relay, mode, created
):
    mondial_relay.fail("creation", mode)
    journey = confirm_return(client, factory)

    assert PREPARING in journey.page
    rr = journey.rr
    assert (rr.status, rr.label_blocked) == ("requested", True)
    assert len(mondial_relay.expeditions) == created

    rr.label_next_attempt_at = None
    db.session.commit()
    assert invoke(runner, "labels", "retry").output.strip() == "issued 0"
    assert len(mondial_relay.expeditions) == created  # never created again by itself

    auth.login("support")
    home = status_text(client, "/staff/")
    assert rr.rma in home and "it may have created the expedition" in home
    assert "Check the Mondial Relay account for this RMA" in home


def test_a_postcode_the_network_rejects_blocks_with_a_clear_reason(
    client, factory, auth, runner, mondial_relay
):
    mondial_relay.fail("creation", "stat:36")
    journey = confirm_return(client, factory)

    rr = journey.rr
    assert (rr.status, rr.label_blocked) == ("requested", True)
    assert "STAT 36 (invalid sender postcode)" in rr.label_error
    assert mondial_relay.expeditions == []
    auth.login("support")
    assert "invalid sender postcode" in status_text(client, f"/staff/returns/{rr.rma}")


def test_the_label_url_is_fetched_without_our_credentials(client, factory, mondial_relay):
    confirm_return(client, factory)

    [expedition] = mondial_relay.expeditions
    url = (
        f"{mondial_relay.base_url}/ww2/PDF/StickerMaker2.aspx?ens=BDTEST1311"
        f"&expedition={expedition.number}&lg=FR&format=10x15"
    )
    assert requests.get(url, timeout=5).content.startswith(b"%PDF-")


def test_a_postcode_the_network_rejects_tells_the_customer_what_to_fix(
    client, factory, mondial_relay
):
    mondial_relay.fail("creation", "stat:36")
    journey = confirm_return(client, factory)

    page = status_text(client, journey.status_path)
    rr = journey.rr
    assert "The carrier did not accept your address" in page
    assert rr.sender_postcode in page and "most often because of the postcode" in page
    assert "service@maison-lin.example" in page and rr.rma in page
    assert PREPARING in page  # and still no label, nothing pretends otherwise
    assert "Download the label" not in page


def test_a_point_the_network_refuses_lets_the_customer_choose_another(
    client, factory, runner, mondial_relay
):
    mondial_relay.fail("creation", "stat:70")
    journey = confirm_return(client, factory)

    page = status_text(client, journey.status_path)
    assert "Your drop-off point no longer takes parcels" in page
    assert mondial_relay.expeditions == []
    other = RelayPoint(
        network="Mondial Relay", external_id="024313", name="PRESSING OBERKAMPF",
        address="12 RUE OBERKAMPF", postcode="75011", city="PARIS", country="FR",
        latitude=48.8650, longitude=2.3720,
    )  # fmt: skip
    db.session.add(other)
    db.session.commit()
    client.get(f"{journey.status_path}/relay")
    response = client.post(f"{journey.status_path}/relay", data={"relay_point_id": other.id})
    assert response.status_code == 302
    assert journey.rr.label_blocked is False
    invoke(runner, "labels", "retry")

    rr = journey.rr
    [expedition] = mondial_relay.expeditions
    assert rr.status == "label_issued" and expedition.params["COL_Rel"] == "024313"
    page = status_text(client, journey.status_path)
    assert "Your drop-off point no longer takes parcels" not in page

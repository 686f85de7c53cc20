"""Returned to sender, failure and cancelled on the customer's page and as a staff queue; the
timeline dated by the scan itself; events for codes we never issued acknowledged, not kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import CarrierEvent
from tests.fakes.easypost_server import sign_webhook, tracker_event
from tests.integration.helpers import confirm_return, fresh_return, status_text

SECRET = "whsec-problems"
TITLES = {
    "return_to_sender": "Your parcel is being sent back to you",
    "failure": "The carrier reports a problem with your parcel",
    "cancelled": "The carrier cancelled this shipment",
}


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return app_config | {"DEFAULT_LOCALE": "en", "EASYPOST_WEBHOOK_SECRET": SECRET}


def post(client, body: bytes):
    return client.post("/webhooks/easypost", data=body, headers=sign_webhook(body, SECRET))


@pytest.mark.parametrize("status", sorted(TITLES))
def test_a_problem_shows_on_the_status_page_and_in_a_staff_queue(client, factory, auth, status):
    journey = confirm_return(client, factory)
    code = journey.rr.current_label.tracking_code
    post(client, tracker_event(code, "in_transit", "evt_1", occurred_at="2026-11-20T08:00:00Z"))
    post(client, tracker_event(code, status, "evt_2", occurred_at="2026-11-21T16:30:00Z"))

    page = status_text(client, journey.status_path)
    assert TITLES[status] in page
    assert "service@maison-lin.example" in page  # who to write to
    auth.login("warehouse")
    home = status_text(client, "/staff/")
    assert "Parcels the carrier could not bring" in home
    assert journey.rr.rma in home.split("Parcels the carrier could not bring")[1]


def test_a_later_scan_settles_the_problem(client, factory, auth):
    journey = confirm_return(client, factory)
    code = journey.rr.current_label.tracking_code
    post(client, tracker_event(code, "failure", "evt_1", occurred_at="2026-11-20T08:00:00Z"))
    post(client, tracker_event(code, "in_transit", "evt_2", occurred_at="2026-11-21T09:00:00Z"))

    page = status_text(client, journey.status_path)
    assert TITLES["failure"] not in page
    auth.login("warehouse")
    assert "Parcels the carrier could not bring" not in status_text(client, "/staff/")


def test_an_event_heard_late_is_ordered_by_when_the_scan_happened(client, factory):
    journey = confirm_return(client, factory)
    code = journey.rr.current_label.tracking_code
    # the in-transit scan happened after the failure, but we hear of it first
    post(client, tracker_event(code, "in_transit", "evt_2", occurred_at="2026-11-21T09:00:00Z"))
    post(client, tracker_event(code, "failure", "evt_1", occurred_at="2026-11-20T08:00:00Z"))

    assert TITLES["failure"] not in status_text(client, journey.status_path)


def test_the_timeline_shows_when_the_scan_happened(client, factory):
    journey = confirm_return(client, factory)
    code = journey.rr.current_label.tracking_code
    post(client, tracker_event(code, "in_transit", "evt_1", occurred_at="2026-11-20T08:05:00Z"))

    page = status_text(client, journey.status_path)
    assert "11/20/26, 8:05 AM — The carrier picked up your parcel." in page
    [event] = db.session.scalars(select(CarrierEvent)).all()
    assert event.occurred_at.isoformat() == "2026-11-20T08:05:00+00:00"


def test_events_for_codes_we_never_issued_are_acknowledged_and_not_kept(client, factory):
    journey = confirm_return(client, factory)

    first = post(client, tracker_event("ZZ0000000000FR", "in_transit", "evt_stray"))
    again = post(client, tracker_event("ZZ0000000000FR", "in_transit", "evt_stray"))

    assert (first.status_code, first.json["status"]) == (200, "unknown")
    assert (again.status_code, again.json["status"]) == (200, "unknown")
    assert db.session.scalars(select(CarrierEvent)).all() == []
    assert fresh_return(journey.order).status == "label_issued"

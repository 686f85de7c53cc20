"""POST /webhooks/easypost: signed tracker events drive the return's timeline, once each."""

from __future__ import annotations

import json
import logging
import threading

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import CarrierEvent
from tests.fakes.easypost_server import sign_webhook, tracker_event
from tests.integration.conftest import WEBHOOK_SECRET
from tests.integration.helpers import actions, confirm_return, fresh_return, status_text

URL = "/webhooks/easypost"
ON_ITS_WAY = "Your parcel is on its way to us. We'll e-mail you when it arrives."
ARRIVING = "The carrier delivered your parcel to our warehouse."


def post_event(client, body: bytes, headers: dict[str, str] | None = None):
    headers = sign_webhook(body, WEBHOOK_SECRET) if headers is None else headers
    return client.post(URL, data=body, headers=headers)


def stored_events() -> list[CarrierEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(CarrierEvent).order_by(CarrierEvent.id)))


@pytest.fixture
def journey(client, factory, mailbox, easypost):
    """A return whose label was bought through EasyPost; the mailbox emptied."""
    journey = confirm_return(client, factory)
    assert journey.rr.status == "label_issued"
    mailbox.clear()
    return journey


def test_first_scan_puts_the_parcel_in_transit_and_tells_the_customer(client, journey, mailbox):
    code = journey.rr.current_label.tracking_code
    response = post_event(client, tracker_event(code, "in_transit", "evt_1"))

    assert response.status_code == 200
    assert response.json == {"status": "applied", "event": "evt_1"}
    rr = journey.rr
    assert rr.status == "in_transit"
    assert actions(rr)[-1] == "carrier_scan"
    [event] = stored_events()
    assert (event.event_id, event.tracking_code, event.status) == ("evt_1", code, "in_transit")
    assert (event.provider, event.matched) == ("easypost", True)
    assert mailbox.kinds(journey.order.email) == ["in_transit"]
    page = status_text(client, journey.status_path)
    assert ON_ITS_WAY in page
    assert "The carrier picked up your parcel." in page


def forged(case: str, body: bytes) -> tuple[bytes, dict[str, str]]:
    """A request that EasyPost did not sign as it is."""
    if case == "tampered-body":  # signed, then changed on the way
        return body.replace(b"in_transit", b"delivered"), sign_webhook(body, WEBHOOK_SECRET)
    if case == "missing-header":
        return body, {"Content-Type": "application/json"}
    if case == "wrong-secret":
        return body, sign_webhook(body, "not-our-secret")
    return body, {"X-Hmac-Signature": "hmac-sha256-hex=00"}  # garbage


@pytest.mark.parametrize("case", ["tampered-body", "missing-header", "wrong-secret", "garbage"])
def test_an_event_not_signed_by_easypost_is_refused_and_not_stored(client, journey, mailbox, case):
    body, headers = forged(
        case, tracker_event(journey.rr.current_label.tracking_code, "in_transit")
    )

    response = client.post(URL, data=body, headers=headers)

    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"
    assert stored_events() == []
    assert journey.rr.status == "label_issued"
    assert actions(journey.rr)[-1] == "label_issued"
    assert mailbox.kinds(journey.order.email) == []


def test_without_a_configured_secret_webhooks_are_refused(app, client, journey):
    body = tracker_event(journey.rr.current_label.tracking_code, "in_transit")
    headers = sign_webhook(body, WEBHOOK_SECRET)
    app.config["EASYPOST_WEBHOOK_SECRET"] = None

    response = client.post(URL, data=body, headers=headers)

    assert response.status_code == 503
    assert stored_events() == []
    assert journey.rr.status == "label_issued"


def test_a_replayed_event_changes_nothing(client, journey, mailbox):
    body = tracker_event(journey.rr.current_label.tracking_code, "in_transit", "evt_twice")

    first, second = post_event(client, body), post_event(client, body)

    assert (first.status_code, first.json["status"]) == (200, "applied")
    assert (second.status_code, second.json["status"]) == (200, "duplicate")
    assert len(stored_events()) == 1
    assert actions(journey.rr).count("carrier_scan") == 1
    assert mailbox.kinds(journey.order.email) == ["in_transit"]


def test_an_unknown_tracking_code_is_acknowledged_logged_and_not_kept(client, journey, caplog):
    caplog.set_level(logging.INFO)
    response = post_event(client, tracker_event("ZZ0000000000FR", "in_transit", "evt_stray"))

    assert response.status_code == 200
    assert response.json["status"] == "unknown"
    assert stored_events() == []
    assert "unknown tracking code ZZ0000000000FR" in caplog.text
    assert journey.rr.status == "label_issued"
    # and a replay of it is acknowledged the same way, still not kept
    again = post_event(client, tracker_event("ZZ0000000000FR", "in_transit", "evt_stray"))
    assert (again.status_code, again.json["status"]) == (200, "unknown")
    assert stored_events() == []


def test_delivered_shows_the_parcel_arriving_at_the_warehouse(client, journey, mailbox):
    code = journey.rr.current_label.tracking_code
    post_event(client, tracker_event(code, "in_transit", "evt_a"))
    response = post_event(client, tracker_event(code, "delivered", "evt_b"))
    # EasyPost sends more updates once delivered: the arrival is on the timeline once
    post_event(client, tracker_event(code, "delivered", "evt_c"))

    assert response.json["status"] == "applied"
    rr = journey.rr
    assert rr.status == "in_transit"  # received is the warehouse's scan, not the carrier's
    assert actions(rr).count("arriving_at_warehouse") == 1
    assert mailbox.kinds(journey.order.email) == ["in_transit"]
    page = status_text(client, journey.status_path)
    assert page.count(ARRIVING) == 1


def test_delivered_before_any_scan_is_both_steps_at_once(client, journey, mailbox):
    code = journey.rr.current_label.tracking_code
    response = post_event(client, tracker_event(code, "delivered", "evt_late"))

    assert response.json["status"] == "applied"
    rr = journey.rr
    assert rr.status == "in_transit"
    assert actions(rr)[-2:] == ["carrier_scan", "arriving_at_warehouse"]
    assert mailbox.kinds(journey.order.email) == ["in_transit"]


def test_events_that_are_not_tracker_updates_are_acknowledged_and_ignored(client, journey):
    pre_transit = post_event(
        client, tracker_event(journey.rr.current_label.tracking_code, "pre_transit")
    )
    other = json.dumps({"id": "evt_x", "object": "Event", "description": "batch.created"}).encode()
    not_json = b"hello"

    assert pre_transit.json["status"] == "ignored"
    assert post_event(client, other).json == {"status": "ignored"}
    assert post_event(client, not_json).json == {"status": "ignored"}
    assert db.session.scalar(select(func.count(CarrierEvent.id))) == 1  # the pre_transit one
    assert fresh_return(journey.order).status == "label_issued"


def test_the_same_event_delivered_twice_at_once_is_applied_once(app, client, journey, mailbox):
    body = tracker_event(journey.rr.current_label.tracking_code, "in_transit", "evt_race")
    headers = sign_webhook(body, WEBHOOK_SECRET)
    db.session.rollback()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def deliver() -> None:
        start.wait()
        response = app.test_client().post(URL, data=body, headers=headers)
        outcomes.append(f"{response.status_code} {response.json['status']}")

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["200 applied", "200 duplicate"]
    assert len(stored_events()) == 1
    assert actions(journey.rr).count("carrier_scan") == 1

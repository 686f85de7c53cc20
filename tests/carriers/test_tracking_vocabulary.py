"""One tracking vocabulary: a parcel held at a point is on its way, not at the warehouse."""

from __future__ import annotations

import pytest

from portal.carriers.base import NEEDS_ACTION, TRACKING_STATUSES
from portal.carriers.colissimo_tracking import EVENT_STATUS
from portal.carriers.easypost_webhook import TRACKER_STATUSES
from portal.carriers.mondial_relay_tracking import STAT_STATUS
from tests.fakes.easypost_server import sign_webhook, tracker_event
from tests.integration.helpers import actions, confirm_return, fresh_return, status_text

SECRET = "whsec-vocabulary"
ON_ITS_WAY = "Your parcel is on its way to us."
ARRIVING = "The carrier delivered your parcel to our warehouse."


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return app_config | {"DEFAULT_LOCALE": "en", "EASYPOST_WEBHOOK_SECRET": SECRET}


def test_every_carrier_maps_onto_our_vocabulary():
    for mapping in (TRACKER_STATUSES, STAT_STATUS, EVENT_STATUS):
        assert set(mapping.values()) <= set(TRACKING_STATUSES)
    assert set(NEEDS_ACTION) <= set(TRACKING_STATUSES)
    assert TRACKER_STATUSES["available_for_pickup"] == "held_at_point"
    assert EVENT_STATUS["AG1"] == "held_at_point"  # waiting at a post office counter
    assert TRACKER_STATUSES["return_to_sender"] == EVENT_STATUS["RE1"] == "returned_to_sender"


def test_held_at_a_point_is_on_its_way_not_delivered(client, factory, mailbox):
    journey = confirm_return(client, factory)
    code = journey.rr.current_label.tracking_code
    body = tracker_event(code, "available_for_pickup", "evt_held")

    response = client.post("/webhooks/easypost", data=body, headers=sign_webhook(body, SECRET))

    assert response.status_code == 200
    rr = fresh_return(journey.order)
    assert rr.status == "in_transit"
    assert "arriving_at_warehouse" not in actions(rr)
    page = status_text(client, journey.status_path)
    assert ON_ITS_WAY in page and ARRIVING not in page

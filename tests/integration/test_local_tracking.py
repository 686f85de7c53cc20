"""The local relay carrier gets the same events from `carrier event TRACKING STATUS`, so the
demo can show the whole timeline."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import CarrierEvent
from tests.htmlkit import page, squash
from tests.integration.helpers import actions, confirm_return, fresh_return, invoke


def done_steps(client, path: str) -> list[str]:
    """The titles of the timeline's done steps (without their dates)."""
    shown = page(client.get(path))
    return [squash(li.find(string=True, recursive=False)) for li in shown.soup.select("li.done")]


def test_carrier_events_drive_the_demo_timeline(client, factory, runner, mailbox):
    journey = confirm_return(client, factory)
    code = journey.rr.current_label.tracking_code
    assert journey.rr.current_label.carrier == "local"
    assert done_steps(client, journey.status_path) == ["Return requested", "Label ready"]

    assert invoke(runner, "carrier", "event", code.lower(), "in_transit").output == "applied\n"
    assert fresh_return(journey.order).status == "in_transit"
    assert done_steps(client, journey.status_path) == [
        "Return requested",
        "Label ready",
        "Parcel dropped off",
    ]

    assert invoke(runner, "carrier", "event", code, "delivered").output == "applied\n"
    page = client.get(journey.status_path).get_data(as_text=True)
    assert "The carrier picked up your parcel." in page
    assert "The carrier delivered your parcel to our warehouse." in page
    assert actions(journey.rr)[-2:] == ["carrier_scan", "arriving_at_warehouse"]

    invoke(runner, "outbox", "deliver")
    assert mailbox.kinds(journey.order.email) == ["confirmation", "in_transit"]


def test_a_replayed_local_event_changes_nothing(factory, runner):
    rr = factory.return_()
    code = rr.current_label.tracking_code
    first = invoke(runner, "carrier", "event", code, "in_transit", "--event-id", "demo-1")
    second = invoke(runner, "carrier", "event", code, "in_transit", "--event-id", "demo-1")
    assert (first.output, second.output) == ("applied\n", "duplicate\n")
    assert actions(fresh_return(rr.order)).count("carrier_scan") == 1


def test_an_unknown_code_is_not_kept_and_the_operator_told(factory, runner):
    factory.return_()
    result = invoke(runner, "carrier", "event", "RT000000000FR", "in_transit", ok=False)
    assert result.exit_code == 1
    assert "no label has the tracking code RT000000000FR" in result.output
    db.session.rollback()
    assert db.session.scalars(select(CarrierEvent)).all() == []

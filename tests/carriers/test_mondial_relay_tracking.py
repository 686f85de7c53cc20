"""Tracking a Mondial Relay return by polling WSI2_TracingColisDetaille (no webhooks)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.carriers.mondial_relay_client import Settings
from portal.carriers.mondial_relay_tracking import TracingUnavailable, trace
from portal.extensions import db
from portal.models import CarrierEvent, TrackingPoll
from portal.models.base import utcnow
from tests.fakes.mondial_relay_server import FakeMondialRelay, Scan
from tests.integration.helpers import actions, confirm_return, fresh_return, invoke

NETWORKS = ("mondial_relay",)  # configured for every test here


@pytest.fixture(autouse=True)
def points_are_mondial_relay_points(monkeypatch):
    from tests.factories import Factory

    make = Factory.relay_point

    def relay_point(self, *args, **kwargs):
        point = make(self, *args, **kwargs)
        point.external_id = "020811"
        return point

    monkeypatch.setattr(Factory, "relay_point", relay_point)


DROPPED = Scan("PRISE EN CHARGE EN POINT RELAIS", "01/12/26", "10:15", "PARIS", "020811", "FR")
HUB = Scan("COLIS EN COURS D'ACHEMINEMENT", "02/12/26", "06:40", "AGENCE DE BONNEUIL")
DELIVERED = Scan("COLIS LIVRE AU DESTINATAIRE", "03/12/26", "11:30", "SAINT-DENIS")


def test_scans_become_updates_with_their_own_date_and_place(mondial_relay):
    settings = Settings.from_config(mondial_relay.config())
    number = _expedition(mondial_relay)
    mondial_relay.scan(number, 81, DROPPED, HUB)

    first, second = trace(settings, number)

    assert (first.status, second.status) == ("in_transit", "in_transit")
    assert first.occurred_at == datetime(2026, 12, 1, 9, 15, tzinfo=UTC)  # 10:15 in Paris
    assert first.location == "PARIS — Point Relais FR-020811"
    assert first.description == "PRISE EN CHARGE EN POINT RELAIS"
    assert second.location == "AGENCE DE BONNEUIL"
    assert first.tracking_code == number and first.event_id != second.event_id
    mondial_relay.scan(number, 82, DROPPED, HUB, DELIVERED)
    again = trace(settings, number)
    assert [u.event_id for u in again[:2]] == [first.event_id, second.event_id]  # stable ids
    assert again[-1].status == "delivered"


@pytest.mark.parametrize(("stat", "status"), [(80, "pre_transit"), (83, "failure")])
def test_the_stat_is_the_state_of_the_latest_scan(mondial_relay, stat, status):
    number = _expedition(mondial_relay)
    mondial_relay.scan(number, stat, DROPPED)

    [only] = trace(Settings.from_config(mondial_relay.config()), number)

    assert only.status == status


def test_an_expedition_not_registered_yet_has_no_scans(mondial_relay):
    assert trace(Settings.from_config(mondial_relay.config()), "99999999") == []  # STAT 94


@pytest.mark.parametrize("mode", ["503", "drop", "stat:98", "slow"])
def test_a_tracing_failure_is_tried_again_later(mondial_relay, mode):
    mondial_relay.slow_seconds = 1.5
    number = _expedition(mondial_relay)
    mondial_relay.fail("tracing", mode)

    with pytest.raises(TracingUnavailable):
        trace(Settings.from_config(mondial_relay.config()), number)


# the worker ---------------------------------------------------------------------------------------
def _age(rr, minutes: int = 31) -> None:
    rr.current_label.issued_at = utcnow() - timedelta(minutes=minutes)
    db.session.commit()


def _poll(runner) -> str:
    return invoke(runner, "tracking", "poll").output.strip()


def _due_now(label_id: int) -> None:
    db.session.get(TrackingPoll, label_id).next_poll_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_the_worker_feeds_the_scans_to_the_return(client, factory, mailbox, runner, mondial_relay):
    journey = confirm_return(client, factory)
    rr = journey.rr
    number = rr.current_label.tracking_code
    assert _poll(runner) == "polled 0, new scans 0, failed 0"  # the label is brand new
    _age(rr)

    mondial_relay.scan(number, 81, DROPPED)
    assert _poll(runner) == "polled 1, new scans 1, failed 0"
    rr = fresh_return(journey.order)
    assert rr.status == "in_transit"
    invoke(runner, "outbox", "deliver")
    assert mailbox.kinds(journey.order.email) == ["confirmation", "in_transit"]
    [event] = db.session.scalars(select(CarrierEvent)).all()
    assert (event.provider, event.tracking_code, event.status) == (
        "mondial_relay", number, "in_transit",
    )  # fmt: skip

    assert _poll(runner) == "polled 0, new scans 0, failed 0"  # not due again yet
    poll = db.session.get(TrackingPoll, rr.current_label.id)
    assert poll.interval_minutes == 30
    assert poll.next_poll_at > utcnow() + timedelta(minutes=29)

    _due_now(rr.current_label.id)
    assert _poll(runner) == "polled 1, new scans 0, failed 0"  # nothing new: back off
    db.session.expire_all()
    assert db.session.get(TrackingPoll, rr.current_label.id).interval_minutes == 60

    mondial_relay.scan(number, 82, DROPPED, HUB, DELIVERED)
    _due_now(rr.current_label.id)
    assert _poll(runner) == "polled 1, new scans 2, failed 0"
    rr = fresh_return(journey.order)
    assert rr.status == "in_transit"  # received is the warehouse's own scan
    assert actions(rr).count("arriving_at_warehouse") == 1
    db.session.expire_all()
    assert db.session.get(TrackingPoll, rr.current_label.id).interval_minutes == 30


def test_a_failed_poll_is_kept_and_tried_again(client, factory, runner, mondial_relay):
    journey = confirm_return(client, factory)
    rr = journey.rr
    _age(rr)
    mondial_relay.fail("tracing", "503")

    assert _poll(runner) == "polled 1, new scans 0, failed 1"
    poll = db.session.get(TrackingPoll, rr.current_label.id)
    assert poll.last_error.startswith("Mondial Relay tracing of")
    assert fresh_return(journey.order).status == "label_issued"

    mondial_relay.scan(rr.current_label.tracking_code, 81, DROPPED)
    _due_now(rr.current_label.id)
    assert _poll(runner) == "polled 1, new scans 1, failed 0"
    assert fresh_return(journey.order).status == "in_transit"


def test_only_open_returns_are_polled(client, factory, runner, mondial_relay):
    journey = confirm_return(client, factory)
    rr = journey.rr
    _age(rr)
    rr.status = "received"
    db.session.commit()

    assert _poll(runner) == "polled 0, new scans 0, failed 0"
    assert mondial_relay.count("tracing") == 0


def _expedition(fake: FakeMondialRelay) -> str:
    from labels import Address, LabelItem
    from portal.carriers.base import LabelRequest
    from portal.carriers.mondial_relay import MondialRelayCarrier

    request = LabelRequest(
        rma="R-TEST-1",
        sender=Address(name="A B", line1="1 rue X", postcode="75011", city="Paris"),
        recipient=Address(name="Shop", line1="2 rue Y", postcode="93200", city="Saint-Denis"),
        relay_point=None,
        items=(LabelItem("SKU", 1),),
        weight_grams=500,
        status_url="https://x",
        locale="fr",
        valid_days=14,
    )
    return MondialRelayCarrier.from_config(fake.config()).issue_label(request).tracking_code

"""The customer journey with EASYPOST_API_KEY set: the label is bought through EasyPost (the fake
server on loopback), and every failure leaves the customer with a saved return, an e-mail, and a
label later — never two purchases for one return."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from portal.extensions import db
from portal.models.base import utcnow
from tests.integration.helpers import (
    actions,
    confirm_return,
    fresh_return,
    invoke,
    make_due,
    pdf_text,
    status_text,
)

PREPARING = "Your label is being prepared — we'll e-mail it to you in a few minutes."


def test_journey_buys_the_label_through_easypost(client, factory, mailbox, easypost):
    journey = confirm_return(client, factory)

    rr = journey.rr
    [purchase] = easypost.purchases
    assert (purchase.carrier, purchase.service) == ("ColisPrive", "Relais")  # the cheapest
    label = rr.current_label
    assert rr.status == "label_issued"
    assert (label.carrier, label.external_id) == ("easypost", purchase.shipment_id)
    shipment = easypost.shipments[purchase.shipment_id]
    assert shipment["reference"] == rr.rma
    assert label.tracking_code == shipment["tracking_code"]
    assert f"Tracking number: {label.tracking_code}" in journey.page
    assert rr.label_attempts == 0 and rr.label_shipment_id is None

    download = client.get(f"{journey.status_path}/label.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    fake_pdf = requests.get(f"{easypost.base_url}/labels/{purchase.shipment_id}.pdf", timeout=5)
    assert pdf_text(download.data) == pdf_text(fake_pdf.content)
    assert label.tracking_code in pdf_text(download.data)

    assert mailbox.kinds(journey.order.email) == ["confirmation"]
    [attachment, _slip] = mailbox.to(journey.order.email)[0].iter_attachments()
    assert attachment.get_filename() == f"label-{rr.rma}.pdf"
    assert attachment.get_content() == download.data


# endpoint, mode, purchases the fake has seen once the customer got the "pending" page
TRANSIENT = [
    pytest.param("buy", "slow", 1, id="buy-processed-but-timed-out"),
    pytest.param("buy", "drop_after", 1, id="buy-processed-then-connection-dropped"),
    pytest.param("buy", "drop", 0, id="buy-connection-dropped"),
    pytest.param("buy", "500", 0, id="buy-500"),
    pytest.param("buy", "503", 0, id="buy-503"),
    pytest.param("create", "500", 0, id="create-500"),
    pytest.param("create", "drop", 0, id="create-connection-dropped"),
]


@pytest.mark.parametrize(("endpoint", "mode", "bought"), TRANSIENT)
def test_a_failed_purchase_is_retried_later_and_bought_once(
    client, factory, mailbox, runner, easypost, endpoint, mode, bought
):
    easypost.fail(endpoint, mode)
    journey = confirm_return(client, factory)

    # the customer: a saved return, "being prepared", and an e-mail saying so
    assert PREPARING in journey.page and "Tracking number" not in journey.page
    assert mailbox.kinds(journey.order.email) == ["label_pending"]
    # the database: pending, with what to look up and when to try again
    rr = journey.rr
    assert (rr.status, rr.current_label, rr.label_blocked) == ("requested", None, False)
    assert rr.label_attempts == 1 and rr.label_error.startswith("EasyPost")
    assert rr.label_next_attempt_at > utcnow()
    created = easypost.count("create")
    assert (rr.label_shipment_id is not None) == (endpoint == "buy")
    assert len(easypost.purchases) == bought

    invoke(runner, "labels", "retry")  # not due yet: nothing happens
    assert fresh_return(journey.order).status == "requested"
    assert easypost.count("create") == created

    make_due(fresh_return(journey.order))
    assert invoke(runner, "labels", "retry").output.strip() == "issued 1"

    rr = fresh_return(journey.order)
    [purchase] = easypost.purchases
    assert rr.status == "label_issued"
    assert rr.current_label.external_id == purchase.shipment_id
    assert rr.label_shipment_id is None and rr.label_next_attempt_at is None
    assert len(easypost.shipments) == 1  # a shipment from the first attempt was reused
    assert actions(rr) == ["return_requested", "label_failed", "label_issued"]
    invoke(runner, "outbox", "deliver")
    assert mailbox.kinds(journey.order.email) == ["label_pending", "confirmation"]
    [attachment, _slip] = mailbox.to(journey.order.email)[1].iter_attachments()
    assert rr.current_label.tracking_code in pdf_text(attachment.get_content())
    page = status_text(client, journey.status_path)
    assert f"Tracking number: {rr.current_label.tracking_code}" in page

    invoke(runner, "labels", "retry")  # nothing left to do
    assert len(easypost.purchases) == 1


def test_rate_limited_purchase_waits_for_retry_after(client, factory, mailbox, runner, easypost):
    easypost.fail("buy", "429")
    easypost.retry_after = 60  # long enough that a slow machine cannot reach it by chance
    before = utcnow()
    journey = confirm_return(client, factory)

    rr = journey.rr
    assert PREPARING in journey.page
    assert mailbox.kinds(journey.order.email) == ["label_pending"]
    assert rr.status == "requested" and not rr.label_blocked
    assert "rate limited" in rr.label_error
    assert rr.label_next_attempt_at >= before + timedelta(seconds=60)
    assert rr.label_next_attempt_at <= utcnow() + timedelta(seconds=61)
    buys = easypost.count("buy")

    assert invoke(runner, "labels", "retry").output.strip() == "issued 0"
    assert easypost.count("buy") == buys  # not asked again before Retry-After

    make_due(fresh_return(journey.order))
    assert invoke(runner, "labels", "retry").output.strip() == "issued 1"
    assert fresh_return(journey.order).status == "label_issued"
    assert len(easypost.purchases) == 1


def test_payment_required_is_not_retried_and_blocks_the_label(
    client, factory, mailbox, runner, easypost
):
    easypost.fail("buy", "402")
    journey = confirm_return(client, factory)

    rr = journey.rr
    assert PREPARING in journey.page
    assert mailbox.kinds(journey.order.email) == ["label_pending"]
    assert (rr.status, rr.label_blocked, rr.label_next_attempt_at) == ("requested", True, None)
    assert "needs funds" in rr.label_error

    rr.label_next_attempt_at = utcnow() - timedelta(hours=1)  # even when "due"
    db.session.commit()
    assert invoke(runner, "labels", "retry").output.strip() == "issued 0"
    invoke(runner, "outbox", "deliver")
    rr = fresh_return(journey.order)
    assert (rr.status, rr.label_blocked, rr.label_attempts) == ("requested", True, 1)
    assert easypost.purchases == [] and easypost.count("buy") == 1
    assert mailbox.kinds(journey.order.email) == ["label_pending"]  # no second "pending"

    # staff funded the account: unblock and the label is bought
    output = invoke(runner, "labels", "retry", "--unblock").output
    assert "unblocked 1" in output and "issued 1" in output
    assert fresh_return(journey.order).status == "label_issued"
    assert len(easypost.purchases) == 1


def test_a_return_whose_first_attempt_never_finished_is_taken_over(
    factory, runner, mailbox, easypost
):
    """The web process died during the carrier call: nothing recorded, not even a failure."""
    rr = factory.return_(with_label=False)
    rr.created_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    assert invoke(runner, "labels", "retry").output.strip() == "issued 1"
    rr = fresh_return(rr.order)
    assert rr.status == "label_issued" and rr.current_label.carrier == "easypost"
    assert len(easypost.purchases) == 1


def test_a_return_being_confirmed_right_now_is_left_alone(factory, runner, easypost):
    rr = factory.return_(with_label=False)  # created a moment ago: its request is still running
    assert invoke(runner, "labels", "retry").output.strip() == "issued 0"
    assert fresh_return(rr.order).status == "requested"
    assert easypost.purchases == []


def test_a_claimed_return_is_not_taken_by_a_second_worker(factory, easypost):
    from portal.services.labels import _claim

    rr = factory.return_(with_label=False)
    make_due(rr)
    assert _claim(rr.id) is True
    assert _claim(rr.id) is False  # the other worker's turn comes after the lease
    assert fresh_return(rr.order).label_next_attempt_at > utcnow() + timedelta(minutes=4)

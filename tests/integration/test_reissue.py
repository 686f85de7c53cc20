"""From the status page, before drop-off: another relay point, a new label; the old label is
voided (at the carrier too). Once the parcel is on its way, nothing changes."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent
from tests.integration.helpers import (
    actions,
    confirm_return,
    fresh_return,
    invoke,
    make_due,
    pdf_text,
    visible,
)

NEW_LABEL = "Here is your new label. The previous one no longer works."
TOO_LATE = "A new label can only be issued before the parcel is sent."


def choose_point(client, journey, point):
    response = client.post(
        f"{journey.status_path}/relay", data={"relay_point_id": point.id}, follow_redirects=True
    )
    assert response.status_code == 200
    return visible(response.get_data(as_text=True))


def other_point(factory):
    point = factory.relay_point(name="Boulangerie Voltaire")
    db.session.commit()
    return point


def test_another_relay_point_gives_a_new_label_and_voids_the_old(client, factory, runner, mailbox):
    journey = confirm_return(client, factory)
    old = journey.rr.current_label.tracking_code
    point = other_point(factory)
    offer = visible(client.get(f"{journey.status_path}/relay?postcode=75011").get_data(True))
    assert point.name in offer and journey.point.name in offer

    page = choose_point(client, journey, point)

    rr = journey.rr
    new = rr.current_label.tracking_code
    assert new != old
    assert NEW_LABEL in page
    assert f"Tracking number: {new}" in page and old not in page
    assert (rr.status, rr.relay_point_id, len(rr.labels)) == ("label_issued", point.id, 2)
    assert rr.labels[0].voided_at is not None and rr.labels[0].tracking_code == old
    assert actions(rr)[-1] == "label_reissued"
    assert "A new label was created; the previous one no longer works." in page
    download = client.get(f"{journey.status_path}/label.pdf")
    assert new in pdf_text(download.data) and point.name in pdf_text(download.data)
    assert mailbox.kinds(journey.order.email) == ["confirmation", "confirmation"]
    [attachment, _slip] = mailbox.to(journey.order.email)[1].iter_attachments()
    assert attachment.get_content() == download.data

    # the old code no longer drives anything
    assert invoke(runner, "carrier", "event", old, "in_transit").output == "ignored\n"
    assert fresh_return(journey.order).status == "label_issued"


def test_no_new_label_once_the_parcel_is_on_its_way(client, factory, runner, mailbox):
    journey = confirm_return(client, factory)
    code = journey.rr.current_label.tracking_code
    invoke(runner, "carrier", "event", code, "in_transit")
    invoke(runner, "outbox", "deliver")
    point = other_point(factory)

    page = choose_point(client, journey, point)

    assert TOO_LATE in page
    rr = journey.rr
    assert (rr.status, rr.relay_point_id, len(rr.labels)) == ("in_transit", journey.point.id, 1)
    assert rr.current_label.tracking_code == code
    assert actions(rr)[-1] == "carrier_scan"
    assert mailbox.kinds(journey.order.email) == ["confirmation", "in_transit"]


def test_with_easypost_the_old_label_is_refunded(client, factory, mailbox, easypost):
    journey = confirm_return(client, factory)
    old_shipment = journey.rr.current_label.external_id

    page = choose_point(client, journey, other_point(factory))

    rr = journey.rr
    assert NEW_LABEL in page
    assert f"Tracking number: {rr.current_label.tracking_code}" in page
    assert easypost.shipments[old_shipment]["refund_status"] == "submitted"
    new_shipment = rr.current_label.external_id
    assert new_shipment != old_shipment
    assert easypost.shipments[new_shipment]["refund_status"] is None
    # one purchase per label, and only one label is live
    assert [p.shipment_id for p in easypost.purchases] == [old_shipment, new_shipment]
    assert [label.voided_at is None for label in rr.labels] == [False, True]


def test_a_failed_void_does_not_block_the_customer(client, factory, mailbox, easypost):
    journey = confirm_return(client, factory)
    old = journey.rr.current_label
    easypost.fail("refund", "500")

    page = choose_point(client, journey, other_point(factory))

    rr = journey.rr
    assert NEW_LABEL in page
    assert rr.current_label.tracking_code != old.tracking_code
    assert easypost.shipments[old.external_id]["refund_status"] is None
    failed = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.return_id == rr.id, AuditEvent.action == "label_void_failed"
        )
    ).one()
    assert failed.details["shipment_id"] == old.external_id
    assert "unavailable (500)" in failed.details["error"]
    assert "label_void_failed" not in page  # internal, not on the customer's timeline


def test_when_easypost_cannot_make_the_new_label_nothing_changes(
    client, factory, mailbox, easypost
):
    journey = confirm_return(client, factory)
    old = journey.rr.current_label
    easypost.fail("buy", "503")

    page = choose_point(client, journey, other_point(factory))

    assert "We could not make a new label just now. Your current label still works" in page
    assert f"Tracking number: {old.tracking_code}" in page
    rr = journey.rr
    assert (rr.relay_point_id, len(rr.labels), rr.current_label.id) == (
        journey.point.id,
        1,
        old.id,
    )
    assert easypost.shipments[old.external_id]["refund_status"] is None
    assert len(easypost.purchases) == 1
    assert mailbox.kinds(journey.order.email) == ["confirmation"]


def test_while_the_label_is_pending_only_the_point_changes(
    client, factory, runner, mailbox, easypost
):
    easypost.fail("buy", "503")
    journey = confirm_return(client, factory)
    point = other_point(factory)

    page = choose_point(client, journey, point)

    rr = journey.rr
    assert "being prepared" in page
    assert (rr.status, rr.relay_point_id, rr.labels) == ("requested", point.id, [])
    make_due(rr)  # the worker runs every few seconds; here, now
    assert invoke(runner, "labels", "retry").output == "issued 1\n"
    assert fresh_return(journey.order).status == "label_issued"
    assert len(easypost.purchases) == 1


def test_cancelling_refunds_the_easypost_label(client, factory, mailbox, easypost):
    journey = confirm_return(client, factory)
    shipment = journey.rr.current_label.external_id

    response = client.post(
        f"{journey.status_path}/cancel", data={"confirm": "yes"}, follow_redirects=True
    )

    assert "Your return is cancelled." in visible(response.get_data(as_text=True))
    assert journey.rr.status == "cancelled"
    assert easypost.shipments[shipment]["refund_status"] == "submitted"
    assert mailbox.kinds(journey.order.email) == ["confirmation", "cancelled"]

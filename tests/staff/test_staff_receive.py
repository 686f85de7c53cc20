"""Receiving a parcel: partial receipts add up; a cancelled return cannot be received."""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_date

from portal.extensions import db
from portal.models import Variant
from portal.models.base import utcnow
from portal.services.policy import add_working_days
from portal.services.returns import cancel_return, expire_returns
from tests.staff.staffkit import actions, flush_mail, page, reload, text_of


def test_receiving_moves_the_return_and_emails_the_customer(factory, warehouse, desk, mailbox):
    factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 2)], email="zoe@example.fr")
    rr = factory.return_(order, quantity=2, locale="en")
    flush_mail(mailbox)
    text = page(desk.receive(rr, note="a sock in the box"))
    assert "Parcel received: 2 unit(s) recorded." in text
    rr = reload(rr)
    assert (rr.status, rr.items[0].received_quantity) == ("received", 2)
    assert rr.received_at is not None
    assert actions(rr)[-1] == "parcel_received"
    assert "a sock in the box" in text  # in the audit trail
    assert mailbox.kinds("zoe@example.fr") == ["received"]
    body = text_of(mailbox.to("zoe@example.fr")[0])
    assert "2 × TEE shirt (Blue · M)" in body
    by = format_date(add_working_days(rr.received_at, 2), "medium", locale="en")
    assert f"by {by} at the latest" in body


def test_the_promise_date_is_in_the_customers_language(factory, warehouse, desk, mailbox):
    rr = factory.return_(locale="fr")
    flush_mail(mailbox)
    desk.receive(rr)
    rr = reload(rr)
    by = format_date(add_working_days(rr.received_at, 2), "medium", locale="fr")
    assert by.replace("\xa0", " ") in text_of(mailbox.to("anne@example.fr")[0])


def test_a_second_parcel_adds_to_the_first(factory, warehouse, desk, mailbox):
    factory.variants("TEE", M=5, L=5)
    rr = factory.return_(factory.order([("TEE-M", 3)]), quantity=3, locale="en")
    item = rr.items[0]
    flush_mail(mailbox)
    desk.receive(rr, {item.id: 1})
    first = reload(rr).received_at
    body = text_of(mailbox.to("anne@example.fr")[0])
    assert "Not received yet:" in body and "2 × TEE shirt" in body
    text = page(desk.receive(rr, {item.id: 2}))
    assert "Parcel received: 2 unit(s) recorded." in text
    rr = reload(rr)
    assert rr.items[0].received_quantity == 3
    assert rr.received_at == first
    assert actions(rr).count("parcel_received") == 2
    assert mailbox.kinds("anne@example.fr") == ["received", "received"]


def test_never_more_than_the_quantity_returned(factory, warehouse, desk, mailbox):
    rr = factory.return_()
    flush_mail(mailbox)
    text = page(desk.receive(rr, {rr.items[0].id: 2}))
    assert "only 1 expected in total, 0 already received." in text
    rr = reload(rr)
    assert (rr.status, rr.items[0].received_quantity, rr.received_at) == ("label_issued", 0, None)
    assert "parcel_received" not in actions(rr)
    assert mailbox.kinds("anne@example.fr") == []


def test_an_empty_receipt_is_refused(factory, warehouse, desk):
    rr = factory.return_()
    text = page(desk.receive(rr, {rr.items[0].id: 0}))
    assert "Enter how many units of at least one item are in the parcel." in text
    assert reload(rr).status == "label_issued"


def test_a_quantity_that_is_not_a_number_is_refused(factory, warehouse, desk):
    rr = factory.return_()
    text = page(desk.receive(rr, {rr.items[0].id: "two"}))
    assert "Enter a whole number of units." in text
    assert reload(rr).status == "label_issued"


def test_a_cancelled_return_cannot_be_received(factory, warehouse, desk, mailbox):
    factory.variants("TEE", M=5, L=5)
    rr = factory.return_(resolution="exchange", exchange_sku="TEE-L")
    cancel_return(rr, actor_type="customer")
    db.session.commit()
    flush_mail(mailbox)
    text = page(desk.receive(rr))
    assert f"Return {rr.rma} was cancelled: its parcel cannot be received." in text
    rr = reload(rr)
    assert (rr.status, rr.items[0].received_quantity, rr.received_at) == ("cancelled", 0, None)
    assert actions(rr)[-1] == "return_cancelled"
    assert db.session.query(Variant).filter_by(sku="TEE-L").one().stock_reserved == 0
    assert mailbox.kinds("anne@example.fr") == []


def test_a_parcel_the_carrier_never_scanned_can_be_received(factory, warehouse, desk):
    rr = factory.return_(with_label=False)
    assert rr.status == "requested"
    desk.receive(rr)
    rr = reload(rr)
    assert rr.status == "received"
    assert actions(rr)[-1] == "parcel_received"


def test_a_parcel_arriving_after_the_label_expired_can_be_received(factory, warehouse, desk):
    rr = factory.return_()
    expire_returns(utcnow() + timedelta(days=30))
    db.session.commit()
    assert reload(rr).status == "expired"
    text = page(desk.receive(rr))
    assert "Parcel received" in text
    assert reload(rr).status == "received"


def test_the_return_page_offers_reception_only_while_it_makes_sense(
    client, factory, warehouse, desk
):
    rr = factory.return_()
    assert "receive-form" in page(client.get(f"/staff/returns/{rr.rma}")).page.ids
    desk.receive(rr)
    assert "receive-form" not in page(client.get(f"/staff/returns/{rr.rma}")).page.ids


def test_nothing_more_can_be_received_once_inspected(factory, warehouse, desk):
    factory.variants("TEE", M=5, L=5)
    rr = factory.return_(factory.order([("TEE-M", 2)]), quantity=2)
    desk.receive(rr, {rr.items[0].id: 1})
    desk.diagnose(rr)
    text = page(desk.receive(rr, {rr.items[0].id: 1}))
    assert f"Return {rr.rma} has already been inspected: no more items can be received." in text
    assert reload(rr).items[0].received_quantity == 1


def test_the_form_defaults_to_what_the_customer_sent(client, factory, warehouse):
    factory.variants("TEE", M=5, L=5)
    rr = factory.return_(factory.order([("TEE-M", 3)]), quantity=3)
    shown = page(client.get(f"/staff/returns/{rr.rma}")).page
    form = shown.form_posting_to(f"/staff/returns/{rr.rma}/receive")
    item = rr.items[0]
    assert form.values()[f"qty-{item.id}"] == "3"
    assert "autofocus" in shown.control(f"qty-{item.id}").attrs  # Enter sends it at once
    assert "what the customer said is in the parcel" in shown.by_id("receive-help")
    # the worker changes nothing and confirms: everything is received
    text = page(client.post(form.action, data=form.values(), follow_redirects=True))
    assert "Parcel received: 3 unit(s) recorded." in text
    assert reload(rr).items[0].received_quantity == 3


def test_after_a_partial_parcel_the_form_defaults_to_what_is_missing(
    client, factory, warehouse, desk
):
    factory.variants("TEE", M=5, L=5)
    rr = factory.return_(factory.order([("TEE-M", 3)]), quantity=3)
    item = rr.items[0]
    desk.receive(rr, {item.id: 1})
    form = page(client.get(f"/staff/returns/{rr.rma}")).page.form_posting_to("/receive")
    assert form.values()[f"qty-{item.id}"] == "2"
    client.post(form.action, data=form.values())
    assert reload(rr).items[0].received_quantity == 3

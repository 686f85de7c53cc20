"""Diagnosis: a grade per received item, once; the outcome follows the choice and policy."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import Variant
from tests.staff.staffkit import actions, flush_mail, gift_return, page, reload, text_of


def stock(sku: str) -> tuple[int, int]:
    db.session.expire_all()
    v = db.session.query(Variant).filter_by(sku=sku).one()
    return v.stock_on_hand, v.stock_reserved


@pytest.fixture
def two_items(factory):
    """A return of one TEE-M (25,00 €) and one JEAN-30 (79,00 €), both as refunds."""
    factory.variants("TEE", M=5, L=5)
    factory.variants("JEAN", price=7900, W30=2)
    order = factory.order([("TEE-M", 1), ("JEAN-W30", 1)], email="hugo@example.fr")
    rr = factory.return_(order, locale="en", with_label=False)
    line = order.lines[1]
    from portal.models import ReturnItem

    rr.items.append(
        ReturnItem(
            order_line=line, quantity=1, reason="too_big", resolution="refund", amount_paid=7900
        )
    )
    db.session.commit()
    return rr


def test_grade_a_goes_back_to_stock_and_the_customer_hears(factory, warehouse, desk, mailbox):
    rr = factory.return_(locale="fr", with_label=False)
    flush_mail(mailbox)
    desk.receive(rr)
    before = stock("TEE-M")
    text = page(desk.diagnose(rr, grade="A", note="as new, tags on"))
    assert "Diagnosis saved for 1 item(s)." in text
    assert stock("TEE-M") == (before[0] + 1, before[1])
    rr = reload(rr)
    item = rr.items[0]
    assert (rr.status, item.grade, item.outcome, item.outcome_amount) == (
        "inspected",
        "A",
        "refund",
        2500,
    )
    assert item.diagnosis_note == "as new, tags on"
    assert actions(rr)[-1] == "items_inspected"
    assert mailbox.kinds("anne@example.fr") == ["received", "diagnosis"]
    assert "25,00 €" in text_of(mailbox.to("anne@example.fr")[1])


def test_grade_b_pays_the_restocking_fee_and_stays_out_of_stock(
    app, factory, warehouse, desk, mailbox
):
    app.config["RESTOCKING_FEE_PERCENT"] = 20
    rr = factory.return_(locale="en", with_label=False)
    flush_mail(mailbox)
    desk.receive(rr)
    before = stock("TEE-M")
    desk.diagnose(rr, grade="B")
    assert stock("TEE-M") == before
    assert reload(rr).items[0].outcome_amount == 2000
    body = text_of(mailbox.to("anne@example.fr")[-1])
    assert "condition: opened or worn" in body
    assert "we are refunding €20.00 to your original payment method" in body
    assert "A restocking fee of €5.00 was deducted" in body


def test_without_a_restocking_fee_grade_b_is_refunded_in_full(factory, warehouse, desk):
    rr = factory.return_(with_label=False)
    desk.receive(rr)
    desk.diagnose(rr, grade="B")
    assert reload(rr).items[0].outcome_amount == 2500


def test_grade_c_is_refunded_in_full_and_not_restocked(app, factory, warehouse, desk):
    app.config["RESTOCKING_FEE_PERCENT"] = 20
    rr = factory.return_(with_label=False)
    desk.receive(rr)
    before = stock("TEE-M")
    desk.diagnose(rr, grade="C", note="seam open")
    assert stock("TEE-M") == before
    assert reload(rr).items[0].outcome_amount == 2500


def test_the_return_shipping_fee_is_taken_once_per_return(app, two_items, warehouse, desk, mailbox):
    app.config["RETURN_SHIPPING_FEE"] = 490
    flush_mail(mailbox)
    desk.receive(two_items)
    desk.diagnose(two_items, grade="A")
    amounts = [i.outcome_amount for i in reload(two_items).items]
    assert amounts == [2500 - 490, 7900]
    body = text_of(mailbox.to("hugo@example.fr")[-1])
    assert "€20.10" in body and "€79.00" in body
    assert body.count("The return shipping cost of €4.90 was deducted.") == 1


def test_store_credit_pays_no_shipping_fee_and_shows_the_bonus(
    app, factory, warehouse, desk, mailbox
):
    app.config["RETURN_SHIPPING_FEE"] = 490
    app.config["STORE_CREDIT_BONUS_PERCENT"] = 10
    rr = factory.return_(resolution="store_credit", locale="fr", with_label=False)
    flush_mail(mailbox)
    desk.receive(rr)
    desk.diagnose(rr, grade="A")
    item = reload(rr).items[0]
    assert (item.outcome, item.outcome_amount) == ("store_credit", 2500)
    body = text_of(mailbox.to("anne@example.fr")[-1])
    assert "27,50 €" in body and "2,50 €" in body


def test_a_rejected_item_gets_its_reason_and_releases_the_exchange(
    factory, warehouse, desk, mailbox
):
    factory.variants("TEE", M=5, L=5)
    rr = factory.return_(resolution="exchange", exchange_sku="TEE-L", locale="en", with_label=False)
    assert stock("TEE-L") == (5, 1)
    flush_mail(mailbox)
    desk.receive(rr)
    desk.diagnose(rr, grade="C", reject="not our item")
    item = reload(rr).items[0]
    assert (item.outcome, item.rejection_reason, item.stock_reserved) == (
        "rejected",
        "not our item",
        False,
    )
    assert stock("TEE-L") == (5, 0)
    assert stock("TEE-M")[0] == 5  # a rejected item never goes back to stock
    body = text_of(mailbox.to("anne@example.fr")[-1])
    assert "We cannot accept this item: not our item. We will send it back to you." in body


def test_diagnosing_an_item_twice_is_refused(two_items, warehouse, desk):
    desk.receive(two_items)
    tee, jean = two_items.items
    desk.diagnose(two_items, grade="A", note="first look", items=[tee])
    assert reload(two_items).status == "received"  # the jeans still wait
    assert actions(two_items)[-1] == "items_graded"
    text = page(desk.diagnose(two_items, grade="C", note="second look", items=[tee]))
    assert "TEE shirt (Blue · M) was already inspected: a diagnosis is recorded once." in text
    tee = reload(two_items).items[0]
    assert (tee.grade, tee.diagnosis_note) == ("A", "first look")
    assert reload(two_items).items[1].grade is None


def test_diagnosing_a_whole_return_twice_is_refused(factory, warehouse, desk):
    rr = factory.return_(with_label=False)
    desk.receive(rr)
    desk.diagnose(rr, grade="A")
    text = page(desk.diagnose(rr, grade="C"))
    assert f"Return {rr.rma} was already inspected." in text
    assert reload(rr).items[0].grade == "A"


def test_diagnosis_before_receipt_is_refused(factory, warehouse, desk):
    rr = factory.return_(with_label=False)
    text = page(desk.diagnose(rr, grade="A"))
    assert f"Return {rr.rma} cannot be inspected before its parcel is received." in text
    rr = reload(rr)
    assert (rr.status, rr.items[0].grade) == ("requested", None)


def test_an_item_not_in_the_parcel_cannot_be_graded(two_items, warehouse, desk):
    tee, jean = two_items.items
    desk.receive(two_items, {tee.id: 1, jean.id: 0})
    text = page(desk.diagnose(two_items, grade="A", items=[tee, jean]))
    assert "JEAN shirt (Blue · W30) has not been received: it cannot be inspected." in text
    assert reload(two_items).items[0].grade is None


def test_a_condition_must_be_chosen(factory, warehouse, desk):
    rr = factory.return_(with_label=False)
    desk.receive(rr)
    assert "Choose a condition for at least one item." in page(desk.diagnose(rr, grade=""))
    assert "choose a condition (A, B or C)" in page(desk.diagnose(rr, grade="Z"))
    assert reload(rr).status == "received"


def test_a_gift_diagnosis_mentions_no_price(factory, warehouse, desk, mailbox):
    rr = gift_return(factory, locale="en")
    flush_mail(mailbox)
    desk.receive(rr)
    desk.diagnose(rr, grade="A")
    assert mailbox.kinds("buyer@example.fr") == []
    body = text_of(mailbox.to("lea@example.fr")[-1])
    assert "you will receive store credit in your name" in body
    assert "€" not in body and "25.00" not in body

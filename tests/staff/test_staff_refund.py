"""Refunds: only after inspection, exactly once, never more than was paid."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import Refund, StoreCredit
from portal.services import resolve, warehouse
from portal.services.errors import AlreadyDone, InvalidTransition
from tests.staff.staffkit import (
    actions,
    flush_mail,
    gift_return,
    page,
    refund_count,
    reload,
    text_of,
)


def inspected(factory, **kwargs):
    """A return received and graded A, ready to resolve (through the services)."""
    rr = factory.return_(with_label=False, **kwargs)
    warehouse.receive_parcel(rr, {i.id: i.quantity for i in rr.items}, actor="w")
    warehouse.diagnose(rr, {i.id: ("A", "", "") for i in rr.items}, actor="w")
    db.session.commit()
    return rr


def test_a_refund_is_recorded_for_the_shop_to_pay(factory, support, desk, mailbox):
    rr = inspected(factory, locale="fr")
    flush_mail(mailbox)
    text = page(desk.refund(rr))
    assert "Refund of €25.00 recorded (original payment)." in text
    refund = db.session.query(Refund).one()
    assert (refund.amount, refund.currency, refund.method, refund.status) == (
        2500,
        "EUR",
        "original_payment",
        "approved",
    )
    assert refund.payment_reference == "pi_test"
    rr = reload(rr)
    # approved is not paid: the item and the return stay open until the money leaves
    assert rr.status == "inspected" and rr.resolved_at is None
    assert (rr.items[0].acceptance_status, rr.items[0].resolved_at) == ("refunding", None)
    assert actions(rr)[-2:] == ["refund_issued", "refund_approved"]
    staff_page = page(desk.client.get(f"/staff/returns/{rr.rma}"))
    assert f"refund-{rr.items[0].id}" not in staff_page.page.ids  # no second Refund button
    assert mailbox.kinds("anne@example.fr") == ["refund_approved"]
    assert "25,00 €" in text_of(mailbox.to("anne@example.fr")[0])


def test_refund_email_says_approved_then_sent_when_paid(client, factory, support, desk, mailbox):
    rr = inspected(factory, locale="en")
    flush_mail(mailbox)
    desk.refund(rr)
    body = text_of(mailbox.to("anne@example.fr")[0])
    assert "Your refund of €25.00 for TEE shirt (Blue · M) is approved." in body
    assert "It has not left yet" in body
    assert "refunded" not in body.lower()
    refund = db.session.query(Refund).one()
    client.post(f"/staff/refunds/{refund.id}/paid")
    sent = text_of(mailbox.to("anne@example.fr")[-1])
    assert mailbox.kinds("anne@example.fr") == ["refund_approved", "refund_sent"]
    assert "Your refund of €25.00 for TEE shirt (Blue · M) has been sent" in sent
    assert "within 5 to 10 working days" in sent


def test_a_refund_before_receipt_is_refused_and_changes_nothing(factory, support, desk, mailbox):
    rr = factory.return_(with_label=False)
    flush_mail(mailbox)
    text = page(desk.refund(rr))
    assert "cannot be refunded yet: it must be received and inspected first." in text
    assert refund_count() == 0
    rr = reload(rr)
    assert (rr.status, rr.items[0].resolved_at) == ("requested", None)
    assert "refund_issued" not in actions(rr)
    assert mailbox.kinds("anne@example.fr") == []


def test_a_refund_before_diagnosis_is_refused(factory, support, desk):
    rr = factory.return_(with_label=False)
    desk.receive(rr)
    assert "must be received and inspected first" in page(desk.refund(rr))
    assert refund_count() == 0
    assert reload(rr).status == "received"


def test_a_double_click_refunds_once(factory, support, desk, mailbox):
    rr = inspected(factory)
    flush_mail(mailbox)
    desk.refund(rr)
    text = page(desk.refund(rr))
    assert "TEE shirt (Blue · M) has already been refunded." in text
    assert refund_count() == 1
    assert mailbox.kinds("anne@example.fr") == ["refund_approved"]
    assert actions(rr).count("refund_issued") == 1


def test_the_service_refuses_the_second_refund(factory):
    rr = inspected(factory)
    resolve.issue_refund(rr, rr.items[0], actor="s")
    db.session.commit()
    with pytest.raises(AlreadyDone):
        resolve.issue_refund(rr, rr.items[0], actor="s")
    db.session.rollback()
    assert refund_count() == 1


def test_the_database_allows_one_refund_per_item(factory):
    rr = inspected(factory)
    item = rr.items[0]
    db.session.add_all(
        [
            Refund(
                return_item_id=item.id,
                return_id=rr.id,
                amount=1,
                currency="EUR",
                method="original_payment",
            ),
            Refund(
                return_item_id=item.id,
                return_id=rr.id,
                amount=1,
                currency="EUR",
                method="original_payment",
            ),
        ]
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_partial_receipt_refunds_only_what_came_back(factory, support, desk):
    factory.variants("TEE", M=5, L=5)
    rr = factory.return_(factory.order([("TEE-M", 3)]), quantity=3, with_label=False)
    warehouse.receive_parcel(rr, {rr.items[0].id: 1}, actor="w")
    warehouse.diagnose(rr, {rr.items[0].id: ("A", "", "")}, actor="w")
    db.session.commit()
    desk.refund(rr)
    refund = db.session.query(Refund).one()
    assert refund.amount == 2500 <= rr.items[0].amount_paid


def test_never_more_than_what_was_paid(factory):
    rr = inspected(factory)
    rr.items[0].outcome_amount = 999_999  # whatever went wrong upstream
    db.session.commit()
    refund = resolve.issue_refund(rr, rr.items[0], actor="s")
    assert refund.amount == rr.items[0].amount_paid == 2500


def test_a_rejected_item_is_not_refunded_but_sent_back(factory, support, desk):
    rr = factory.return_(with_label=False)
    warehouse.receive_parcel(rr, {rr.items[0].id: 1}, actor="w")
    warehouse.diagnose(rr, {rr.items[0].id: ("C", "", "worn beyond policy")}, actor="w")
    db.session.commit()
    assert "is not to be refunded" in page(desk.refund(rr))
    assert refund_count() == 0
    text = page(desk.send_back(rr))
    assert "Item sent back to the customer. Tracking number:" in text
    rr = reload(rr)
    assert rr.status == "rejected"
    assert actions(rr)[-2:] == ["item_sent_back", "return_resolved"]
    assert "already been sent back" in page(desk.send_back(rr))


def test_only_a_rejected_item_can_be_sent_back(factory, support, desk):
    rr = inspected(factory)
    assert "was not rejected at inspection" in page(desk.send_back(rr))
    assert reload(rr).status == "inspected"


def test_store_credit_is_issued_at_once_with_the_bonus(app, factory, support, desk, mailbox):
    app.config["STORE_CREDIT_BONUS_PERCENT"] = 10
    rr = inspected(factory, resolution="store_credit", locale="fr")
    flush_mail(mailbox)
    text = page(desk.refund(rr))
    refund = db.session.query(Refund).one()
    credit = db.session.get(StoreCredit, refund.store_credit_id)
    assert (refund.method, refund.status, refund.amount) == ("store_credit", "sent", 2500)
    assert (credit.kind, credit.balance, credit.owner_email) == ("refund", 2750, "anne@example.fr")
    assert credit.code in text  # the store credit history on the return page
    body = text_of(mailbox.to("anne@example.fr")[0])
    assert credit.code in body and "27,50 €" in body
    assert reload(rr).status == "refunded"


def test_a_gift_is_credited_to_the_recipient_without_prices(factory, support, desk, mailbox):
    rr = gift_return(factory, locale="en")
    desk.receive(rr)
    desk.diagnose(rr)
    flush_mail(mailbox)
    desk.refund(rr)
    credit = db.session.query(StoreCredit).one()
    assert (credit.owner_name, credit.owner_email) == ("Léa Roux", "lea@example.fr")
    assert mailbox.kinds("buyer@example.fr") == []
    body = text_of(mailbox.to("lea@example.fr")[0])
    assert credit.code in body and "in your name" in body
    assert "€" not in body


def test_the_return_is_refunded_only_when_every_item_is(factory, support, desk):
    factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 1), ("TEE-L", 1)])
    rr = factory.return_(order, with_label=False)
    from portal.models import ReturnItem

    rr.items.append(
        ReturnItem(
            order_line=order.lines[1],
            quantity=1,
            reason="too_big",
            resolution="store_credit",
            amount_paid=2500,
        )
    )
    db.session.commit()
    desk.receive(rr)
    desk.diagnose(rr)
    desk.refund(rr, rr.items[0])
    assert reload(rr).status == "inspected"
    desk.refund(rr, rr.items[1])
    assert reload(rr).status == "inspected"  # the refund is approved, not sent yet
    resolve.mark_refund_paid(db.session.query(Refund).filter_by(method="original_payment").one())
    db.session.commit()
    assert reload(rr).status == "refunded"


def test_refunds_to_pay_lists_the_payment_reference_until_paid(client, factory, support, desk):
    rr = inspected(factory)
    desk.refund(rr)
    refund = db.session.query(Refund).one()
    text = page(client.get("/staff/refunds"))
    assert rr.rma in text and "pi_test" in text and "€25.00" in text
    assert f"mark-paid-{refund.id}" in text.page.ids
    text = page(client.post(f"/staff/refunds/{refund.id}/paid", follow_redirects=True))
    assert "Refund of €25.00 marked as paid." in text
    assert "Nothing to pay." in text
    db.session.expire_all()
    assert (refund.status, refund.paid_at is not None) == ("sent", True)
    assert actions(rr)[-2:] == ["refund_sent", "return_resolved"]
    rr = reload(rr)
    assert (rr.status, rr.items[0].acceptance_status) == ("refunded", "settled")
    text = page(client.post(f"/staff/refunds/{refund.id}/paid", follow_redirects=True))
    assert "This refund is already marked as paid." in text
    assert actions(rr).count("refund_sent") == 1


def test_store_credit_never_waits_in_refunds_to_pay(factory):
    rr = inspected(factory, resolution="store_credit")
    refund = resolve.issue_refund(rr, rr.items[0], actor="s")
    db.session.commit()
    with pytest.raises(AlreadyDone):
        resolve.mark_refund_paid(refund, actor="s")
    db.session.rollback()


def test_an_unknown_payment_provider_is_a_configuration_error(app, factory):
    rr = inspected(factory)
    app.config["PAYMENT_PROVIDER"] = "nope"
    with pytest.raises(RuntimeError, match="PAYMENT_PROVIDER"):
        resolve.issue_refund(rr, rr.items[0], actor="s")
    db.session.rollback()
    assert refund_count() == 0


def test_an_exchange_item_cannot_be_refunded(factory):
    factory.variants("TEE", M=5, L=5)
    rr = inspected(factory, resolution="exchange", exchange_sku="TEE-L")
    with pytest.raises(InvalidTransition):
        resolve.issue_refund(rr, rr.items[0], actor="s")
    db.session.rollback()

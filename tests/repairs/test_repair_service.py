"""The repair verbs, walked on the database: every path ends where it should, every e-mail
is in the SMTP server in the customer's language, and illegal steps change nothing.
(Messages raised outside a request are in the default language, French.)"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import lifecycle
from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage, Refund, RepairCase, Variant
from portal.outbox import deliver_due
from portal.services import repair_cases
from portal.services.errors import InvalidTransition, OutOfStock, ValidationFailed
from tests.staff.staffkit import reload, text_of


def _mail(mailbox, kind):
    deliver_due()
    found = [m for m in mailbox.messages if m["X-Retours-Kind"] == kind]
    assert found, (kind, mailbox.kinds())
    return found[-1]


def _state(case) -> str:
    db.session.expire_all()
    return db.session.get(RepairCase, case.id).status


def test_a_repair_request_opens_a_case_waiting_for_its_parcel(app, factory):
    rr, case = factory.repair()
    assert case.status == "awaiting_parcel" and case.under_warranty
    assert rr.items[0].resolution == "repair" and rr.current_label is not None
    assert "repair_requested" in [e.action for e in db.session.scalars(select(AuditEvent))]


def test_receipt_moves_the_case_and_the_mail_promises_the_repair(app, factory, mailbox):
    rr, case = factory.repair(at="received", locale="en")
    assert _state(case) == "received" and reload(rr).status == "received"
    text = text_of(_mail(mailbox, "received"))
    assert "we diagnose the fault, then repair, replace or refund your item by" in text
    assert "Coffee grinder (Black): repair under warranty" in text
    assert "refund or your exchange" not in text


def test_covered_repair_shipped_back_with_its_tracking(app, factory, mailbox):
    rr, case = factory.repair(at="repairing", locale="en")
    text = text_of(_mail(mailbox, "repair_diagnosis"))
    assert "Diagnosis of your Coffee grinder (Black): The motor is faulty." in text
    assert "covered by the warranty: we are repairing it at no cost" in text
    rr = reload(rr)
    assert rr.status == "inspected"  # the return counts the item as inspected
    repair_cases.ship_repaired(rr, db.session.get(RepairCase, case.id), "6A1234567890")
    db.session.commit()
    assert _state(case) == "repaired_shipped"
    assert reload(rr).status == "repaired" and reload(rr).items[0].acceptance_status == "settled"
    text = text_of(_mail(mailbox, "repair_shipped"))
    assert "repaired and on its way back" in text and "6A1234567890" in text


def test_french_customer_gets_french_repair_mail(app, factory, mailbox):
    rr, case = factory.repair(at="repairing", locale="fr")
    mail = _mail(mailbox, "repair_diagnosis")
    assert "diagnostic" in str(mail["Subject"]).lower()
    assert "La panne est couverte par la garantie" in text_of(mail)


def test_quote_accepted_then_repaired(app, factory, mailbox):
    rr, case = factory.repair(at="quoted", locale="en")
    text = text_of(_mail(mailbox, "repair_diagnosis"))
    assert "not covered by the warranty. We can repair it for €35.00" in text
    assert "/repair/quote/" in text
    case = db.session.get(RepairCase, case.id)
    repair_cases.answer_quote(rr, case, accept=True)
    db.session.commit()
    assert _state(case) == "repairing"
    assert "accepted our quote of €35.00" in text_of(_mail(mailbox, "repair_quote_answer"))
    with pytest.raises(InvalidTransition, match="déjà répondu"):
        repair_cases.answer_quote(rr, case, accept=False)
    db.session.rollback()
    assert _state(case) == "repairing"


def test_quote_declined_then_sent_back_unrepaired(app, factory, mailbox):
    rr, case = factory.repair(at="quoted", locale="en")
    case = db.session.get(RepairCase, case.id)
    repair_cases.answer_quote(rr, case, accept=False)
    db.session.commit()
    assert _state(case) == "quote_declined"
    assert "back to you unrepaired" in text_of(_mail(mailbox, "repair_quote_answer"))
    with pytest.raises(InvalidTransition, match="pas possible maintenant"):
        repair_cases.ship_repaired(rr, case, "6A1234567890")
    db.session.rollback()
    repair_cases.send_back(reload(rr), db.session.get(RepairCase, case.id), "6A0000000001")
    db.session.commit()
    assert _state(case) == "unrepaired"
    assert "6A0000000001" in text_of(_mail(mailbox, "repair_unrepaired"))


def test_replacement_takes_the_unit_from_stock(app, factory, mailbox):
    rr, case = factory.repair(at="repairing", locale="en")
    white = db.session.query(Variant).filter_by(sku="GRIND-WHITE").one()
    before = white.stock_on_hand
    repair_cases.replace(rr, db.session.get(RepairCase, case.id), white.id, "6A2222222222")
    db.session.commit()
    db.session.refresh(white)
    assert white.stock_on_hand == before - 1 and white.stock_reserved == 0
    assert _state(case) == "replaced"
    text = text_of(_mail(mailbox, "repair_replaced"))
    assert "Coffee grinder (White) is on its way" in text and "6A2222222222" in text


def test_replacement_out_of_stock_changes_nothing(app, factory):
    rr, case = factory.repair(at="repairing")
    white = db.session.query(Variant).filter_by(sku="GRIND-WHITE").one()
    white.stock_reserved = white.stock_on_hand  # every unit promised elsewhere
    db.session.commit()
    with pytest.raises(OutOfStock):
        repair_cases.replace(rr, db.session.get(RepairCase, case.id), white.id, "6A2222222222")
    db.session.rollback()
    assert _state(case) == "repairing"


def test_refund_when_neither_is_possible(app, factory, mailbox):
    rr, case = factory.repair(at="repairing", locale="en")
    repair_cases.refund(rr, db.session.get(RepairCase, case.id))
    db.session.commit()
    refund = db.session.scalar(select(Refund))
    assert refund.amount == 8900 and lifecycle.still_owed(refund)
    assert _state(case) == "refunded"
    assert "€89.00" in text_of(_mail(mailbox, "refund_approved"))
    with pytest.raises(InvalidTransition):
        repair_cases.refund(reload(rr), db.session.get(RepairCase, case.id))
    db.session.rollback()
    assert db.session.query(Refund).count() == 1


def test_diagnosis_needs_a_note_and_a_quote_needs_a_price(app, factory):
    rr, case = factory.repair(at="received")
    case = db.session.get(RepairCase, case.id)
    with pytest.raises(ValidationFailed):
        repair_cases.diagnose(rr, case, covered=True, note="  ")
    with pytest.raises(ValidationFailed):
        repair_cases.diagnose(rr, case, covered=False, note="Broken burr", quote=0)
    db.session.rollback()
    assert _state(case) == "received"
    assert db.session.query(OutboxMessage).filter_by(kind="repair_diagnosis").count() == 0


def test_illegal_steps_say_so_and_change_nothing(app, factory):
    rr, case = factory.repair()  # the parcel is not in yet
    case = db.session.get(RepairCase, case.id)
    for verb in (
        lambda: repair_cases.diagnose(rr, case, covered=True, note="Motor"),
        lambda: repair_cases.ship_repaired(rr, case, "6A1234567890"),
        lambda: repair_cases.send_back(rr, case, "6A1234567890"),
        lambda: repair_cases.refund(rr, case),
        lambda: repair_cases.answer_quote(rr, case, accept=True),
    ):
        with pytest.raises(InvalidTransition):
            verb()
        db.session.rollback()
        assert _state(case) == "awaiting_parcel"
    assert db.session.query(Refund).count() == 0


def test_the_normal_inspection_refuses_a_repair_item(app, factory):
    from portal.services import warehouse

    rr, case = factory.repair(at="received")
    with pytest.raises(InvalidTransition, match="partie Réparations"):
        warehouse.diagnose(rr, {rr.items[0].id: ("C", "", "")})
    db.session.rollback()
    assert reload(rr).items[0].acceptance_status == "pending"


def test_the_promise_and_lateness(app, factory):
    from datetime import timedelta

    rr, case = factory.repair(at="received")
    case = db.session.get(RepairCase, case.id)
    by = repair_cases.promised_by(case)
    assert by - case.received_at >= timedelta(days=12)  # 10 working days
    assert not repair_cases.is_late(case)
    assert repair_cases.is_late(case, now=by + timedelta(hours=1))


def test_the_confirmation_says_what_a_repair_request_leads_to(app, factory, mailbox):
    rr, _case = factory.repair(locale="en")
    text = text_of(_mail(mailbox, "confirmation"))
    assert "Repair: once your parcel has reached us, we diagnose the fault" in text
    assert "Coffee grinder (Black): repair under warranty" in text
    assert "Refund:" not in text and "refund of" not in text

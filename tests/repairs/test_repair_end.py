"""How a repair ends, said truly: the return resolves as "repaired" (not "exchanged"), a
diagnosis may find no fault (sent back, no charge), gift recipients are offered a repair
without prices, the dead-end card says when the warranty ended, and a line of several
units is one case for those units (replacement and refund count them)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.links import status_path
from portal.models import Refund, RepairCase, Variant
from portal.models.base import utcnow
from portal.outbox import deliver_due
from portal.services import repair_cases
from portal.services.errors import InvalidTransition
from portal.services.returns import expire_returns
from tests.customer.pagekit import item_fields, lookup, page, returns
from tests.repairs.build import grinder_order, grinders
from tests.staff.staffkit import page as staff_page
from tests.staff.staffkit import reload, text_of


def _mail(mailbox, kind):
    deliver_due()
    found = [m for m in mailbox.messages if m["X-Retours-Kind"] == kind]
    assert found, (kind, mailbox.kinds())
    return found[-1]


def _case(case) -> RepairCase:
    db.session.expire_all()
    return db.session.get(RepairCase, case.id)


@pytest.fixture
def staff_en(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# -- 1. a true end state --------------------------------------------------------------------


def test_a_repaired_item_resolves_the_return_as_repaired(app, staff_en, auth, factory):
    rr, case = factory.repair(at="repairing", locale="en")
    repair_cases.ship_repaired(reload(rr), _case(case), "6A1234567890")
    db.session.commit()
    assert reload(rr).status == "repaired"
    auth.login("warehouse")
    shown = staff_page(staff_en.get(f"/staff/returns/{rr.rma}"))
    assert "Resolved: repaired or replaced" in shown
    assert "Resolved: exchanged" not in shown


def test_a_replaced_item_resolves_the_return_as_repaired(app, factory):
    rr, case = factory.repair(at="repairing")
    white = db.session.query(Variant).filter_by(sku="GRIND-WHITE").one()
    repair_cases.replace(reload(rr), _case(case), white.id, "6A2222222222")
    db.session.commit()
    assert reload(rr).status == "repaired"


def test_an_item_sent_back_unrepaired_is_not_called_exchanged(app, staff_en, auth, factory):
    rr, case = factory.repair(at="quoted", locale="en")
    repair_cases.answer_quote(rr, _case(case), accept=False)
    db.session.commit()
    repair_cases.send_back(reload(rr), _case(case), "6A0000000001")
    db.session.commit()
    assert reload(rr).status == "rejected"
    auth.login("warehouse")
    shown = staff_page(staff_en.get(f"/staff/returns/{rr.rma}"))
    assert "Resolved: sent back" in shown and "Resolved: exchanged" not in shown


# -- 2. no fault found ------------------------------------------------------------------------


def test_no_fault_found_is_told_plainly_and_costs_nothing(app, en, factory, mailbox):
    rr, case = factory.repair(at="no_fault", locale="en")
    assert _case(case).status == "no_fault" and reload(rr).status == "inspected"
    text = text_of(_mail(mailbox, "repair_diagnosis"))
    assert "We tested your Coffee grinder (Black): It grinds fine after cleaning." in text
    assert "We found no fault: it works as it should." in text
    assert "there is nothing to pay" in text and "quote" not in text.lower()
    status = page(en.get(status_path(rr))).text
    assert "We tested your Coffee grinder (Black) and found no fault" in status
    assert "We found no fault in your Coffee grinder (Black): we send it back" in status
    assert "repair-quote" not in page(en.get(status_path(rr))).ids
    with pytest.raises(InvalidTransition):
        repair_cases.ship_repaired(reload(rr), _case(case), "6A1234567890")
    db.session.rollback()
    repair_cases.send_back(reload(rr), _case(case), "6A3333333333")
    db.session.commit()
    assert _case(case).status == "no_fault_sent" and reload(rr).status == "rejected"
    assert db.session.scalar(select(Refund)) is None
    text = text_of(_mail(mailbox, "repair_unrepaired"))
    assert "We found no fault in it, and there is nothing to pay." in text
    assert "6A3333333333" in text and "unrepaired" not in text
    status = page(en.get(status_path(rr))).text
    assert "Sent back, no fault found, nothing to pay: tracking 6A3333333333." in status


def test_no_fault_in_french(app, factory, mailbox):
    rr, _case_ = factory.repair(at="no_fault", locale="fr")
    text = text_of(_mail(mailbox, "repair_diagnosis"))
    assert "Nous n’avons trouvé aucune panne : il fonctionne" in text
    assert "vous n’avez rien à payer" in text


def test_staff_find_no_fault_then_send_it_back(app, staff_en, auth, factory, mailbox):
    rr, case = factory.repair(at="received", locale="en")
    auth.login("warehouse")
    post = f"/staff/returns/{rr.rma}/repairs/"
    response = staff_en.post(
        post + "diagnose",
        data={"case_id": str(case.id), "covered": "no_fault", "note": ""},
        follow_redirects=True,
    )
    assert "Describe the fault for the customer." in staff_page(response)
    assert _case(case).status == "received"
    response = staff_en.post(
        post + "diagnose",
        data={"case_id": str(case.id), "covered": "no_fault", "note": "Works after a test."},
        follow_redirects=True,
    )
    shown = staff_page(response)
    assert "No fault found; the customer is e-mailed." in shown
    assert "Repair: no fault found, to send back" in shown
    assert "Sent back, no fault found" in shown  # the ship button's words
    response = staff_en.post(
        post + "ship",
        data={"case_id": str(case.id), "step": "send_back_working", "tracking": "6A4444444444"},
        follow_redirects=True,
    )
    assert "Sent back, no fault found; the customer is e-mailed." in staff_page(response)
    assert _case(case).status == "no_fault_sent"
    assert "repair_unrepaired" in mailbox.kinds(rr.contact_email)


# -- 3. gift recipients --------------------------------------------------------------------

GIFT = "GIFT-RPR2-AAAA-BBBB"


def test_a_gift_recipient_is_offered_a_repair_without_prices(app, en, factory, mailbox):
    grinders()
    order = factory.order(
        [("GRIND-BLACK", 1)], delivered_days_ago=200, email="buyer@example.fr", gift_code=GIFT
    )
    point = factory.relay_point()
    db.session.commit()
    assert en.post("/gift", data={"code": GIFT}).status_code == 302
    shown = page(en.get("/return/items"))
    assert "Still under warranty until" in shown.text
    assert "Request a repair under warranty" in shown.text
    assert "Nothing in this order can be returned" not in shown.text
    assert "€" not in shown.text and "89" not in shown.text
    assert "buyer@example.fr" not in shown.html
    fields = item_fields(order.lines[0], reason="stopped_working", resolution="repair")
    assert en.post("/return/items", data=fields).headers["Location"] == "/return/contact"
    contact = {"name": "Zoé K", "email": "zoe@example.pl", "line1": "3 quai de Saône",
               "postcode": "69001", "city": "Lyon"}  # fmt: skip
    en.post("/return/contact", data=contact)
    en.post("/return/relay", data={"relay_point_id": point.id})
    review = page(en.get("/return/review"))
    assert "repair under warranty" in review.text and "€" not in review.text
    response = en.post("/return/confirm")
    assert response.status_code == 302
    (rr,) = returns()
    assert rr.is_gift and rr.contact_email == "zoe@example.pl"
    assert db.session.scalar(select(RepairCase)).status == "awaiting_parcel"
    status = page(en.get(response.headers["Location"]))
    assert "You asked us to repair your Coffee grinder (Black)." in status.text
    assert "€" not in status.text
    deliver_due()
    assert mailbox.kinds("zoe@example.pl") == ["confirmation"]
    assert mailbox.to("buyer@example.fr") == []
    mail = text_of(mailbox.to("zoe@example.pl")[0])
    assert "repair under warranty" in mail and "€" not in mail


def test_a_gift_repair_refund_is_store_credit_for_the_recipient(app, factory):
    grinders()
    order = factory.order([("GRIND-BLACK", 1)], delivered_days_ago=200, gift_code=GIFT)
    rr, case = factory.repair(order, at="repairing")
    rr = reload(rr)
    rr.is_gift = True  # as the gift path makes it (the journey test above)
    db.session.commit()
    repair_cases.refund(rr, _case(case))
    db.session.commit()
    refund = db.session.scalar(select(Refund))
    assert refund.method == "store_credit" and refund.amount == 8900


# -- 4. the dead-end card tells the truth --------------------------------------------------


def test_the_dead_end_card_says_when_the_warranty_ended(app, en, factory):
    grinders(warranty_months=6)
    order = grinder_order(factory, delivered_days_ago=200)
    db.session.commit()
    lookup(en, order)
    shown = page(en.get("/return/items"))
    card = shown.by_id("nothing-returnable")
    assert "The warranty of Coffee grinder (Black) ended on" in card
    assert "still covered by the warranty" not in shown.text


def test_the_dead_end_card_says_when_there_is_no_warranty(app, en, factory):
    grinders(warranty_months=0)
    order = grinder_order(factory, delivered_days_ago=200)
    db.session.commit()
    lookup(en, order)
    card = page(en.get("/return/items")).by_id("nothing-returnable")
    assert "Coffee grinder (Black) has no warranty." in card


def test_the_dead_end_card_in_french(app, client, factory):
    grinders(warranty_months=6)
    order = grinder_order(factory, delivered_days_ago=200)
    db.session.commit()
    lookup(client, order)
    card = page(client.get("/return/items")).by_id("nothing-returnable")
    assert "La garantie de Coffee grinder (Black) a pris fin le" in card


# -- 6. several units on one line --------------------------------------------------------------


def _two(factory, **kwargs):
    grinders(stock=5)
    order = factory.order([("GRIND-BLACK", 2)], delivered_days_ago=200, unit_price=8900)
    return factory.repair(order, quantity=2, **kwargs)


def test_two_units_are_one_case_and_are_replaced_together(app, factory):
    rr, case = _two(factory, at="repairing")
    assert len(repair_cases.cases_of(rr)) == 1 and rr.items[0].quantity == 2
    white = db.session.query(Variant).filter_by(sku="GRIND-WHITE").one()
    before = white.stock_on_hand
    repair_cases.replace(reload(rr), _case(case), white.id, "6A5555555555")
    db.session.commit()
    db.session.refresh(white)
    assert white.stock_on_hand == before - 2


def test_the_refund_is_what_was_paid_for_the_units_received(app, factory):
    rr, case = _two(factory, at="repairing", received=1)  # one of the two came in
    repair_cases.refund(reload(rr), _case(case))
    db.session.commit()
    assert db.session.scalar(select(Refund)).amount == 8900  # one unit, not two
    rr2, case2 = _two(factory, at="repairing")
    repair_cases.refund(reload(rr2), _case(case2))
    db.session.commit()
    amounts = sorted(r.amount for r in db.session.scalars(select(Refund)))
    assert amounts == [8900, 17800]


def test_the_offer_says_units_are_handled_together(app, en, factory):
    grinders()
    order = factory.order([("GRIND-BLACK", 2)], delivered_days_ago=200)
    db.session.commit()
    lookup(en, order)
    shown = page(en.get("/return/items"))
    assert "The units you send for repair are handled together" in shown.text


def test_staff_see_the_units_and_the_refund_for_them(app, staff_en, auth, factory):
    rr, case = _two(factory, at="repairing")
    auth.login("support")
    shown = staff_page(staff_en.get(f"/staff/returns/{rr.rma}"))
    assert "2 × Coffee grinder (Black)" in shown
    assert "Neither possible: refund €178.00" in shown


def test_the_progress_bar_ends_with_what_happened(app, en, client, factory):
    rr, case = factory.repair(at="repairing", locale="en")
    assert "Repair finished" in page(en.get(status_path(rr))).text  # not yet ticked
    repair_cases.ship_repaired(reload(rr), _case(case), "6A1234567890")
    db.session.commit()
    text = page(en.get(status_path(rr))).text
    assert "Repaired or replaced, and sent back" in text
    assert "Refunded or exchange shipped" not in text
    rr2, case2 = factory.repair(at="no_fault", locale="fr")
    repair_cases.send_back(reload(rr2), _case(case2), "6A3333333333")
    db.session.commit()
    text = page(en.get(status_path(rr2))).text
    assert "Sent back to you" in text and "Refunded or exchange shipped" not in text


def test_a_repair_refund_never_pays_a_line_twice(app, factory):
    """Both units were in an earlier return, refunded, whose label had expired (the units
    released) when the same units were sent for repair: the repair's refund is refused with
    a clear message, nothing written, rather than paying the line twice."""
    grinders(stock=5)
    order = factory.order([("GRIND-BLACK", 2)], delivered_days_ago=5, unit_price=8900)
    earlier = factory.return_(order, quantity=2)
    expire_returns(utcnow() + timedelta(days=60))
    order.delivered_at -= timedelta(days=195)  # months later, past the return window
    db.session.commit()
    rr, case = factory.repair(order, quantity=2, at="repairing")
    db.session.add(
        Refund(
            return_item_id=earlier.items[0].id,
            return_id=earlier.id,
            amount=17800,
            currency="EUR",
            method="original_payment",
            status="sent",
        )
    )
    db.session.commit()
    with pytest.raises(InvalidTransition, match="dépasserait le montant payé pour cet article"):
        repair_cases.refund(reload(rr), _case(case))
    db.session.rollback()
    assert db.session.scalar(select(func.count(Refund.id))) == 1
    assert _case(case).refund_id is None

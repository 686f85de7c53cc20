"""The staff's side of a repair: the section on the return page, each step through its
route (roles, CSRF-protected forms, one commit), the staff home's "Repairs by step" tile
with ages and the promise, and illegal steps refused with a clear message."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import Refund, RepairCase, Variant
from tests.staff.staffkit import page, reload


@pytest.fixture
def staff_en(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _state(case) -> str:
    db.session.expire_all()
    return db.session.get(RepairCase, case.id).status


def _post(client, rr, what, case, **data):
    return client.post(
        f"/staff/returns/{rr.rma}/repairs/{what}",
        data={"case_id": str(case.id), **data},
        follow_redirects=True,
    )


def test_receipt_then_diagnosis_from_the_return_page(app, staff_en, auth, factory, mailbox):
    rr, case = factory.repair(locale="en")
    auth.login("warehouse")
    staff_en.post(
        f"/staff/returns/{rr.rma}/receive",
        data={f"qty-{rr.items[0].id}": "1", "note": ""},
        follow_redirects=True,
    )
    assert _state(case) == "received"
    shown = page(staff_en.get(f"/staff/returns/{rr.rma}"))
    assert "Repairs under warranty" in shown and "Repair: received, to diagnose" in shown
    assert "The customer's description of the fault: The motor stopped working." in shown
    assert "Promised by" in shown
    assert "Condition" not in shown.page.by_id("repairs")  # no return grading for it
    response = _post(staff_en, rr, "diagnose", case, covered="yes", note="The motor is faulty.")
    assert "Diagnosis saved; the customer is e-mailed." in page(response)
    assert _state(case) == "repairing"
    assert "repair_diagnosis" in mailbox.kinds(rr.contact_email)


def test_a_quote_needs_a_price(app, staff_en, auth, factory):
    rr, case = factory.repair(at="received", locale="en")
    auth.login("warehouse")
    response = _post(staff_en, rr, "diagnose", case, covered="no", note="Stone", quote="abc")
    assert "Enter the price of the repair" in page(response)
    assert _state(case) == "received"
    response = _post(staff_en, rr, "diagnose", case, covered="no", note="Stone", quote="35,00")
    assert _state(case) == "quoted"
    assert db.session.get(RepairCase, case.id).quote_amount == 3500


def test_ship_repaired_and_a_second_click(app, staff_en, auth, factory, mailbox):
    rr, case = factory.repair(at="repairing", locale="en")
    auth.login("warehouse")
    response = _post(staff_en, rr, "ship", case, step="ship_repaired", tracking="bad code!")
    assert "Enter the tracking number" in page(response)
    assert _state(case) == "repairing"
    response = _post(staff_en, rr, "ship", case, step="ship_repaired", tracking="6A1234567890")
    assert "Repaired and shipped; the customer is e-mailed." in page(response)
    assert _state(case) == "repaired_shipped"
    response = _post(staff_en, rr, "ship", case, step="ship_repaired", tracking="6A1234567891")
    text = page(response)
    assert "this step is not possible now" in text and "Repair: repaired and shipped back" in text
    assert db.session.get(RepairCase, case.id).tracking_code == "6A1234567890"
    assert mailbox.kinds(rr.contact_email).count("repair_shipped") == 1


def test_replace_from_the_page(app, staff_en, auth, factory, mailbox):
    rr, case = factory.repair(at="repairing", locale="en")
    white = db.session.query(Variant).filter_by(sku="GRIND-WHITE").one()
    auth.login("warehouse")
    shown = page(staff_en.get(f"/staff/returns/{rr.rma}"))
    assert "Coffee grinder (White)" in shown.page.by_id("repairs")
    response = _post(
        staff_en, rr, "replace", case, variant_id=str(white.id), tracking="6A3333333333"
    )
    assert "Replacement shipped" in page(response)
    assert _state(case) == "replaced"
    assert "repair_replaced" in mailbox.kinds(rr.contact_email)


def test_replace_with_another_product_is_refused(app, staff_en, auth, factory):
    rr, case = factory.repair(at="repairing", locale="en")
    other = factory.variants("MUG", price=8900, U=3)[0]
    db.session.commit()
    auth.login("warehouse")
    response = _post(staff_en, rr, "replace", case, variant_id=str(other.id), tracking="6A33333")
    assert "Choose the same item or an equivalent one." in page(response)
    assert _state(case) == "repairing"
    assert db.session.get(Variant, other.id).stock_on_hand == 3


def test_only_support_refunds(app, staff_en, auth, factory, mailbox):
    rr, case = factory.repair(at="repairing", locale="en")
    auth.login("warehouse")
    assert "Neither possible: refund" not in page(staff_en.get(f"/staff/returns/{rr.rma}"))
    response = staff_en.post(
        f"/staff/returns/{rr.rma}/repairs/refund", data={"case_id": str(case.id)}
    )
    assert response.status_code in (302, 403)
    assert _state(case) == "repairing" and db.session.query(Refund).count() == 0
    staff_en.post("/staff/logout")
    auth.login("support")
    response = _post(staff_en, rr, "refund", case)
    assert "Refund approved; the customer is e-mailed." in page(response)
    assert _state(case) == "refunded"
    assert db.session.query(Refund).one().amount == 8900
    assert "refund_approved" in mailbox.kinds(rr.contact_email)


def test_a_case_of_another_return_is_not_found(app, staff_en, auth, factory):
    rr, case = factory.repair(at="received")
    other, _case = factory.repair(at="received")
    auth.login("warehouse")
    response = staff_en.post(
        f"/staff/returns/{other.rma}/repairs/diagnose",
        data={"case_id": str(case.id), "covered": "yes", "note": "x"},
    )
    assert response.status_code == 404
    assert _state(case) == "received"


def test_staff_home_shows_repairs_by_step_with_age_and_promise(app, staff_en, auth, factory):
    rr, case = factory.repair(at="received", locale="en")
    quoted, _q = factory.repair(at="quoted", locale="en")
    auth.login("warehouse")
    tile = page(staff_en.get("/staff/")).page.by_id("repairs-by-step")
    assert "Repair: received, to diagnose (1)" in tile
    assert "Repair: quote sent, waiting for the customer (1)" in tile
    assert rr.rma in tile and quoted.rma in tile and "promised by" in tile and " h" in tile


def test_staff_home_marks_a_late_repair(app, staff_en, auth, factory):
    from datetime import timedelta

    rr, case = factory.repair(at="received", locale="en")
    row = db.session.get(RepairCase, case.id)
    row.received_at = row.received_at - timedelta(days=30)
    db.session.commit()
    auth.login("warehouse")
    tile = page(staff_en.get("/staff/")).page.by_id("repairs-by-step")
    assert "Late" in tile and "30 d" in tile


def test_french_staff_page(app, client, auth, factory):
    rr, case = factory.repair(at="received")
    auth.login("warehouse")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    shown = page(client.get(f"/staff/returns/{rr.rma}"))
    assert "Réparations sous garantie" in shown and "Réparation : reçu, à diagnostiquer" in shown
    assert reload(rr).rma in shown


def test_a_repair_keeps_its_own_promise_in_the_late_queue(app, factory):
    from datetime import timedelta

    from portal.models.base import utcnow
    from portal.services import queues

    rr, case = factory.repair(at="repairing")
    rr = reload(rr)
    # past the 2-working-day refund promise, within the 10-working-day repair promise
    assert not queues.is_late(rr, now=utcnow() + timedelta(days=5))
    assert queues.is_late(rr, now=utcnow() + timedelta(days=20))


@pytest.mark.parametrize("at", ["received", "quoted", "repairing"])
def test_repair_pages_show_words_not_codes(app, client, auth, factory, at):
    from tests.staff.test_words import cells_that_are_codes, raw_codes

    rr, _case = factory.repair(at=at)
    auth.login("admin")
    for locale in ("en", "fr"):
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = locale
        for path in (f"/staff/returns/{rr.rma}", "/staff/"):
            shown = page(client.get(path))
            assert not raw_codes(shown, locale), (locale, path, raw_codes(shown, locale))
            if locale == "en":
                assert not cells_that_are_codes(shown.page), (
                    path,
                    cells_that_are_codes(shown.page),
                )

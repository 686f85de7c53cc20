"""The customer's side of a repair: the items page offers it instead of a dead end, the
request reuses the relay step and the label, the status page tells each step, and the
quote is answered with one click from a signed link."""

from __future__ import annotations

from portal.extensions import db
from portal.models import RepairCase, Variant
from portal.services.repair_links import quote_path
from tests.customer.pagekit import confirm, item_fields, lookup, page, returns, to_review
from tests.repairs.build import grinder_order, grinders
from tests.staff.staffkit import reload


def _repair_fields(line, reason="stopped_working", comment="It no longer grinds."):
    return item_fields(line, reason=reason, resolution="repair", comment=comment)


def test_past_the_window_but_under_warranty_offers_a_repair(app, en, factory):
    order = grinder_order(factory, delivered_days_ago=200)
    db.session.commit()
    lookup(en, order)
    shown = page(en.get("/return/items"))
    assert "The return period ended on" in shown.text
    assert "Still under warranty until" in shown.text
    assert "Request a repair under warranty" in shown.text
    assert "Nothing in this order can be returned" not in shown.text
    radios = [c for c in shown.controls if c.name == f"item-{order.lines[0].id}-resolution"]
    assert [c.attrs.get("value") for c in radios] == ["repair"]


def test_past_the_warranty_is_still_a_dead_end(app, en, factory):
    grinders(warranty_months=6)
    order = grinder_order(factory, delivered_days_ago=200)
    db.session.commit()
    lookup(en, order)
    shown = page(en.get("/return/items"))
    assert "Nothing in this order can be returned" in shown.text
    assert "Request a repair" not in shown.text
    # and a forged form is refused, nothing made
    response = en.post("/return/items", data=_repair_fields(order.lines[0]))
    assert response.status_code == 422
    assert "The return period ended on" in page(response).text
    assert returns() == []


def test_inside_the_window_a_repair_is_one_more_choice(app, en, factory):
    order = grinder_order(factory, delivered_days_ago=5)
    db.session.commit()
    lookup(en, order)
    shown = page(en.get("/return/items"))
    assert "Under warranty until" in shown.text
    values = {c.attrs.get("value") for c in shown.controls if c.name.endswith("-resolution")}
    assert {"repair", "refund", "store_credit"} <= values


def test_a_repair_needs_a_fault(app, en, factory):
    order = grinder_order(factory)
    db.session.commit()
    lookup(en, order)
    response = en.post("/return/items", data=_repair_fields(order.lines[0], reason="too_big"))
    assert response.status_code == 422
    assert "A repair is for a faulty item" in page(response).text


def test_the_repair_request_goes_through_the_relay_step_and_gets_a_label(app, en, factory, mailbox):
    order = grinder_order(factory)
    point = factory.relay_point()
    db.session.commit()
    to_review(en, order, point, _repair_fields(order.lines[0]))
    review = page(en.get("/return/review"))
    assert "Coffee grinder (Black) — repair under warranty" in review.text
    response = confirm(en)
    assert response.status_code == 302
    (rr,) = returns()
    assert rr.current_label is not None and rr.relay_point_id == point.id
    case = db.session.query(RepairCase).one()
    assert case.status == "awaiting_parcel" and rr.items[0].comment == "It no longer grinds."
    status = page(en.get(response.headers["Location"]))
    assert "You asked us to repair your Coffee grinder (Black)." in status.text
    assert "Download the label" in status.text
    assert "confirmation" in mailbox.kinds(order.email)


def test_status_page_tells_each_step(app, en, factory):
    from portal.links import status_path
    from portal.services import repair_cases

    rr, case = factory.repair(at="repairing", locale="en")
    text = page(en.get(status_path(rr))).text
    assert "We received your Coffee grinder (Black)." in text
    assert "Diagnosis: The motor is faulty. It is covered, we are repairing it." in text
    assert "We're taking care of your repair. It is done by" in text
    repair_cases.ship_repaired(reload(rr), db.session.get(RepairCase, case.id), "6A1234567890")
    db.session.commit()
    text = page(en.get(status_path(rr))).text
    assert "Repaired and on its way back: tracking 6A1234567890." in text


def test_quote_link_opens_a_page_and_one_click_accepts(app, en, factory, mailbox):
    from portal.links import status_path

    rr, case = factory.repair(at="quoted", locale="en")
    link = quote_path(rr, case)
    assert "Accept or decline the quote" in page(en.get(status_path(rr))).text
    shown = page(en.get(link))
    assert "Our diagnosis: The burr is broken by a stone." in shown.text
    assert "Repair: €35.00." in shown.text
    assert reload(rr) and db.session.get(RepairCase, case.id).status == "quoted"  # a GET
    response = en.post(link, data={"answer": "accept"}, follow_redirects=True)
    assert "Thank you: we are repairing your item." in page(response).text
    db.session.expire_all()
    assert db.session.get(RepairCase, case.id).status == "repairing"
    assert "repair_quote_answer" in mailbox.kinds(rr.contact_email)
    # a second click (another tab): a clear message, nothing changes
    response = en.post(link, data={"answer": "decline"}, follow_redirects=True)
    assert "You have already answered this quote." in page(response).text
    db.session.expire_all()
    assert db.session.get(RepairCase, case.id).status == "repairing"
    assert "This quote has been answered" in page(en.get(link)).text


def test_quote_decline_and_bad_links(app, en, factory):
    rr, case = factory.repair(at="quoted", locale="en")
    link = quote_path(rr, case)
    assert en.get(link[:-3] + "xyz").status_code == 404
    assert en.post(link, data={"answer": "maybe"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(RepairCase, case.id).status == "quoted"
    en.post(link, data={"answer": "decline"})
    db.session.expire_all()
    assert db.session.get(RepairCase, case.id).status == "quote_declined"


def test_the_quote_form_needs_its_csrf_token(app, factory):
    rr, case = factory.repair(at="quoted", locale="en")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with app.test_client() as c:
            response = c.post(quote_path(rr, case), data={"answer": "accept"})
            assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.get(RepairCase, case.id).status == "quoted"


def test_the_catalogue_sets_a_warranty(app, factory):
    grinders(warranty_months=36)
    grinder = db.session.query(Variant).filter_by(sku="GRIND-BLACK").one()
    assert grinder.product.warranty_months == 36
    grinders(warranty_months=None)
    db.session.expire_all()
    assert (
        db.session.query(Variant).filter_by(sku="GRIND-BLACK").one().product.warranty_months is None
    )


def test_the_return_slip_says_it_is_a_repair(app, factory):
    from portal.services.return_slip import slip_pdf
    from tests.labels.conftest import ReadPdf

    rr, _case = factory.repair(locale="fr")
    assert "Une réparation sous garantie" in ReadPdf.text(slip_pdf(rr))

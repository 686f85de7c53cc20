"""Confirming: one return however often it is submitted; the done page; the label."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from portal.extensions import db
from portal.models import Variant
from tests.customer.pagekit import confirm, item_fields, page, returns, to_review


@pytest.fixture
def on_review(en, shop):
    to_review(en, shop.order, shop.point, item_fields(shop.line))
    return shop


def test_double_click_makes_one_return_and_both_land_on_it(en, on_review):
    first = confirm(en)
    second = confirm(en)
    made = returns()
    assert len(made) == 1
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert first.headers["Location"].startswith("/r/")
    assert made[0].rma in page(en.get(second.headers["Location"])).text


def test_back_button_and_submit_again_makes_no_second_return(en, on_review, mailbox):
    done = confirm(en)
    status = done.headers["Location"]
    # back to the review page: it now shows where the return is, not a new form
    back = en.get("/return/review")
    assert back.status_code == 302 and back.headers["Location"] == status.split("?")[0]
    # the browser shows the cached review page; the customer presses confirm again
    again = confirm(en)
    assert again.headers["Location"] == status
    assert len(returns()) == 1
    assert mailbox.kinds(on_review.order.email) == ["confirmation"]  # one e-mail, too


def test_reload_of_the_items_page_after_confirming_shows_the_return(en, on_review):
    done = confirm(en)
    response = en.get("/return/items")
    assert response.headers["Location"] == done.headers["Location"].split("?")[0]


def test_a_new_lookup_starts_a_new_return(en, factory, on_review):
    confirm(en)
    other = factory.order()
    db.session.commit()
    to_review(en, other, on_review.point, item_fields(other.lines[0]))
    confirm(en)
    assert len(returns()) == 2


def test_confirm_without_a_journey_goes_to_the_start(en):
    response = confirm(en)
    assert response.headers["Location"] == "/"
    assert returns() == []


def test_done_page_has_rma_label_status_link_and_email_note(en, on_review, app):
    done = confirm(en)
    response = en.get(done.headers["Location"])
    shown = page(response)
    rr = returns()[0]
    assert rr.status == "label_issued"
    assert shown.by_id("rma") == rr.rma
    assert "Your return is confirmed" in shown.text
    assert "We've e-mailed you the label." in shown.text
    link = shown.by_id("status-link")
    assert link == "http://portal.test" + done.headers["Location"].split("?")[0]
    label_links = [href for href in shown.links if href.endswith("/label.pdf")]
    assert len(label_links) == 1
    pdf = en.get(label_links[0])
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert f'filename="label-{rr.rma}.pdf"' in pdf.headers["Content-Disposition"]
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert rr.rma in text
    assert rr.current_label.tracking_code in text.replace(" ", "")


def test_timeline_shows_dates(en, on_review):
    from babel.dates import format_date

    done = confirm(en)
    shown = page(en.get(done.headers["Location"]))
    rr = returns()[0]
    today = format_date(rr.created_at.date(), "medium", locale="en")
    assert f"Return requested — {today}" in shown.text
    assert f"Label ready — {today}" in shown.text
    assert "Parcel dropped off" in shown.text
    assert "Print the label" in shown.by_id("next-step")


def test_exchange_reserves_stock_once(en, shop):
    to_review(
        en,
        shop.order,
        shop.point,
        item_fields(shop.line, resolution="exchange", exchange=shop.large),
    )
    review = page(en.get("/return/review"))
    assert "1 × TEE shirt (Blue · M) — exchange" in review.text
    confirm(en)
    confirm(en)
    db.session.expire_all()
    assert db.session.get(Variant, shop.large.id).stock_reserved == 1
    item = returns()[0].items[0]
    assert item.exchange_variant_id == shop.large.id and item.stock_reserved


def test_review_reflects_what_was_chosen_and_where(en, on_review):
    shown = page(en.get("/return/review"))
    assert "1 × TEE shirt (Blue · M) — refund" in shown.text
    assert on_review.point.name in shown.text
    assert "Expected refund: €25.00" in shown.text
    form = shown.form_posting_to("/return/confirm")
    assert form.method == "post"


def test_confirm_address_typed_in_the_browser_goes_to_the_review(en, on_review):
    response = en.get("/return/confirm")
    assert response.headers["Location"] == "/return/review"
    assert returns() == []


def test_two_clicks_in_flight_with_the_same_cookie_make_one_return(en, on_review, mailbox):
    """Both requests leave the browser before the first answer sets the new cookie."""
    cookie_before = en.get_cookie("session").value
    first = confirm(en)
    en.set_cookie("session", cookie_before)  # the second request carries the old cookie
    second = confirm(en)
    assert second.headers["Location"] == first.headers["Location"]
    assert len(returns()) == 1
    assert mailbox.kinds(on_review.order.email) == ["confirmation"]
    # and that answer ends the journey too
    assert en.get("/return/review").headers["Location"] == first.headers["Location"].split("?")[0]

"""Accessibility basics on every customer page: labels, language, one heading, landmarks."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.links import status_path
from tests.customer.pagekit import item_fields, lookup, page, to_review


@pytest.fixture
def pages(client, factory, shop):
    """Every customer page, in the states a customer can see it: (name, response)."""
    factory.variants("TEE", XL=2)
    factory.variants("SALE", price=1000, M=1)
    order = factory.order([("TEE-M", 1), ("SALE-M", 1)], final_sale=("SALE-M",))
    gift = factory.order([("TEE-M", 1)], gift_code="GIFT-AAAA-BBBB-CCCC")
    rr = factory.return_(factory.order())
    db.session.commit()
    seen = []

    def visit(name, response):
        seen.append((name, response))

    visit("start", client.get("/"))
    visit("start, empty fields", client.post("/lookup", data={}))
    visit("start, not found", client.post("/lookup", data={"number": "X", "contact": "y@z.fr"}))
    visit("gift", client.get("/gift"))
    visit("gift, not found", client.post("/gift", data={"code": "GIFT-0000-0000-0000"}))
    visit("policy", client.get("/policy"))
    visit("not found", client.get("/nowhere"))
    lookup(client, order)
    visit("items", client.get("/return/items"))
    tee = order.lines[0]
    visit(
        "items, errors",
        client.post("/return/items", data=item_fields(tee, reason="", resolution="exchange")),
    )
    to_review(client, shop.order, shop.point, item_fields(shop.line))
    visit("relay", client.get("/return/relay"))
    visit("review", client.get("/return/review"))
    done = client.post("/return/confirm")
    visit("done", client.get(done.headers["Location"]))
    visit("status", client.get(status_path(rr)))
    visit("status, other relay point", client.get(status_path(rr) + "/relay"))
    client.post("/gift", data={"code": "GIFT-AAAA-BBBB-CCCC"})
    client.post("/return/items", data=item_fields(gift.lines[0], resolution="store_credit"))
    visit("gift contact", client.get("/return/contact"))
    visit("gift contact, errors", client.post("/return/contact", data={"email": "nope"}))
    return seen


def test_every_control_has_a_label(pages):
    for name, response in pages:
        shown = page(response)
        missing = [(c.tag, c.attrs) for c in shown.unlabelled_controls()]
        assert not missing, f"{name}: {missing}"


def test_every_page_says_its_language_and_has_one_heading_and_a_main(pages):
    for name, response in pages:
        shown = page(response)
        assert shown.html_attrs.get("lang") in ("fr", "en"), name
        assert shown.html.count("<h1") == 1, name
        assert "main" in shown.ids, name
        assert "<title>" in shown.html and "Maison Lin" in shown.html, name


def test_field_errors_are_tied_to_their_fields(pages):
    for name, response in pages:
        shown = page(response)
        for control in shown.controls:
            if control.attrs.get("aria-invalid") == "true":
                described = control.attrs.get("aria-describedby", "")
                assert described and shown.by_id(described), (name, control.attrs)
    by_name = dict(pages)
    assert page(by_name["start, empty fields"]).control("number").attrs.get("aria-invalid")
    assert page(by_name["gift contact, errors"]).control("email").attrs.get("aria-invalid")


def test_choices_are_grouped_with_a_legend(pages):
    shown = page(dict(pages)["items"])
    radios = [c for c in shown.controls if c.type == "radio"]
    assert radios and all(c.in_label for c in radios)
    assert "<legend>" in shown.html


def test_pages_fit_a_phone(pages):
    for name, response in pages:
        assert 'name="viewport" content="width=device-width, initial-scale=1"' in (
            page(response).html
        ), name

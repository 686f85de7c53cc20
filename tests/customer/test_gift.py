"""The gift path: a gift code, no prices or buyer details, the recipient's own name."""

from __future__ import annotations

import pytest

from portal.extensions import db
from tests.customer.pagekit import confirm, item_fields, page, returns

CODE = "GIFT-7KQ2-M9XD-4TPW"
RECIPIENT = {
    "name": "Zoé Kowalczyk",
    "email": "zoe@example.pl",
    "line1": "3 quai de Saône",
    "postcode": "69001",
    "city": "Lyon",
}


@pytest.fixture
def gift(shop, factory):
    order = factory.order(
        [("TEE-M", 1)], email="buyer@example.fr", postcode="75011", gift_code=CODE
    )
    db.session.commit()
    return order


@pytest.mark.parametrize("typed", [CODE, CODE.lower(), CODE.replace("-", ""), f"  {CODE} "])
def test_gift_code_is_tolerant(en, gift, typed):
    response = en.post("/gift", data={"code": typed})
    assert response.headers["Location"] == "/return/items"


def test_wrong_gift_code_gets_a_neutral_message(en, gift):
    response = en.post("/gift", data={"code": "GIFT-0000-0000-0000"})
    assert response.status_code == 404
    shown = page(response)
    assert "We could not find a gift with this code." in shown.by_id("lookup-error")
    assert shown.control("code").attrs["aria-describedby"] == "lookup-error"


def test_gift_items_page_hides_prices_and_the_buyer(en, gift):
    en.post("/gift", data={"code": CODE})
    shown = page(en.get("/return/items"))
    assert "TEE shirt" in shown.text
    assert "€" not in shown.text and "25.00" not in shown.text
    assert "buyer@example.fr" not in shown.html
    assert "1 rue de la Paix" not in shown.html


def test_gift_journey_in_the_recipients_name(en, gift, mailbox):
    en.post("/gift", data={"code": CODE})
    line = gift.lines[0]
    moved = en.post("/return/items", data=item_fields(line, resolution="store_credit"))
    assert moved.headers["Location"] == "/return/contact"
    # the details are required, with the errors next to the fields
    bad = en.post("/return/contact", data={**RECIPIENT, "email": "not-an-address", "city": ""})
    assert bad.status_code == 422
    shown = page(bad)
    for name in ("email", "city"):
        control = shown.control(name)
        assert control.attrs["aria-invalid"] == "true"
        assert shown.by_id(control.attrs["aria-describedby"])
    assert shown.control("name").attrs.get("aria-invalid") is None
    moved = en.post("/return/contact", data=RECIPIENT)
    assert moved.headers["Location"] == "/return/relay"
    relay = page(en.get("/return/relay"))
    assert relay.control("postcode").attrs["value"] == "69001"  # the recipient's, not the buyer's
    en.post("/return/relay", data={"relay_point_id": _any_point()})
    review = page(en.get("/return/review"))
    assert "€" not in review.text and "totals" not in review.ids
    confirm(en)
    rr = returns()[0]
    assert rr.is_gift
    assert (rr.contact_name, rr.contact_email, rr.sender_postcode) == (
        "Zoé Kowalczyk",
        "zoe@example.pl",
        "69001",
    )
    assert mailbox.kinds("zoe@example.pl") == ["confirmation"]
    assert mailbox.to("buyer@example.fr") == []
    assert "Zoé Kowalczyk" in mailbox.to("zoe@example.pl")[0].get_body(("plain",)).get_content()


def test_contact_page_is_only_for_gifts(en, shop):
    en.post("/lookup", data={"number": shop.order.number, "contact": shop.order.email})
    assert en.get("/return/contact").headers["Location"] == "/"


def _any_point() -> int:
    from portal.models import RelayPoint

    return db.session.query(RelayPoint).first().id


def test_skipping_the_details_page_is_caught_on_confirming(en, gift):
    en.post("/gift", data={"code": CODE})
    en.post("/return/items", data=item_fields(gift.lines[0], resolution="store_credit"))
    en.post("/return/relay", data={"relay_point_id": _any_point()})  # typed the address
    response = confirm(en)
    assert response.headers["Location"] == "/return/contact"
    assert "Please tell us your name and e-mail." in page(en.get("/return/contact")).text
    assert returns() == []

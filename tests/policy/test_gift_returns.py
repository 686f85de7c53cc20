"""A gift recipient: gift code only, no prices, their own name, the buyer never told."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import ReturnRequest, StoreCredit, Variant

GIFT = "GIFT-ABCD-EFGH-JKLM"


@pytest.fixture
def gift_order(factory):
    factory.variants(M=5, L=3)
    order = factory.order([("TEE-M", 2)], email="buyer@example.fr", gift_code=GIFT)
    factory.relay_point()
    db.session.commit()
    return order


def go_through(client, order, resolution="store_credit", exchange=None):
    client.get("/lang/en")
    assert client.post("/gift", data={"code": " gift-abcd-efgh-jklm "}).status_code == 302
    line = order.lines[0]
    data = {
        f"item-{line.id}-quantity": "1",
        f"item-{line.id}-reason": "too_small",
        f"item-{line.id}-resolution": resolution,
    }
    if exchange:
        data[f"item-{line.id}-exchange"] = str(exchange.id)
    return client.post("/return/items", data=data)


def test_gift_pages_never_show_prices(client, gift_order):
    client.get("/lang/en")
    client.post("/gift", data={"code": GIFT})
    page = client.get("/return/items").get_data(as_text=True)
    assert "€" not in page and "25.00" not in page
    assert "Refund to my original payment" not in page
    assert "buyer@example.fr" not in page and "rue de la Paix" not in page


def test_gift_return_store_credit_in_recipient_name(client, gift_order, mailbox):
    response = go_through(client, gift_order)
    assert response.headers["Location"].endswith("/return/contact")
    client.post(
        "/return/contact",
        data={
            "name": "Zoé Cadeau",
            "email": "zoe@example.fr",
            "line1": "5 rue Neuve",
            "postcode": "69002",
            "city": "Lyon",
        },
    )
    relay_page = client.get("/return/relay").get_data(as_text=True)
    assert 'value="69002"' in relay_page
    assert db.session.query(ReturnRequest).count() == 0  # nothing created before confirm
    from portal.models import RelayPoint

    client.post("/return/relay", data={"relay_point_id": db.session.query(RelayPoint).first().id})
    review = client.get("/return/review").get_data(as_text=True)
    assert "€" not in review
    status = client.post("/return/confirm", follow_redirects=True).get_data(as_text=True)
    assert "€" not in status
    rr = db.session.query(ReturnRequest).one()
    assert rr.is_gift and rr.contact_email == "zoe@example.fr"
    assert rr.sender_postcode == "69002"
    assert mailbox.to("buyer@example.fr") == []
    assert mailbox.kinds("zoe@example.fr") == ["confirmation"]
    body = mailbox.to("zoe@example.fr")[0].get_body(("plain",)).get_content()
    assert "€" not in body and "Zoé Cadeau" in body


def test_gift_refund_to_buyer_is_refused_by_default(client, gift_order):
    response = go_through(client, gift_order, resolution="refund")
    assert response.status_code == 422
    assert "Please choose what you would like instead." in response.get_data(as_text=True)


def test_gift_exchange_reserves_stock(client, gift_order):
    large = db.session.query(Variant).filter_by(sku="TEE-L").one()
    response = go_through(client, gift_order, resolution="exchange", exchange=large)
    assert response.status_code == 302


def test_wrong_gift_code_is_neutral(client, gift_order):
    client.get("/lang/en")
    response = client.post("/gift", data={"code": "GIFT-ZZZZ-ZZZZ-ZZZZ"})
    assert response.status_code == 404
    assert "We could not find a gift with this code" in response.get_data(as_text=True)


def test_store_credit_has_no_double_spend(app, factory):
    from portal.services.credits import InsufficientBalance, issue_credit, redeem

    credit = issue_credit(
        amount=1000, currency="EUR", owner_name="Z", owner_email="z@x.fr", kind="refund"
    )
    db.session.commit()
    redeem(credit.code, 600, "k1")
    db.session.commit()
    with pytest.raises(InsufficientBalance):
        redeem(credit.code, 600, "k2")
    db.session.rollback()
    assert db.session.get(StoreCredit, credit.id).balance == 400

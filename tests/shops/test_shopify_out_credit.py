"""Store credit for a Shopify order's customer is a Shopify gift card (giftCardCreate),
made after commit, exactly once; its code in the e-mail, and nothing promised before."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import PlatformCall, StoreCredit
from portal.outbox import deliver_due
from portal.security import status_token
from tests.shops.conftest import shopify_return
from tests.staff.conftest import StaffClient
from tests.staff.staffkit import page, text_of


@pytest.fixture
def app(app):
    app.test_client_class = StaffClient
    app.config["DEFAULT_LOCALE"] = "en"
    return app


def _credited(factory, shopify, auth, desk, mailbox):
    rr = shopify_return(factory, shopify, resolution="store_credit", inspect=True)
    mailbox.clear()
    auth.login("support")
    desk.refund(rr)
    return rr


def _call() -> PlatformCall:
    db.session.expire_all()
    return db.session.scalars(select(PlatformCall)).one()


def test_the_credit_is_a_shopify_gift_card_and_its_code_is_in_the_email(
    client, factory, shopify, auth, desk, mailbox
):
    rr = _credited(factory, shopify, auth, desk, mailbox)
    credit = db.session.scalars(select(StoreCredit)).one()
    db.session.refresh(credit)
    assert list(shopify.gift_cards) == [credit.code]
    card = shopify.gift_cards[credit.code]
    assert card["initialValue"]["amount"] == "25.00" and rr.rma in card["note"]
    assert _call().status == "done"
    assert "store_credit" in mailbox.kinds("anne@example.fr")
    mail = text_of(mailbox.to("anne@example.fr")[-1])
    assert f"Your code: {credit.code}" in mail
    assert credit.code.isalnum()


def test_a_timeout_after_shopify_made_it_is_not_a_second_card(
    client, factory, shopify, auth, desk, mailbox, runner
):
    shopify.fail("graphql:giftCardCreate", "drop_after")
    rr = _credited(factory, shopify, auth, desk, mailbox)
    call = _call()
    assert call.status == "pending" and call.attempts == 1 and "did not answer" in call.last_error
    assert len(shopify.gift_cards) == 1  # made, though we did not hear back
    assert "store_credit" not in mailbox.kinds("anne@example.fr")  # not promised yet
    status = page(client.get(f"/r/{status_token(rr.access_key)}"))
    credit = db.session.scalars(select(StoreCredit)).one()
    assert credit.code not in status and credit.code.replace("-", "") not in status
    call.next_attempt_at = call.created_at
    db.session.commit()
    result = runner.invoke(args=["shop", "calls"])
    assert "done 1" in result.output, result.output
    assert len(shopify.gift_cards) == 1
    assert _call().status == "done"
    deliver_due()
    assert mailbox.kinds("anne@example.fr").count("store_credit") == 1
    credit = db.session.scalars(select(StoreCredit)).one()
    assert f"Your code: {credit.code}" in text_of(mailbox.to("anne@example.fr")[-1])
    assert rr.rma in shopify.gift_cards[credit.code]["note"]
    assert credit.code in page(client.get(f"/r/{status_token(rr.access_key)}"))


def test_shopify_refusing_tells_staff_not_the_customer(
    client, factory, shopify, auth, desk, mailbox
):
    shopify.cost = 0  # a cheap bucket; the refusal is the gift card's own
    original = shopify._gql_giftCardCreate

    def refuse(variables):
        return {
            "giftCard": None,
            "giftCardCode": None,
            "userErrors": [
                {
                    "field": ["input"],
                    "message": "Gift card limit exceeded",
                    "code": "GIFT_CARD_LIMIT_EXCEEDED",
                }
            ],
        }

    shopify._gql_giftCardCreate = refuse
    rr = _credited(factory, shopify, auth, desk, mailbox)
    shopify._gql_giftCardCreate = original
    assert _call().status == "refused"
    assert "store_credit" not in mailbox.kinds("anne@example.fr")
    auth.login("admin")
    text = page(client.get("/staff/shops"))
    assert rr.rma in text and "Gift card limit exceeded" in text
    # the cause fixed, staff try again: the card is made and the customer told
    client.post(f"/staff/shops/calls/{_call().id}/retry")
    assert _call().status == "done" and len(shopify.gift_cards) == 1
    assert "store_credit" in mailbox.kinds("anne@example.fr")

"""A refund of a Shopify order is made in Shopify (refunds/calculate then refunds.json),
through the payment worker's states and key: what the customer, staff and Shopify see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import Refund
from portal.models.base import utcnow
from portal.payments.base import refund_key
from tests.shops.conftest import shopify_return
from tests.staff.conftest import StaffClient
from tests.staff.staffkit import page, text_of


@pytest.fixture
def app(app):
    app.test_client_class = StaffClient
    app.config["DEFAULT_LOCALE"] = "en"
    return app


def the_refund() -> Refund:
    db.session.expire_all()
    return db.session.query(Refund).one()


def due_now(refund) -> None:
    refund.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_the_refund_is_made_in_shopify_once_and_the_customer_told(
    client, factory, auth, desk, mailbox, shopify
):
    rr = shopify_return(factory, shopify)
    mailbox.clear()
    auth.login("support")
    desk.refund(rr)
    refund = the_refund()
    assert (refund.status, refund.provider) == ("sent", "shopify")
    made = shopify.refunds[7001]
    assert len(made) == 1 and refund.provider_refund_id == str(made[0]["id"])
    assert made[0]["refund_line_items"] == [
        {"line_item_id": 70011, "quantity": 1, "restock_type": "no_restock"}
    ]
    assert [t["amount"] for t in made[0]["transactions"]] == ["25.00"]
    assert f"[{refund_key(refund.id, refund.generation)}]" in made[0]["note"]
    assert rr.rma in made[0]["note"]
    assert mailbox.kinds("anne@example.fr") == ["refund_approved", "refund_sent"]
    assert "has been sent to your original payment method" in text_of(
        mailbox.to("anne@example.fr")[-1]
    )
    assert "Shopify" in page(client.get("/staff/refunds"))


def test_a_timeout_after_shopify_made_it_finds_it_by_its_note_not_twice(
    client, factory, auth, desk, mailbox, shopify, runner, app
):
    app.config["SHOPIFY_TIMEOUT"] = 0.5
    shopify.slow_seconds = 1.5
    shopify.fail("refund", "slow")
    rr = shopify_return(factory, shopify)
    auth.login("support")
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "approved" and "did not answer" in refund.last_error
    assert len(shopify.refunds[7001]) == 1  # Shopify made it; we did not hear back
    due_now(refund)
    result = runner.invoke(args=["refunds", "send"])
    assert "sent 1" in result.output, result.output
    refund = the_refund()
    assert refund.status == "sent"
    assert len(shopify.refunds[7001]) == 1
    assert refund.provider_refund_id == str(shopify.refunds[7001][0]["id"])


def test_shopify_refusing_fails_it_with_the_reason_for_staff(
    client, factory, auth, desk, mailbox, shopify
):
    shopify.scopes_out.discard("write_orders")
    rr = shopify_return(factory, shopify)
    mailbox.clear()
    auth.login("support")
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "failed"
    assert "write_orders" in refund.failure_reason
    assert 7001 not in shopify.refunds
    assert "write_orders" in page(client.get("/staff/refunds"))


def test_a_429_is_waited_out_and_the_refund_still_made_once(client, factory, auth, desk, shopify):
    rr = shopify_return(factory, shopify)
    shopify.throttle(2)
    auth.login("support")
    desk.refund(rr)
    assert the_refund().status == "sent"
    assert len(shopify.refunds[7001]) == 1 and shopify.throttled == 2

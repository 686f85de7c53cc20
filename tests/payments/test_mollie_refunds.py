"""Refunds through mollie-api-python against the fake Mollie: look up before create, so a
lost answer never becomes a second refund."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models.base import utcnow
from tests.fakes.mollie_server import FakeMollie
from tests.payments.conftest import inspected, key_of, the_refund
from tests.staff.staffkit import page, text_of


def due_now(refund) -> None:
    refund.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_a_refund_is_created_on_the_payment_with_our_key(
    factory, support, desk, mailbox, mollie_fake
):
    rr = inspected(factory, reference="tr_test")
    mailbox.clear()
    desk.refund(rr)
    refund = the_refund()
    assert (refund.status, refund.provider, refund.provider_status) == ("sent", "mollie", "pending")
    created = mollie_fake.refunds[0]
    assert created["amount"] == {"currency": "EUR", "value": "25.00"}
    assert created["metadata"] == {"retours_refund": key_of(refund)}
    assert created["description"].endswith(rr.rma)
    assert mollie_fake.refunds_for(key_of(refund)) == 1
    assert mailbox.kinds("anne@example.fr") == ["refund_approved", "refund_sent"]
    assert mollie_fake.count("list_refunds") == 1  # looked up before creating


@pytest.mark.parametrize("mode", ["drop_after", "slow"])
def test_a_lost_answer_is_found_by_the_look_up_not_created_again(
    factory, support, desk, runner, mode
):
    with FakeMollie(honour_idempotency=False, slow_seconds=2.0) as fake:
        fake.add_payment("tr_lost", "50.00")
        from flask import current_app

        current_app.config["MOLLIE_API_ENDPOINT"] = fake.url
        current_app.config["MOLLIE_API_KEY"] = fake.api_key
        current_app.config["PAYMENT_PROVIDER"] = "mollie"
        fake.fail("create_refund", mode)
        rr = inspected(factory, reference="tr_lost")
        desk.refund(rr)
        refund = the_refund()
        assert refund.status == "approved" and refund.last_error
        assert len(fake.refunds) == 1  # Mollie did create it
        due_now(refund)
        runner.invoke(args=["refunds", "send"])
        refund = the_refund()
        assert refund.status == "sent"
        assert refund.provider_refund_id == fake.refunds[0]["id"]
        assert len(fake.refunds) == 1 and fake.count("create_refund") == 1


def test_a_5xx_on_the_look_up_retries_later(factory, support, desk, runner, mollie_fake):
    mollie_fake.fail("list_refunds", "502")
    rr = inspected(factory, reference="tr_test")
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "approved" and "502" in refund.last_error
    assert mollie_fake.refunds == []
    due_now(refund)
    runner.invoke(args=["refunds", "send"])
    assert the_refund().status == "sent" and len(mollie_fake.refunds) == 1


def test_a_refusal_is_failed_with_mollies_detail(
    client, factory, support, desk, mailbox, mollie_fake
):
    mollie_fake.add_payment(
        "tr_voucher", "25.00", refuse="The payment method does not support refunds."
    )
    rr = inspected(factory, reference="tr_voucher")
    mailbox.clear()
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "failed"
    assert "does not support refunds" in refund.failure_reason
    assert mailbox.kinds("anne@example.fr") == ["refund_approved", "refund_failed"]
    assert "We could not send your refund of €25.00" in text_of(mailbox.to("anne@example.fr")[-1])
    assert "does not support refunds" in page(client.get("/staff/refunds"))
    assert mollie_fake.refunds == []


def test_an_order_without_a_mollie_payment_id_fails_plainly(factory, support, desk, mollie_fake):
    rr = inspected(factory, reference="pi_test")
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "failed" and "tr_" in refund.failure_reason
    assert mollie_fake.requests == []


def test_kwd_and_jpy_amounts_are_sent_with_their_own_decimals(mollie_fake):
    from portal.payments.base import RefundOrder
    from portal.payments.mollie_provider import MollieProvider

    mollie_fake.add_payment("tr_kwd", "10.000", "KWD")
    mollie_fake.add_payment("tr_jpy", "5000", "JPY")
    provider = MollieProvider(mollie_fake.api_key, mollie_fake.url, 2)
    provider.send(RefundOrder(1, "retours-refund-1-0", 1500, "KWD", "tr_kwd", "x"))
    provider.send(RefundOrder(2, "retours-refund-2-0", 1000, "JPY", "tr_jpy", "x"))
    assert [r["amount"]["value"] for r in mollie_fake.refunds] == ["1.500", "1000"]

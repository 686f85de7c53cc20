"""Refunds through Stripe's SDK against the fake Stripe: what the customer and staff see, and
how many refunds Stripe created (never more than one per refund of ours)."""

from __future__ import annotations

import socket
from datetime import timedelta

from portal.extensions import db
from portal.models.base import utcnow
from tests.payments.conftest import inspected, key_of, the_refund
from tests.staff.staffkit import page, text_of


def due_now(refund) -> None:
    refund.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_a_refund_is_sent_after_commit_and_the_customer_told_each_step(
    client, factory, support, desk, mailbox, stripe_fake
):
    rr = inspected(factory)
    mailbox.clear()
    desk.refund(rr)
    refund = the_refund()
    assert (refund.status, refund.provider, refund.provider_status) == (
        "sent",
        "stripe",
        "succeeded",
    )
    assert refund.provider_refund_id.startswith("re_")
    assert stripe_fake.refunds_for(key_of(refund)) == 1
    created = stripe_fake.refunds[0]
    assert (created["amount"], created["payment_intent"]) == (2500, "pi_test")
    assert mailbox.kinds("anne@example.fr") == ["refund_approved", "refund_sent"]
    approved, sent = (text_of(m) for m in mailbox.to("anne@example.fr"))
    assert "is approved" in approved and "refunded" not in approved.lower()
    assert "has been sent to your original payment method" in sent
    assert "5 to 10 working days" in sent
    status = page(client.get(f"/r/{status_token(rr)}"))
    assert "Sent: €25.00 to your original payment method." in status
    assert "Your refund of €25.00 has been sent to your original payment method." in status


def status_token(rr) -> str:
    from portal.security import status_token as token

    return token(rr.access_key)


def test_a_5xx_leaves_it_approved_then_the_worker_sends_it_once(
    client, factory, support, desk, mailbox, stripe_fake, runner
):
    stripe_fake.fail("create_refund", "503")
    rr = inspected(factory)
    mailbox.clear()
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "approved" and refund.attempts == 1
    assert "503" in refund.last_error and refund.next_attempt_at > utcnow()
    assert mailbox.kinds("anne@example.fr") == ["refund_approved"]
    text = page(client.get("/staff/refunds"))
    assert "Being sent by the payment provider" in text and rr.rma in text
    assert stripe_fake.refunds == []
    result = runner.invoke(args=["refunds", "send"])
    assert "sent 0" in result.output  # not due yet: the backoff holds
    due_now(refund)
    result = runner.invoke(args=["refunds", "send"])
    assert "sent 1" in result.output, result.output
    refund = the_refund()
    assert (refund.status, refund.attempts) == ("sent", 2)
    assert stripe_fake.refunds_for(key_of(refund)) == 1
    result = runner.invoke(args=["refunds", "send"])
    assert "sent 0" in result.output
    assert len(stripe_fake.refunds) == 1


def test_a_timeout_after_stripe_created_it_is_replayed_not_refunded_twice(
    client, factory, support, desk, mailbox, stripe_fake, runner
):
    stripe_fake.fail("create_refund", "slow")  # created at Stripe, answered after our timeout
    rr = inspected(factory)
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "approved" and "APIConnectionError" in refund.last_error
    assert len(stripe_fake.refunds) == 1
    due_now(refund)
    runner.invoke(args=["refunds", "send"])
    refund = the_refund()
    assert refund.status == "sent"
    assert refund.provider_refund_id == stripe_fake.refunds[0]["id"]
    assert stripe_fake.refunds_for(key_of(refund)) == 1 and len(stripe_fake.refunds) == 1


def test_a_dropped_answer_is_replayed_too(factory, support, desk, stripe_fake, runner):
    stripe_fake.fail("create_refund", "drop_after")
    rr = inspected(factory)
    desk.refund(rr)
    assert the_refund().status == "approved"
    due_now(the_refund())
    runner.invoke(args=["refunds", "send"])
    refund = the_refund()
    assert refund.status == "sent" and len(stripe_fake.refunds) == 1


def test_a_refused_connection_waits_for_the_next_attempt(
    app, factory, support, desk, mailbox, stripe_fake, runner
):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{closed_port}"
    rr = inspected(factory)
    mailbox.clear()
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "approved" and refund.last_error
    assert mailbox.kinds("anne@example.fr") == ["refund_approved"]
    app.config["STRIPE_API_BASE"] = stripe_fake.url
    due_now(refund)
    runner.invoke(args=["refunds", "send"])
    assert the_refund().status == "sent" and len(stripe_fake.refunds) == 1


def test_a_refusal_fails_it_with_stripes_reason_and_next_steps_for_staff(
    client, factory, support, desk, mailbox, stripe_fake
):
    stripe_fake.add_payment(
        "pi_old",
        2500,
        refuse=("charge_already_refunded", "Charge ch_old has already been refunded."),
    )
    rr = inspected(factory, reference="pi_old")
    mailbox.clear()
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "failed"
    assert "charge_already_refunded" in refund.failure_reason
    assert mailbox.kinds("anne@example.fr") == ["refund_approved", "refund_failed"]
    failed = text_of(mailbox.to("anne@example.fr")[-1])
    assert "We could not send your refund of €25.00" in failed and "nothing to do" in failed
    text = page(client.get("/staff/refunds"))
    assert "Failed: the provider refused these refunds" in text
    assert "Charge ch_old has already been refunded." in text
    for button in ("refund_retry", "refund_as_credit", "refund_paid"):
        assert f"{button}-{refund.id}" in text.page.ids
    assert stripe_fake.refunds == []


def test_a_refund_stripe_marks_failed_expired_card_is_failed(
    factory, support, desk, mailbox, stripe_fake
):
    stripe_fake.add_payment(
        "pi_card", 2500, refund_status="failed", failure_reason="expired_or_canceled_card"
    )
    rr = inspected(factory, reference="pi_card")
    desk.refund(rr)
    refund = the_refund()
    assert (refund.status, refund.failure_reason) == ("failed", "expired_or_canceled_card")
    assert mailbox.kinds("anne@example.fr")[-1] == "refund_failed"


def test_staff_retry_makes_a_new_attempt_with_a_new_key(
    client, factory, support, desk, mailbox, stripe_fake
):
    stripe_fake.add_payment("pi_flaky", 2500, refuse=("processing_error", "Try again later."))
    rr = inspected(factory, reference="pi_flaky")
    desk.refund(rr)
    failed = the_refund()
    first_key = key_of(failed)
    stripe_fake.payments["pi_flaky"]["refuse"] = None
    text = page(client.post(f"/staff/refunds/{failed.id}/retry", follow_redirects=True))
    assert "approved again" in text
    refund = the_refund()
    assert (refund.status, refund.generation) == ("sent", 1)
    assert stripe_fake.refunds_for(key_of(refund)) == 1 and stripe_fake.refunds_for(first_key) == 0
    assert mailbox.kinds("anne@example.fr")[-3:] == [
        "refund_failed",
        "refund_approved",
        "refund_sent",
    ]
    text = page(client.post(f"/staff/refunds/{refund.id}/retry", follow_redirects=True))
    assert "not failed any more" in text


def test_store_credit_instead_is_worded_as_store_credit(
    client, factory, support, desk, mailbox, stripe_fake
):
    stripe_fake.add_payment("pi_gone", 2500, refuse=("charge_disputed", "Charge is disputed."))
    rr = inspected(factory, reference="pi_gone")
    desk.refund(rr)
    refund = the_refund()
    page(client.post(f"/staff/refunds/{refund.id}/credit", follow_redirects=True))
    refund = the_refund()
    assert (refund.method, refund.status) == ("store_credit", "sent")
    mail = mailbox.to("anne@example.fr")[-1]
    assert mail["X-Retours-Kind"] == "store_credit" and "store credit" in mail["Subject"]
    body = text_of(mail)
    assert "refund" not in body.lower() and "Balance: €25.00" in body
    from portal.models import StoreCredit

    credit = db.session.query(StoreCredit).one()
    assert credit.code in body
    status = page(client.get(f"/r/{status_token(rr)}"))
    balance = status.page.soup.select_one(".credit-balance")
    assert credit.code in status and balance is not None and balance.get_text() == "€25.00"
    assert "Failed: the provider" not in page(client.get("/staff/refunds"))


def test_a_failed_refund_paid_by_hand_is_sent(client, factory, support, desk, mailbox, stripe_fake):
    stripe_fake.add_payment("pi_hand", 2500, refuse=("charge_disputed", "Charge is disputed."))
    rr = inspected(factory, reference="pi_hand")
    desk.refund(rr)
    refund = the_refund()
    client.post(f"/staff/refunds/{refund.id}/paid")
    refund = the_refund()
    assert (refund.status, refund.provider_status) == ("sent", "paid by hand")
    assert mailbox.kinds("anne@example.fr")[-1] == "refund_sent"

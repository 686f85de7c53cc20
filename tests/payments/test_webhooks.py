"""Provider webhooks: Stripe's signed events, Mollie's bare ids. Replays and unknown events
change nothing; a later failure reported by the provider is told to the customer once."""

from __future__ import annotations

import json

from tests.fakes.stripe_server import event, sign
from tests.payments.conftest import STRIPE_SECRET, inspected, the_refund
from tests.staff.staffkit import page


def post_stripe(client, payload: dict, secret: str = STRIPE_SECRET, header: str | None = None):
    body = json.dumps(payload).encode()
    signature = header if header is not None else sign(body, secret)
    return client.post(
        "/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
    )


def test_a_signed_refund_failed_event_fails_a_sent_refund_once(
    client, factory, support, desk, mailbox, stripe_fake
):
    rr = inspected(factory)
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "sent"
    failed = stripe_fake.set_refund_status(
        refund.provider_refund_id, "failed", "expired_or_canceled_card"
    )
    payload = event("refund.failed", failed)
    response = post_stripe(client, payload)
    assert response.status_code == 200 and response.json["status"] == "changed"
    refund = the_refund()
    assert (refund.status, refund.failure_reason) == ("failed", "expired_or_canceled_card")
    assert mailbox.kinds("anne@example.fr")[-1] == "refund_failed"
    count = len(mailbox.to("anne@example.fr"))
    replay = post_stripe(client, payload)
    assert replay.status_code == 200 and replay.json["status"] == "unchanged"
    assert len(mailbox.to("anne@example.fr")) == count
    assert "expired_or_canceled_card" in page(client.get("/staff/refunds"))


def test_a_bad_signature_is_refused_and_changes_nothing(
    client, factory, support, desk, mailbox, stripe_fake
):
    rr = inspected(factory)
    desk.refund(rr)
    refund = the_refund()
    failed = stripe_fake.set_refund_status(refund.provider_refund_id, "failed", "unknown")
    payload = event("refund.failed", failed)
    assert post_stripe(client, payload, secret="whsec_someone_else").status_code == 400
    assert post_stripe(client, payload, header="t=1,v1=00").status_code == 400
    assert post_stripe(client, payload, header="").status_code == 400
    assert the_refund().status == "sent"


def test_unknown_refunds_and_other_events_are_acknowledged_and_ignored(client, stripe_fake):
    stranger = {"id": "re_nobody", "object": "refund", "status": "failed", "metadata": {}}
    response = post_stripe(client, event("refund.updated", stranger))
    assert (response.status_code, response.json["status"]) == (200, "unknown")
    response = post_stripe(client, event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert (response.status_code, response.json["status"]) == (200, "ignored")


def test_charge_refunded_carries_the_refunds_list(client, factory, support, desk, stripe_fake):
    stripe_fake.fail("create_refund", "503")
    rr = inspected(factory)
    desk.refund(rr)  # still approved: Stripe answered 503
    refund = the_refund()
    created = {
        "id": "re_from_dashboard",
        "object": "refund",
        "status": "succeeded",
        "metadata": {"retours_refund": f"retours-refund-{refund.id}-0"},
    }
    charge = {"id": "ch_test", "object": "charge", "refunds": {"object": "list", "data": [created]}}
    response = post_stripe(client, event("charge.refunded", charge))
    assert response.json["status"] == "changed"
    refund = the_refund()
    assert (refund.status, refund.provider_refund_id) == ("sent", "re_from_dashboard")


def test_stripe_webhooks_need_a_secret(app, client):
    app.config["STRIPE_WEBHOOK_SECRET"] = None
    assert client.post("/webhooks/stripe", data=b"{}").status_code == 503


def test_mollie_webhook_fetches_the_refund_it_names(
    client, factory, support, desk, mailbox, mollie_fake
):
    rr = inspected(factory, reference="tr_test")
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "sent"
    mollie_fake.set_refund_status(refund.provider_refund_id, "failed")
    response = client.post("/webhooks/mollie", data={"id": refund.provider_refund_id})
    assert response.status_code == 200 and response.json["status"] == "changed"
    refund = the_refund()
    assert refund.status == "failed" and "failed" in refund.failure_reason
    assert mailbox.kinds("anne@example.fr")[-1] == "refund_failed"
    count = len(mailbox.to("anne@example.fr"))
    again = client.post("/webhooks/mollie", data={"id": refund.provider_refund_id})
    assert again.json["status"] == "unchanged" and len(mailbox.to("anne@example.fr")) == count
    by_payment = client.post("/webhooks/mollie", data={"id": "tr_test"})
    assert by_payment.json["status"] == "unchanged"


def test_mollie_webhook_ignores_ids_we_do_not_know(client, mollie_fake):
    for posted in ({"id": "re_unknown"}, {"id": "tr_unknown"}, {"id": "<script>"}, {}):
        response = client.post("/webhooks/mollie", data=posted)
        assert (response.status_code, response.json["status"]) == (200, "unknown")
    assert mollie_fake.requests == []  # nothing was even asked of Mollie

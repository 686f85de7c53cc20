"""An item is settled, and its return refunded, when the money leaves, not when support
approves the refund; a failed refund stays visibly open (item not settled, return not
refunded, in the staff queue)."""

from __future__ import annotations

from datetime import timedelta

from portal.extensions import db
from portal.models.base import utcnow
from portal.services import timeline
from tests.fakes.stripe_server import event
from tests.payments.conftest import inspected, the_refund
from tests.payments.test_stripe_refunds import status_token
from tests.payments.test_webhooks import post_stripe
from tests.staff.staffkit import actions, page, reload


def _states(rr):
    rr = reload(rr)
    return rr.status, rr.items[0].acceptance_status, rr.resolved_at is not None


def test_a_refund_the_provider_accepts_settles_the_item_and_the_return(
    factory, support, desk, stripe_fake
):
    rr = inspected(factory)
    desk.refund(rr)
    assert the_refund().status == "sent"
    assert _states(rr) == ("refunded", "settled", True)
    assert actions(rr)[-3:] == ["refund_approved", "refund_sent", "return_resolved"]


def test_a_refund_waiting_for_a_retry_keeps_the_return_open_until_sent(
    client, factory, support, desk, stripe_fake, runner
):
    stripe_fake.fail("create_refund", "503")
    rr = inspected(factory)
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "approved"
    assert _states(rr) == ("inspected", "refunding", False)
    # support sees no second "Refund" button for it
    staff_page = page(client.get(f"/staff/returns/{rr.rma}"))
    assert f"refund-{rr.items[0].id}" not in staff_page.page.ids
    refund.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "sent 1" in runner.invoke(args=["refunds", "send"]).output
    assert _states(rr) == ("refunded", "settled", True)
    assert len(stripe_fake.refunds) == 1


def test_a_refused_refund_stays_open_then_store_credit_instead_settles_it(
    client, factory, support, desk, stripe_fake
):
    stripe_fake.add_payment("pi_old", 2500, refuse=("charge_already_refunded", "Already."))
    rr = inspected(factory, reference="pi_old")
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "failed"
    assert _states(rr) == ("inspected", "refunding", False)
    assert rr.rma in page(client.get("/staff/refunds"))
    client.post(f"/staff/refunds/{refund.id}/credit", follow_redirects=True)
    assert the_refund().method == "store_credit"
    assert _states(rr) == ("refunded", "settled", True)


def test_a_sent_refund_that_fails_later_opens_the_item_and_the_return_again(
    client, factory, support, desk, stripe_fake
):
    rr = inspected(factory)
    desk.refund(rr)
    refund = the_refund()
    assert _states(rr) == ("refunded", "settled", True)
    assert {s.key: s for s in timeline.steps(reload(rr))}["resolved"].done
    failed = stripe_fake.set_refund_status(
        refund.provider_refund_id, "failed", "lost_or_stolen_card"
    )
    assert post_stripe(client, event("refund.failed", failed)).json["status"] == "changed"
    assert the_refund().status == "failed"
    assert _states(rr) == ("inspected", "refunding", False)
    assert actions(rr)[-2:] == ["refund_failed", "refund_reopened"]
    # the customer's page shows it open again: not "all done", the resolved step unticked
    status = page(client.get(f"/r/{status_token(rr)}"))
    assert "We could not send your refund of €25.00; our team is on it." in status
    assert "All done" not in status
    assert not {s.key: s for s in timeline.steps(reload(rr))}["resolved"].done
    # paid by hand from the failed queue: settled and refunded again
    client.post(f"/staff/refunds/{refund.id}/paid", follow_redirects=True)
    assert _states(rr) == ("refunded", "settled", True)


def test_manual_mode_settles_when_staff_mark_it_paid(client, factory, support, desk, app):
    app.config["PAYMENT_PROVIDER"] = "manual"
    rr = inspected(factory)
    desk.refund(rr)
    refund = the_refund()
    assert (refund.status, refund.provider) == ("approved", "manual")
    assert _states(rr) == ("inspected", "refunding", False)
    client.post(f"/staff/refunds/{refund.id}/paid", follow_redirects=True)
    assert _states(rr) == ("refunded", "settled", True)

"""Payment providers failing while refunds are sent: Stripe and Mollie, through their
official SDKs, against the fakes of tests/fakes/ (their published contracts,
docs/payments.md).

Each documented failure is injected on the call that sends a refund: a timeout (the
provider answers after PAYMENT_TIMEOUT), a 5xx, a connection dropped before or after the
provider did the work, a refused connection (nobody listening: injected here by pointing
the SDK at a closed port, which the fakes cannot do), and a refusal with the provider's
own error body. Then the worker runs, as in production, and the invariants are checked:
never more than one provider refund per refund of ours; each refund ends as documented
(sent after a transient failure, failed with the provider's reason after a refusal,
still approved with the error while the provider stays down); nothing half-written; the
customer's e-mails say what is true.
"""

from __future__ import annotations

import socket
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal import outbox
from portal.extensions import db
from portal.models import Refund
from portal.models.base import utcnow
from portal.payments.base import refund_key
from portal.payments.worker import send_due
from portal.security import status_token
from portal.services import warehouse
from tests.customer.pagekit import page
from tests.fakes.mollie_server import FakeMollie
from tests.fakes.stripe_server import FakeStripe
from tests.reliability.invariants import assert_invariants
from tests.reliability.journeys import staff_browser
from tests.reliability.kit import rounds
from tests.staff.staffkit import page as staff_page
from tests.staff.staffkit import text_of

pytestmark = [
    pytest.mark.faults,
    pytest.mark.guarantee(
        "Whatever the payment provider does, each refund is paid at most once and the "
        "customer is told the truth"
    ),
]

TIMEOUT = 1  # PAYMENT_TIMEOUT, seconds; the fakes' "slow" answers after 1.5
TRANSIENT = ("slow", "drop", "drop_after", "409", "429", "500", "502", "503", "refused")
FAILURES = {
    # (endpoint, mode): the call that sends the refund, failing once
    "stripe": [("create_refund", mode) for mode in TRANSIENT]
    + [("create_refund", "refusal"), ("create_refund", "down")],
    # Mollie: the look-up before the create fails, or the create itself
    "mollie": [("list_refunds", mode) for mode in ("slow", "drop", "500", "503")]
    + [("create_refund", mode) for mode in TRANSIENT]
    + [("create_refund", "refusal"), ("create_refund", "down")],
}
REFUSALS = {
    "stripe": ("charge_already_refunded", "Charge ch_old has already been refunded."),
    "mollie": "The payment method does not support refunds.",
}
REFUSAL_REASON = {"stripe": "charge_already_refunded", "mollie": "does not support refunds"}


@pytest.fixture(params=["stripe", "mollie"])
def provider(request):
    fake = (FakeStripe if request.param == "stripe" else FakeMollie)(slow_seconds=1.5).start()
    yield request.param, fake
    fake.stop()


@pytest.fixture
def app_config(app_config: dict, provider) -> dict:
    name, fake = provider
    config = app_config | {"DEFAULT_LOCALE": "en", "PAYMENT_TIMEOUT": TIMEOUT}
    if name == "stripe":
        return config | {
            "PAYMENT_PROVIDER": "stripe",
            "STRIPE_API_KEY": fake.api_key,
            "STRIPE_API_BASE": fake.url,
        }
    return config | {
        "PAYMENT_PROVIDER": "mollie",
        "MOLLIE_API_KEY": fake.api_key,
        "MOLLIE_API_ENDPOINT": fake.url,
    }


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def add_payment(name: str, fake, payment_id: str, *, refuse: bool) -> None:
    if name == "stripe":
        fake.add_payment(payment_id, 10000, refuse=REFUSALS["stripe"] if refuse else None)
    else:
        fake.add_payment(payment_id, "100.00", refuse=REFUSALS["mollie"] if refuse else None)


def inspected_return(factory, name: str, fake, *, refuse: bool):
    """A return of one €25.00 tee, received and graded A, paid by its own payment."""
    prefix = "pi" if name == "stripe" else "tr"
    payment_id = f"{prefix}_{uuid.uuid4().hex[:16]}"
    add_payment(name, fake, payment_id, refuse=refuse)
    order = factory.order(email=f"c-{uuid.uuid4().hex[:10]}@example.fr")
    order.payment_reference = payment_id
    rr = factory.return_(order, with_label=False, locale="en")
    item = rr.items[0]
    warehouse.receive_parcel(rr, {item.id: 1}, actor="w")
    warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w")
    db.session.commit()
    return rr


def base_key(name: str) -> str:
    return "STRIPE_API_BASE" if name == "stripe" else "MOLLIE_API_ENDPOINT"


def the_refund_of(rr) -> Refund:
    db.session.expire_all()
    return db.session.scalars(select(Refund).where(Refund.return_id == rr.id)).one()


def worker_runs(refund_id: int) -> None:
    """The refunds worker, for this refund, with its backoff over; then the outbox."""
    db.session.execute(
        update(Refund)
        .where(Refund.id == refund_id, Refund.next_attempt_at.isnot(None))
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    send_due(ids=[refund_id])
    outbox.deliver_due()


def test_payment_provider_failing_in_every_documented_way(
    app, factory, provider, mailbox, attempts
):
    """Each documented failure of Stripe or Mollie, once, on the call that sends a
    refund support has just made; then the worker, twice: one provider refund at most
    per refund of ours, the documented end state, the customer's e-mails true."""
    name, fake = provider
    factory.variants("TEE", M=5000, L=5)
    db.session.commit()
    support = staff_browser(app, factory.staff("support"))
    good_base = app.config[base_key(name)]
    cases = []
    for _ in range(rounds(scale=0.05)):
        for endpoint, mode in FAILURES[name]:
            rr = inspected_return(factory, name, fake, refuse=mode == "refusal")
            outbox.deliver_due()  # the received and diagnosis e-mails leave first
            if mode == "refused":
                app.config[base_key(name)] = closed_port_url()
            elif mode == "down":
                fake.fail(endpoint, "503", times=3)  # this and the worker's next two tries
            elif mode != "refusal":
                fake.fail(endpoint, mode)
            item = rr.items[0]
            shown = staff_page(
                support.post(
                    f"/staff/returns/{rr.rma}/items/{item.id}/refund", follow_redirects=True
                )
            )
            app.config[base_key(name)] = good_base
            # support is told what was recorded, never that the money left
            assert "Refund of €25.00 recorded (original payment)" in shown, shown
            refund = the_refund_of(rr)
            if mode == "refusal":
                assert refund.status == "failed", (mode, refund.status)
            else:
                assert (refund.status, refund.attempts) == ("approved", 1), (endpoint, mode)
                assert refund.last_error and refund.next_attempt_at > utcnow()
                assert mailbox.kinds(rr.contact_email)[-1] == "refund_approved"
            worker_runs(refund.id)
            worker_runs(refund.id)  # a second pass: a refund sent is never sent again
            assert_case(app, name, fake, rr, endpoint, mode, mailbox)
            cases.append((rr, mode))
            attempts.add(1)
    assert_invariants()
    for rr, mode in cases:  # the provider is back for the refunds it kept refusing
        if mode == "down":
            refund = the_refund_of(rr)
            worker_runs(refund.id)
            assert the_refund_of(rr).status == "sent"
            assert fake.refunds_for(refund_key(refund.id, refund.generation)) == 1
            assert mailbox.kinds(rr.contact_email)[-1] == "refund_sent"
    # one provider refund per refund of ours that was sent, none for any other
    sent = db.session.scalar(
        select(func.count()).select_from(Refund).where(Refund.status == "sent")
    )
    assert len(fake.refunds) == sent == sum(1 for _rr, mode in cases if mode != "refusal")
    per_item = db.session.execute(
        select(Refund.return_item_id, func.count()).group_by(Refund.return_item_id)
    ).all()
    assert all(n == 1 for _item, n in per_item)  # one refund row per item, nothing else
    assert_invariants()


def assert_case(app, name, fake, rr, endpoint, mode, mailbox) -> None:
    refund = the_refund_of(rr)
    key = refund_key(refund.id, refund.generation)
    said = mailbox.kinds(rr.contact_email)
    mails = {kind: text_of(m) for kind, m in zip(said, mailbox.to(rr.contact_email), strict=True)}
    status = page(app.test_client().get(f"/r/{status_token(rr.access_key)}")).text
    where = (name, endpoint, mode, said)
    if mode == "refusal":  # the provider's answer is final: failed, with its reason
        assert refund.status == "failed", where
        assert REFUSAL_REASON[name] in refund.failure_reason, where
        assert fake.refunds_for(key) == 0, where
        assert said[-2:] == ["refund_approved", "refund_failed"], where
        assert "We could not send your refund of €25.00" in mails["refund_failed"]
        assert "We could not send your refund of €25.00; our team is on it." in status
    elif mode == "down":  # still failing: approved, the error kept, nothing sent
        assert (refund.status, refund.attempts) == ("approved", 3), where
        assert "503" in refund.last_error, where
        assert fake.refunds_for(key) == 0, where
        assert said[-1] == "refund_approved", where
        assert "Your refund of €25.00 is approved; it has not been sent yet." in status
    else:  # transient: sent once, on the attempt after the failure
        assert (refund.status, refund.attempts) == ("sent", 2), (where, refund.last_error)
        assert refund.provider_refund_id and refund.last_error == "", where
        assert fake.refunds_for(key) == 1, where
        assert said[-2:] == ["refund_approved", "refund_sent"], where
        assert "has been sent to your original payment method" in mails["refund_sent"]
        assert "Your refund of €25.00 has been sent to your original payment method." in status, (
            where
        )
    assert "is approved" in mails["refund_approved"]
    assert "refunded" not in mails["refund_approved"].lower()
    assert said.count("refund_approved") == 1, where
    assert said.count("refund_sent") == (refund.status == "sent"), where
    assert said.count("refund_failed") == (refund.status == "failed"), where
    if refund.status != "sent":
        assert "has been sent to your original payment method" not in status, where

"""A refund through Stripe in Chromium: the customer returns the jeans, the warehouse
receives and inspects them, support clicks Refund; the real Stripe SDK pays it back through
the fake Stripe after the click's request has committed, and the customer's mailbox gets
"approved" then "sent", in French. Stripe created exactly one refund."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Refund
from tests.browser import test_back_office as back_office
from tests.browser.mailwait import wait_for_mail
from tests.browser.test_back_office import CUSTOMER, body, french
from tests.fakes.stripe_server import FakeStripe


@pytest.fixture
def stripe_fake() -> Iterator[FakeStripe]:
    fake = FakeStripe().start()
    fake.add_payment("pi_demo_10001", 50_000)
    yield fake
    fake.stop()


@pytest.fixture
def app_config(app_config, stripe_fake):
    return {
        **app_config,
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_API_KEY": stripe_fake.api_key,
        "STRIPE_API_BASE": stripe_fake.url,
        "PAYMENT_TIMEOUT": 5,
    }


def test_a_refund_goes_through_stripe_and_the_customer_hears_sent(
    page,
    live_server,
    mailbox,
    staff_page,
    stripe_fake,
):
    rma, _tracking = back_office.create_return(page, live_server)
    wait_for_mail(mailbox, CUSTOMER, "confirmation")

    support, sent = back_office.refund_the_jeans(staff_page, live_server, mailbox, rma)
    assert french("Your bank usually shows it within 5 to 10 working days.") in body(sent)

    # Stripe created one refund, with our idempotency key's metadata, for the jeans' price.
    assert [(r["amount"], r["payment_intent"]) for r in stripe_fake.refunds] == [
        (7900, "pi_demo_10001")
    ]
    db.session.expire_all()
    refund = db.session.query(Refund).one()
    assert (refund.status, refund.provider_refund_id) == ("sent", stripe_fake.refunds[0]["id"])

    # The customer's status page says "sent", in French; staff see it under "Recently sent".
    page.goto(re.search(r"https?://\S+/r/\S+", body(sent))[0])
    expect(page.locator("#refund-lines")).to_contain_text("Parti : 79,00")
    support.goto(f"{live_server}/staff/refunds")
    expect(support.locator("#refunds-paid")).to_contain_text(rma)
    expect(support.locator("#nothing-to-pay")).to_be_visible()

    # The tee is still to ship as an exchange: the return is resolved when that leaves too.
    support.goto(f"{live_server}/staff/returns/{rma}")
    expect(support.locator("#status")).to_have_text("Items inspected")
    support.locator("#resolve tr", has_text="Organic T-shirt").get_by_role(
        "button", name="Ship exchange"
    ).click()
    expect(support.locator("#status")).to_have_text("Resolved: money back")
    assert len(stripe_fake.refunds) == 1  # nothing sent twice

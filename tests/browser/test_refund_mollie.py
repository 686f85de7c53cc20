"""A refund through Mollie in Chromium: the customer returns the jeans, the warehouse
receives and inspects them, support clicks Refund; the real Mollie SDK pays it back through
the fake Mollie after the click's request has committed (looking up the payment's refunds
first, then creating one). The customer's mailbox gets "approved" then "sent", in French,
the status page says sent, the return is refunded, and Mollie created exactly one refund."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Refund, ReturnRequest
from tests.browser import test_back_office as back_office
from tests.browser.mailwait import wait_for_mail
from tests.browser.test_back_office import CUSTOMER, body
from tests.fakes.mollie_server import FakeMollie

PAYMENT = "tr_demo10001"  # the demo order's payment id with PAYMENT_PROVIDER=mollie


@pytest.fixture
def mollie_fake() -> Iterator[FakeMollie]:
    fake = FakeMollie().start()
    fake.add_payment(PAYMENT, "500.00")
    yield fake
    fake.stop()


@pytest.fixture
def app_config(app_config, mollie_fake):
    return {
        **app_config,
        "PAYMENT_PROVIDER": "mollie",
        "MOLLIE_API_KEY": mollie_fake.api_key,
        "MOLLIE_API_ENDPOINT": mollie_fake.url,
        "PAYMENT_TIMEOUT": 5,
    }


def test_a_refund_goes_through_mollie_and_the_customer_hears_sent(
    page, live_server, mailbox, staff_page, mollie_fake
):
    rma, _tracking = back_office.create_return(page, live_server)
    wait_for_mail(mailbox, CUSTOMER, "confirmation")

    support, sent = back_office.refund_the_jeans(staff_page, live_server, mailbox, rma)

    # Mollie created one refund, for the jeans' price, carrying our key in its metadata.
    created = mollie_fake.refunds
    assert len(created) == 1
    assert created[0]["amount"] == {"currency": "EUR", "value": "79.00"}
    assert created[0]["paymentId"] == PAYMENT
    db.session.expire_all()
    refund = db.session.query(Refund).one()
    assert (refund.status, refund.provider, refund.provider_refund_id) == (
        "sent",
        "mollie",
        created[0]["id"],
    )
    assert mollie_fake.refunds_for(created[0]["metadata"]["retours_refund"]) == 1

    # The customer's status page says "sent", in French; staff see it under "Recently sent".
    page.goto(re.search(r"https?://\S+/r/\S+", body(sent))[0])
    expect(page.locator("#refund-lines")).to_contain_text("Parti : 79,00")
    support.goto(f"{live_server}/staff/refunds")
    expect(support.locator("#refunds-paid")).to_contain_text(rma)

    # The tee is still to ship as an exchange: the return is resolved when that leaves too.
    support.goto(f"{live_server}/staff/returns/{rma}")
    expect(support.locator("#status")).to_have_text("Items inspected")
    support.locator("#resolve tr", has_text="Organic T-shirt").get_by_role(
        "button", name="Ship exchange"
    ).click()
    expect(support.locator("#status")).to_have_text("Resolved: money back")
    db.session.expire_all()
    assert db.session.query(ReturnRequest).filter_by(rma=rma).one().status == "refunded"
    assert len(mollie_fake.refunds) == 1  # nothing sent twice

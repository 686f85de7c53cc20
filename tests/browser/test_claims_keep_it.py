"""Keep it, walked in Chromium: an English customer reports a wrong T-shirt (25,00 €, under
the 30,00 € rule), keeps it and is credited at once; support (in French) sees that nothing
is left to do; the FAQ tells about the rule; the e-mail is read from the SMTP server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.models import Claim, StoreCredit
from tests.browser.mailwait import wait_for_mail
from tests.browser.test_claims import body, fr, staff  # noqa: F401 (the staff fixture)

CUSTOMER = "camille.martin@example.fr"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "KEEP_IT_BELOW": 3000}


def test_a_wrong_cheap_item_is_kept_and_credited(page, live_server, staff, mailbox):  # noqa: F811
    page.goto(live_server + "/")
    page.get_by_role("link", name="English").click()
    page.get_by_role("link", name="Returns policy and FAQ").click()
    expect(page.locator("#keep-it")).to_have_text("Keep it: no need to send back a small item")
    page.goto(live_server + "/")
    page.get_by_label("Order number").fill("FR-10001")
    page.get_by_label("E-mail address or shipping postcode").fill(CUSTOMER)
    page.get_by_role("button", name=re.compile("Find my order")).click()
    page.get_by_role("link", name="I have a problem with my order").click()
    page.get_by_label("I received the wrong item").check()
    page.get_by_label(re.compile("TEE-ORG-BLUE-M")).select_option("1")
    page.get_by_label("What happened, in your words").fill("A red one came, I ordered blue.")
    page.get_by_role("button", name="Send my claim").click()
    expect(page.locator("#claim-status h2")).to_have_text("Keep the item, no need to send it")
    number = page.locator("h1").inner_text().split()[-1]
    claim = db.session.scalar(select(Claim).where(Claim.number == number))
    credit = db.session.scalar(select(StoreCredit).where(StoreCredit.id == claim.credit_id))
    expect(page.locator("#claim-credit")).to_contain_text(credit.code)
    expect(page.get_by_role("button", name=re.compile("original arrived"))).to_have_count(0)

    text = body(wait_for_mail(mailbox, CUSTOMER, "claim_kept"))
    assert "Keep the item, no need to send it back" in text
    assert f"store credit of €25.00. Your code: {credit.code}" in text

    desk = staff("fr-FR")
    desk.goto(live_server + "/staff/claims")
    expect(desk.locator("#claims-queue")).not_to_contain_text(number)
    desk.goto(live_server + f"/staff/claims/{number}")
    expect(desk.locator("#status")).to_have_text(fr("Kept by the customer, credited at once"))
    expect(desk.locator("#decision-kept")).to_contain_text("25,00")

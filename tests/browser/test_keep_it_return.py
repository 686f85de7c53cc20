"""Keep it in the return journey, walked in Chromium: a French customer with a damaged
T-shirt (25,00 €, under the 30,00 € rule) keeps it and is refunded, no drop-off step and
no label; an English customer keeps a faulty one for store credit; support (English)
resolves a claim with a refund. Every e-mail is read back from the SMTP server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.models import Label, Refund, ReturnRequest
from tests.browser.mailwait import wait_for_mail
from tests.browser.test_claims import body, staff  # noqa: F401 (the staff fixture)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "KEEP_IT_BELOW": 3000}


def _find(page, live_server, number, contact, button):
    page.goto(live_server + "/")
    page.locator("input[name=number]").fill(number)
    page.locator("input[name=contact]").fill(contact)
    page.get_by_role("button", name=re.compile(button)).click()


def test_french_customer_keeps_a_damaged_tee_and_is_refunded(page, live_server, mailbox):
    customer = "hugo.dubois@example.fr"
    _find(page, live_server, "FR-10006", "59000", "Retrouver ma commande")
    tee = page.locator("section", has_text="TEE-ORG-WHITE-L")
    tee.get_by_label("Combien en retourner").select_option("1")
    tee.get_by_label("Pourquoi le retournez-vous ?").select_option("damaged")
    tee.get_by_label("Remboursement sur mon moyen de paiement").check()
    page.get_by_role("button", name="Continuer").click()

    expect(page.locator("#keep-it h2")).to_have_text("Gardez l’article\xa0: inutile de le renvoyer")
    expect(page.locator("h2", has_text="Point de dépôt")).to_have_count(0)
    page.get_by_role("button", name=re.compile("je garde les articles")).click()

    expect(page.locator("#kept")).to_contain_text("aucun colis, aucune étiquette")
    expect(page.get_by_role("link", name=re.compile("étiquette"))).to_have_count(0)
    rma = page.locator("#rma").inner_text()
    db.session.expire_all()
    rr = db.session.scalar(select(ReturnRequest).where(ReturnRequest.rma == rma))
    assert rr.status == "inspected" and rr.relay_point_id is None
    assert db.session.scalar(select(Label).where(Label.return_id == rr.id)) is None
    refund = db.session.scalar(select(Refund).where(Refund.return_id == rr.id))
    assert (refund.amount, refund.method) == (2500, "original_payment")

    kept = body(wait_for_mail(mailbox, customer, "kept"))
    assert "vous gardez les articles" in kept and "aucune étiquette" in kept
    assert "Remboursement" in kept
    approved = body(wait_for_mail(mailbox, customer, "refund_approved"))
    assert "25,00" in approved
    assert mailbox.kinds(customer).count("refund_approved") == 1


def test_english_customer_keeps_a_faulty_tee_for_store_credit(page, live_server, mailbox):
    customer = "camille.martin@example.fr"
    page.goto(live_server + "/")
    page.get_by_role("link", name="English").click()
    _find(page, live_server, "FR-10001", customer, "Find my order")
    tee = page.locator("section", has_text="TEE-ORG-BLUE-M")
    tee.get_by_label("How many to return").select_option("1")
    tee.get_by_label("Why are you returning it?").select_option("defective")
    tee.get_by_label("Store credit").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#keep-it h2")).to_have_text("Keep the item: no need to send it back")
    page.get_by_role("button", name="Confirm: I keep the items").click()
    expect(page.locator("#kept")).to_contain_text("no parcel, no label, no drop-off point")
    kept = body(wait_for_mail(mailbox, customer, "kept"))
    assert "you keep the items: there is nothing to send back" in kept
    credit = body(wait_for_mail(mailbox, customer, "store_credit"))
    assert "25.00" in credit


def test_support_resolves_a_claim_with_a_refund(page, live_server, staff, mailbox):  # noqa: F811
    customer = "camille.martin@example.fr"
    page.goto(live_server + "/")
    page.get_by_role("link", name="English").click()
    _find(page, live_server, "FR-10008", customer, "Find my order")
    page.get_by_role("link", name="I have a problem with my order").click()
    page.get_by_label("My parcel never arrived").check()
    page.get_by_label(re.compile("JEAN-SLIM-INDIGO-30")).select_option("1")
    page.get_by_label("What happened, in your words").fill("Nothing came.")
    page.get_by_role("button", name="Send my claim").click()
    number = page.locator("h1").inner_text().split()[-1]

    desk = staff("en-GB")
    desk.goto(live_server + f"/staff/claims/{number}")
    desk.get_by_label(re.compile("Refund the items above to the original payment")).check()
    desk.get_by_role("button", name="Resolve and e-mail the customer").click()
    expect(desk.locator("#decision-refund")).to_contain_text("€79.00")
    desk.goto(live_server + "/staff/refunds")
    expect(desk.locator("body")).to_contain_text("79.00")

    text = body(wait_for_mail(mailbox, customer, "claim_resolved"))
    assert "We apologise" in text
    assert "A refund of €79.00 to your original payment method." in text
    page.reload()
    expect(page.locator("#claim-refund")).to_contain_text("€79.00")

"""A conversation in Chromium, in French and in English: the customer asks on the status
page and is told when we answer; support finds the question in the inbox and replies from
the return's page; the customer gets the reply by e-mail, signed with the first name, and
sees it on the status page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.links import status_path
from tests.browser.mailwait import wait_for_mail
from tests.factories import PASSWORD

WORDS = {
    "fr": {
        "browser": "fr-FR",
        "promise": "Nous répondons sous 12 heures ouvrées",
        "thanks": "Merci. Nous répondons sous 12 heures ouvrées, d’ici",
        "sent": "Votre réponse est envoyée au client par e-mail.",
        "subject": "Notre réponse au sujet de votre retour",
        "signature": "Camille, pour le service client Maison Lin",
        "shown_as": "Camille, service client",
        "question": "Puis-je déposer le colis dimanche ?",
        "answer": "Oui, le point relais est ouvert le dimanche matin.",
    },
    "en": {
        "browser": "en-GB",
        "promise": "We answer within 12 working hours",
        "thanks": "Thank you. We answer within 12 working hours, by",
        "sent": "Your reply is sent to the customer by e-mail.",
        "subject": "Our answer about your return",
        "signature": "Camille, for the Maison Lin customer service team",
        "shown_as": "Camille, customer service",
        "question": "Can I drop the parcel off on Sunday?",
        "answer": "Yes, the relay point opens on Sunday mornings.",
    },
}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "INBOUND_DOMAIN": "in.retours.test"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_customer_asks_support_replies(browser, live_server, factory, mailbox, lang):
    words = WORDS[lang]
    rr = factory.return_(locale=lang)
    support = factory.staff("support")
    support.first_name = "Camille"
    db.session.commit()
    status = live_server + status_path(rr)

    customer = browser.new_context(locale=words["browser"], viewport={"width": 360, "height": 740})
    customer.set_default_timeout(10_000)
    page = customer.new_page()
    page.goto(status)
    expect(page.locator("#promise")).to_contain_text(words["promise"])
    page.locator("#question-body").fill(words["question"])
    page.locator("#question-send").click()
    expect(page.locator(".flash-success")).to_contain_text(words["thanks"])
    expect(page.locator("#thread-messages")).to_contain_text(words["question"])
    expect(page.locator("#reply-due")).to_be_visible()

    staff = browser.new_context(locale=words["browser"], viewport={"width": 1280, "height": 800})
    staff.set_default_timeout(10_000)
    desk = staff.new_page()
    desk.goto(live_server + "/staff/login")
    desk.locator("#email").fill(support.email)
    desk.locator("#password").fill(PASSWORD)
    desk.locator("#login-form button[type=submit]").click()
    expect(desk.locator("#home-inbox")).to_contain_text("1")
    desk.locator("#inbox-link").click()
    row = desk.locator(f"#inbox-{rr.rma}")
    expect(row).to_be_visible()
    row.locator("a").click()
    expect(desk.locator("#conversation")).to_contain_text(words["question"])
    desk.locator("#reply-body").fill(words["answer"])
    desk.locator("#reply-send").click()
    expect(desk.locator(".flash-success")).to_contain_text(words["sent"])
    expect(desk.locator("#thread-messages")).to_contain_text(words["answer"])
    expect(desk.locator("#no-messages")).to_have_count(0)

    mail = wait_for_mail(mailbox, rr.contact_email, "reply")
    assert mail["Subject"] == f"{words['subject']} {rr.rma}"
    body = mail.get_body(("plain",)).get_content()
    assert words["answer"] in body and words["signature"] in body
    assert mail["Reply-To"].startswith("reply+") and mail["Reply-To"].endswith("@in.retours.test")

    page.goto(status)
    thread = page.locator("#thread-messages")
    expect(thread).to_contain_text(words["answer"])
    expect(thread).to_contain_text(words["shown_as"])
    expect(page.locator("#reply-due")).to_have_count(0)
    customer.close()
    staff.close()


def test_an_empty_question_changes_nothing(browser, live_server, factory):
    rr = factory.return_(locale="en")
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server + status_path(rr))
    page.locator("#question-body").fill("   ")
    page.locator("#question-body").evaluate("el => el.removeAttribute('required')")
    page.locator("#question-send").click()
    expect(page.locator(".flash-error")).to_contain_text("Please write your message.")
    expect(page.locator("#thread-messages")).to_have_count(0)
    context.close()

"""The follow-up walked in Chromium, in French and in English: the customer rates from the
e-mail's link (the page shows the rating chosen; Send records it), changes it, adds a
comment, then cannot change it any more (a page left open says so plainly); staff see the
answer on the return, the apology we sent when we were late, and the insights page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.commands.demo import DEMO_PASSWORD
from portal.extensions import db
from portal.models import Feedback
from tests.followup.kit import follow_up, later, links_of, received, resolved

SUPPORT = "support@maison-lin.example"
WORDS = {
    "en": {
        "locale": "en-GB",
        "login": "Log in",
        "send": "Send",
        "thanks": "Thank you: we have your answer.",
        "rated": "Your rating: 4 out of 5.",
        "final": "Thank you: your answer is recorded and can no longer be changed.",
        "already": "can no longer be changed",
        "staff_rating": "Rating: 5 — excellent",
        "late": "Refund or exchange later than promised",
        "insights": "Insights: ratings, comments, apologies sent",
        "average": "Average: 5.0 out of 5, from 1 answers.",
    },
    "fr": {
        "locale": "fr-FR",
        "login": "Se connecter",
        "send": "Envoyer",
        "thanks": "Merci : nous avons bien reçu votre réponse.",
        "rated": "Votre note : 4 sur 5.",
        "final": "Merci : votre réponse est enregistrée et ne peut plus être modifiée.",
        "already": "ne peut plus être modifié",
        "staff_rating": "Note : 5 — excellent",
        "late": "Remboursement ou échange plus tard que promis",
        "insights": "Tableau de bord : notes, commentaires, excuses envoyées",
        "average": "Moyenne : 5,0 sur 5, sur 1 réponses.",
    },
}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " ")).strip()


def has_text(locator, text: str):
    expect(locator).to_contain_text(re.compile(re.escape(text).replace("\\ ", r"\s")))


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LATE_GOODWILL": 300, "FEEDBACK_DELAY_HOURS": 1}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_rating_from_the_email_and_staff_see_it(browser, live_server, factory, mailbox, lang):
    w = WORDS[lang]
    rr = resolved(factory, locale=lang, email=f"followup-{lang}@example.fr")
    late = received(factory, locale=lang, email=f"late-{lang}@example.fr")
    follow_up(later(rr.resolved_at, hours=2))
    follow_up(later(late.received_at, days=5))
    [mail] = [m for m in mailbox.to(rr.contact_email) if m["X-Retours-Kind"] == "feedback"]
    links = links_of(mail)
    assert [m["X-Retours-Kind"] for m in mailbox.to(late.contact_email)].count("late_refund") == 1

    context = browser.new_context(locale=w["locale"], viewport={"width": 360, "height": 740})
    context.set_default_timeout(10_000)
    customer = context.new_page()
    left_open = context.new_page()

    customer.goto(links[4])  # one click in the e-mail: the page, the rating chosen
    expect(customer.locator('input[name="rating"][value="4"]')).to_be_checked()
    assert db.session.scalar(select(Feedback.rating).where(Feedback.return_id == rr.id)) is None
    customer.get_by_role("button", name=w["send"]).click()
    has_text(customer.locator("body"), w["thanks"])
    has_text(customer.locator("#feedback-answer"), w["rated"])

    left_open.goto(links[2])  # another tab, still open when the comment is sent
    customer.locator('input[name="rating"][value="5"]').check()
    customer.locator("#comment").fill("Parfait, merci" if lang == "fr" else "Perfect, thanks")
    customer.get_by_role("button", name=w["send"]).click()
    has_text(customer.locator("#feedback-answer"), w["final"])
    expect(customer.locator("#feedback-form")).to_have_count(0)

    left_open.get_by_role("button", name=w["send"]).click()  # an illegal step now
    has_text(left_open.locator("body"), w["already"])
    db.session.expire_all()
    fb = db.session.scalar(select(Feedback).where(Feedback.return_id == rr.id))
    assert (fb.status, fb.rating) == ("commented", 5)
    context.close()

    staff_context = browser.new_context(locale=w["locale"], viewport={"width": 1280, "height": 800})
    staff_context.set_default_timeout(10_000)
    staff = staff_context.new_page()
    staff.goto(live_server + "/staff/login")
    staff.locator('input[type="email"], input[name="email"]').first.fill(SUPPORT)
    staff.locator('input[type="password"]').fill(DEMO_PASSWORD)
    staff.get_by_role("button", name=w["login"]).click()
    expect(staff.locator("#whoami")).to_contain_text(SUPPORT)
    has_text(staff.locator("#late-notices"), late.rma)
    has_text(staff.locator("#late-notices"), w["late"])
    staff.goto(f"{live_server}/staff/returns/{rr.rma}")
    has_text(staff.locator("#feedback-rating"), w["staff_rating"])
    has_text(
        staff.locator("#feedback-comment"), "Parfait, merci" if lang == "fr" else "Perfect, thanks"
    )
    staff.goto(live_server + "/staff/")
    staff.get_by_role("link", name=w["insights"]).click()
    has_text(staff.locator("#ratings-average"), w["average"])
    has_text(staff.locator("#comments"), rr.rma)
    staff_context.close()

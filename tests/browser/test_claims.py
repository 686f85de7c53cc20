"""Problems without a return, walked in Chromium: the customer reports from the order
lookup (French on a phone, then English), support resolves in one screen (English, then
French), every e-mail is read back from the SMTP server, and the original turning up
leads to the return journey."""

from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale, gettext
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from portal.commands.demo import DEMO_PASSWORD
from portal.extensions import db
from portal.models import Claim, StoreCredit, Variant
from portal.typography import french as french_typography
from tests.browser.mailwait import wait_for_mail

SUPPORT = "support@maison-lin.example"


def body(message) -> str:
    return re.sub(r"[ \t\r\n]+", " ", message.get_body(preferencelist=("plain",)).get_content())


def fr(msgid: str, **values) -> str:
    with force_locale("fr"):
        text = gettext(msgid, **values)
    with force_locale("en"):
        assert text != gettext(msgid, **values), f"not translated: {msgid!r}"
    return re.sub(r"\s+", " ", french_typography(text))


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (180, 20, 20)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def staff(browser, live_server):
    contexts = []

    def login(locale: str):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server + "/staff/login")
        page.locator("input[name=email]").fill(SUPPORT)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("#login-form button[type=submit]").click()
        expect(page.locator("#whoami")).to_contain_text(SUPPORT)
        return page

    yield login
    for context in contexts:
        context.close()


def _stock(sku: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(Variant.stock_on_hand).where(Variant.sku == sku))


def test_damaged_in_french_replacement_and_code_then_the_original_turns_up(
    page, live_server, staff, mailbox
):
    customer = "hugo.dubois@example.fr"
    page.goto(live_server + "/")
    page.get_by_label("Numéro de commande").fill("FR-10006")
    page.get_by_label("Adresse e-mail ou code postal de livraison").fill("59000")
    page.get_by_role("button", name="Retrouver ma commande").click()
    page.get_by_role("link", name="J’ai un problème avec ma commande").click()
    page.get_by_label("Il est arrivé abîmé").check()
    page.get_by_label(re.compile("TEE-ORG-WHITE-L")).select_option("1")
    page.get_by_label("Ce qui s’est passé, avec vos mots").fill("Le t-shirt est déchiré.")
    page.get_by_role("button", name="Envoyer ma réclamation").click()
    expect(page.get_by_role("alert")).to_contain_text("Ajoutez au moins une photo des dégâts.")
    page.get_by_label(re.compile("^Photos")).set_input_files(
        {"name": "dechirure.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}
    )
    page.get_by_role("button", name="Envoyer ma réclamation").click()
    expect(page.locator("h1")).to_contain_text("Réclamation C-")
    expect(page.locator("#claim-status")).to_contain_text("Vous n’avez rien à nous renvoyer.")
    number = page.locator("h1").inner_text().split()[-1]
    received = wait_for_mail(mailbox, customer, "claim_received")
    assert received["Subject"].startswith(f"Votre réclamation {number}")
    text = body(received)
    assert fr("It arrived damaged") in text and "1 × " in text and "Bonjour" in text

    before = _stock("TEE-ORG-WHITE-L")
    desk = staff("en-GB")
    desk.get_by_role("link", name="Claims", exact=True).click()
    desk.get_by_role("link", name=number).click()
    expect(desk.locator("#kind")).to_have_text("It arrived damaged")
    expect(desk.locator("#description")).to_have_text("Le t-shirt est déchiré.")
    expect(desk.get_by_role("link", name="Photo 1")).to_be_visible()
    desk.get_by_label(re.compile("Send a replacement")).check()
    desk.get_by_label(re.compile("Goodwill code")).fill("5")
    desk.get_by_label(re.compile("A word for the customer")).fill("Toutes nos excuses.")
    desk.get_by_role("button", name="Resolve and e-mail the customer").click()
    expect(desk.get_by_text("Claim resolved; the customer has been e-mailed.")).to_be_visible()
    expect(desk.locator("#status")).to_have_text("Resolved")
    assert _stock("TEE-ORG-WHITE-L") == before - 1

    claim = db.session.scalar(select(Claim).where(Claim.number == number))
    credit = db.session.scalar(select(StoreCredit).where(StoreCredit.id == claim.credit_id))
    resolved = body(wait_for_mail(mailbox, customer, "claim_resolved"))
    assert fr("We apologise for the problem with your order %(order)s (%(what)s).",
              order="FR-10006", what=fr("It arrived damaged")) in resolved  # fmt: skip
    assert claim.replacement_tracking_code in resolved
    assert credit.code in resolved and "5,00" in resolved and "Toutes nos excuses." in resolved

    page.reload()
    expect(page.locator("#claim-replacement")).to_contain_text(claim.replacement_tracking_code)
    expect(page.locator("#claim-credit")).to_contain_text(credit.code)
    page.get_by_role("button", name="L’original est arrivé : le renvoyer").click()
    expect(page.locator("h1")).to_have_text("Choisissez les articles à retourner")
    expect(page.get_by_text("Choisissez l’article arrivé")).to_be_visible()
    desk.reload()
    expect(desk.locator("#status")).to_have_text("Resolved; the original turned up")


def test_never_arrived_in_english_goodwill_only_repeat_claim_seen_in_french(
    page, live_server, staff, mailbox
):
    customer = "camille.martin@example.fr"

    def report(text: str) -> str:
        page.goto(live_server + "/")
        english = page.get_by_role("link", name="English")
        if english.count():  # the first time; then the session remembers it
            english.click()
        page.get_by_label("Order number").fill("FR-10001")
        page.get_by_label("E-mail address or shipping postcode").fill(customer)
        page.get_by_role("button", name=re.compile("Find my order")).click()
        page.get_by_role("link", name="I have a problem with my order").click()
        page.get_by_label("My parcel never arrived").check()
        page.locator("#claim-items select").first.select_option("1")
        page.get_by_label("What happened, in your words").fill(text)
        page.get_by_role("button", name="Send my claim").click()
        expect(page.locator("#claim-status")).to_contain_text("What happens next")
        return page.locator("h1").inner_text().split()[-1]

    first = report("The carrier says delivered; nothing in my letterbox.")
    mail = body(wait_for_mail(mailbox, customer, "claim_received"))
    assert "My parcel never arrived" in mail and "You do not need to send anything back" in mail
    second = report("Still nothing.")

    desk = staff("fr-FR")
    desk.goto(live_server + "/staff/claims")
    queue = desk.locator("#claims-queue").inner_text()
    assert queue.index(first) < queue.index(second)  # oldest first
    desk.get_by_role("link", name=second).click()
    expect(desk.locator("#repeat-claims")).to_contain_text(
        fr("Repeat claims: %(n)d claims from this e-mail address", n=2)
    )
    expect(desk.locator("#customer-history")).to_contain_text(first)
    desk.get_by_label(re.compile("Code geste commercial")).fill("7,50")
    desk.get_by_role("button", name=fr("Resolve and e-mail the customer")).click()
    expect(desk.get_by_text(fr("Claim resolved; the customer has been e-mailed."))).to_be_visible()

    resolved = [m for m in mailbox.to(customer) if m["X-Retours-Kind"] == "claim_resolved"]
    message = resolved[0] if resolved else wait_for_mail(mailbox, customer, "claim_resolved")
    text = body(message)
    assert "We apologise for the problem with your order FR-10001" in text
    assert "A goodwill code of €7.50 for your next order: CR-" in text
    assert "replacement" not in text

"""A gift recipient on a phone: gift code, an exchange and store credit, their own details,
a relay point, the label. No price and nothing about the buyer on any page; the buyer
gets no e-mail."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from portal.commands.demo import GIFT_CODE
from portal.extensions import db
from portal.models import OutboxMessage, ReturnRequest, Variant
from tests.browser.mailwait import wait_for_mail

BUYER = "gift.buyer@example.fr"
RECIPIENT = "lea.fontaine@example.fr"
# What the buyer's order holds and the recipient must never see.
SECRETS = ("€", "25,00", "129,00", BUYER, "Inès Garçon", "27 rue Mercière")


def test_gift_exchange_and_store_credit(page, live_server, mailbox):
    seen: dict[str, str] = {}

    def look(step: str, path: str) -> None:
        """Keep what the recipient sees once the page at `path` has loaded."""
        page.wait_for_url(re.compile(re.escape(live_server + path)))
        page.wait_for_load_state()
        seen[step] = page.content()

    page.goto(live_server + "/")
    page.get_by_role("link", name="Échangez-le avec votre code cadeau").click()
    look("gift code", "/gift")
    page.get_by_label("Code cadeau").fill(GIFT_CODE.lower())
    page.get_by_role("button", name="Continuer").click()

    look("items", "/return/items")
    tee = page.locator("section", has_text="TEE-ORG-BLUE-M")
    jacket = page.locator("section", has_text="JKT-RAIN-NAVY-M")
    # A gift: exchange or store credit in the recipient's name, no refund to the buyer.
    assert page.get_by_label("Remboursement sur mon moyen de paiement").count() == 0
    tee.get_by_label("Combien en retourner").select_option("1")
    tee.get_by_label("Pourquoi le retournez-vous ?").select_option("too_small")
    tee.get_by_label("Échanger contre une autre taille ou couleur").check()
    tee.get_by_label("Taille ou couleur", exact=True).select_option(label="White · L")
    jacket.get_by_label("Combien en retourner").select_option("1")
    jacket.get_by_label("Pourquoi le retournez-vous ?").select_option("changed_mind")
    jacket.get_by_label("Avoir", exact=True).check()
    page.get_by_role("button", name="Continuer").click()

    look("contact", "/return/contact")
    assert page.get_by_label("Votre nom").input_value() == ""  # not the buyer's
    page.get_by_label("Votre nom").fill("Léa Fontaine")
    page.get_by_label("Votre adresse e-mail").fill(RECIPIENT)
    page.get_by_label("Adresse", exact=True).fill("18 cours Gambetta")
    page.get_by_label("Code postal").fill("69003")
    page.get_by_label("Ville").fill("Lyon")
    page.get_by_role("button", name="Continuer").click()

    look("relay", "/return/relay")
    assert page.get_by_label("Code postal").input_value() == "69003"  # the recipient's
    first = page.locator("li.card").first
    assert "Lyon" in first.inner_text()
    first.get_by_role("button", name="Choisir").click()

    look("review", "/return/review")
    assert page.locator("#totals").count() == 0
    page.get_by_role("button", name="Confirmer et obtenir mon étiquette").click()

    look("confirmed", "/r/")
    rma = page.locator("#rma").inner_text()
    assert page.get_by_text("Nous vous avons envoyé l’étiquette par e-mail.").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l’étiquette (PDF)").click()
    label_text = PdfReader(io.BytesIO(download.value.path().read_bytes())).pages[0].extract_text()
    assert rma in label_text
    assert "Léa Fontaine" in label_text and "69003" in label_text  # sent by the recipient
    assert "Inès" not in label_text

    for step, html in seen.items():
        for secret in SECRETS:
            assert secret not in html, f"{secret!r} shown on the {step} page"

    db.session.expire_all()
    rr = db.session.query(ReturnRequest).filter_by(rma=rma).one()
    assert rr.is_gift and rr.status == "label_issued"
    assert (rr.contact_name, rr.contact_email, rr.sender_postcode) == (
        "Léa Fontaine",
        RECIPIENT,
        "69003",
    )
    choices = {i.order_line.variant.sku: (i.resolution, i.exchange_variant) for i in rr.items}
    assert choices["JKT-RAIN-NAVY-M"] == ("store_credit", None)
    assert choices["TEE-ORG-BLUE-M"][0] == "exchange"
    assert choices["TEE-ORG-BLUE-M"][1].sku == "TEE-ORG-WHITE-L"
    white_l = db.session.query(Variant).filter_by(sku="TEE-ORG-WHITE-L").one()
    assert (white_l.stock_on_hand, white_l.stock_reserved) == (9, 1)

    confirmation = wait_for_mail(mailbox, RECIPIENT, "confirmation")
    assert rma in confirmation["Subject"]
    assert "Léa Fontaine" in confirmation["To"]
    attachment = next(confirmation.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert rma in PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} in the recipient's e-mail"
    # Nothing for the buyer, neither sent nor waiting in the outbox.
    assert mailbox.to(BUYER) == []
    assert mailbox.kinds(RECIPIENT) == ["confirmation"]
    db.session.expire_all()
    queued = db.session.query(OutboxMessage.recipient, OutboxMessage.kind).all()
    assert [(kind, RECIPIENT in to) for to, kind in queued] == [("confirmation", True)]

"""A customer on a phone: exchange one item, refund another, get the label and the e-mail."""

from __future__ import annotations

import io

from pypdf import PdfReader

from portal.extensions import db
from portal.models import ReturnRequest, Variant
from tests.browser.mailwait import wait_for_mail


def test_exchange_and_refund_journey(page, live_server, mailbox):
    page.goto(live_server + "/")
    page.get_by_label("Numéro de commande").fill(" #fr-10001 ")
    page.get_by_label("Adresse e-mail ou code postal de livraison").fill(
        "camille.martin@example.fr"
    )
    page.get_by_role("button", name="Retrouver ma commande").click()

    tee = page.locator("section", has_text="TEE-ORG-BLUE-M")
    tee.get_by_label("Combien en retourner").select_option("1")
    tee.get_by_label("Pourquoi le retournez-vous ?").select_option("too_small")
    tee.get_by_label("Échanger contre une autre taille ou couleur").check()
    tee.get_by_label("Taille ou couleur", exact=True).select_option(label="Blue · L — plus que 2")
    jeans = page.locator("section", has_text="JEAN-SLIM-INDIGO-32")
    jeans.get_by_label("Combien en retourner").select_option("1")
    jeans.get_by_label("Pourquoi le retournez-vous ?").select_option("changed_mind")
    jeans.get_by_label("Remboursement sur mon moyen de paiement").check()
    page.get_by_role("button", name="Continuer").click()

    assert page.get_by_label("Code postal").input_value() == "75011"
    page.get_by_role("button", name="Choisir").first.click()

    assert "79,00\xa0€" in page.locator("#totals").inner_text()
    page.get_by_role("button", name="Confirmer et obtenir mon étiquette").click()

    rma = page.locator("#rma").inner_text()
    assert page.get_by_text("Nous vous avons envoyé l’étiquette par e-mail.").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l’étiquette (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert rma in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    db.session.expire_all()
    rr = db.session.query(ReturnRequest).filter_by(rma=rma).one()
    assert rr.status == "label_issued"
    assert db.session.query(Variant).filter_by(sku="TEE-ORG-BLUE-L").one().stock_reserved == 1
    mail = wait_for_mail(mailbox, "camille.martin@example.fr", "confirmation")
    assert mailbox.kinds("camille.martin@example.fr") == ["confirmation"]
    assert rma in mail["Subject"]
    attachment = next(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"

"""The confirmation and cancellation e-mails, in the language the customer used."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.customer.pagekit import confirm, item_fields, returns, to_review


def journey(client, shop, mailbox):
    to_review(client, shop.order, shop.point, item_fields(shop.line))
    done = confirm(client)
    rr = returns()[0]
    mails = mailbox.to(shop.order.email)
    assert [m["X-Retours-Kind"] for m in mails] == ["confirmation"]
    return rr, mails[0], done.headers["Location"].split("?")[0]


def parts(mail) -> tuple[str, str]:
    return mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()


@pytest.mark.parametrize(
    ("lang", "subject", "hello", "follow"),
    [
        ("en", "Your return {rma}: your label", "Hello Anne Ørsted,", "Follow your return"),
        (
            "fr",
            "Votre retour {rma} : votre étiquette",
            "Bonjour Anne Ørsted,",
            "Suivez votre retour",
        ),
    ],
)
def test_confirmation_email_in_the_customers_language(
    client, shop, mailbox, lang, subject, hello, follow
):
    client.get(f"/lang/{lang}")
    rr, mail, status_path = journey(client, shop, mailbox)
    assert rr.locale == lang
    assert mail["Subject"] == subject.format(rma=rr.rma)
    assert "Maison Lin" in mail["From"]
    assert mail["To"].endswith("<anne@example.fr>")
    text, html = parts(mail)
    status_url = "http://portal.test" + status_path
    for body in (text, html):
        assert hello in body
        assert rr.rma in body
        assert "Maison Lin" in body
        assert status_url in body
        assert rr.current_label.tracking_code in body
    assert follow in text
    assert f'<html lang="{lang}">' in html
    attachments = list(mail.iter_attachments())
    assert [a.get_filename() for a in attachments] == [
        f"label-{rr.rma}.pdf",
        f"return-slip-{rr.rma}.pdf",
    ]
    assert attachments[0].get_content_type() == "application/pdf"
    pdf_text = PdfReader(io.BytesIO(attachments[0].get_content())).pages[0].extract_text()
    assert rr.rma in pdf_text


def test_browser_language_is_used_when_not_chosen(client, shop, mailbox):
    to_review(client, shop.order, shop.point, item_fields(shop.line))
    client.post("/return/confirm", headers={"Accept-Language": "en-GB,en;q=0.9"})
    # the session had no choice, the lookup etc. were French; confirm said English
    rr = returns()[0]
    mail = mailbox.to(shop.order.email)[0]
    assert rr.locale == "en"
    assert mail["Subject"].startswith("Your return")


def test_status_link_in_the_email_opens_the_status_page(client, shop, mailbox):
    client.get("/lang/en")
    rr, mail, _path = journey(client, shop, mailbox)
    text, _html = parts(mail)
    url = re.search(r"http://portal\.test(/r/\S+)", text).group(1)
    page = client.get(url)
    assert page.status_code == 200
    assert rr.rma in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "subject"),
    [("en", "Your return {rma} is cancelled"), ("fr", "Votre retour {rma} est annulé")],
)
def test_cancellation_email_in_the_customers_language(client, shop, mailbox, lang, subject):
    client.get(f"/lang/{lang}")
    rr, _mail, status_path = journey(client, shop, mailbox)
    mailbox.clear()
    client.get("/lang/en" if lang == "fr" else "/lang/fr")  # the language of the return wins
    client.post(status_path + "/cancel", data={"confirm": "yes"})
    mails = mailbox.to(shop.order.email)
    assert [m["X-Retours-Kind"] for m in mails] == ["cancelled"]
    assert mails[0]["Subject"] == subject.format(rma=rr.rma)
    text, html = parts(mails[0])
    assert rr.rma in text and rr.rma in html
    assert not list(mails[0].iter_attachments())

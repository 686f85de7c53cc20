"""Every e-mail, in both languages, for every outcome (exchange, refund, store credit,
rejected, gift), walked through the real services and read from the loopback SMTP
server: what the customer gets (items, amounts, fees, totals), the shop's contact and
signature, the headers, no internal code, and store credit never called a refund."""

from __future__ import annotations

import re
from datetime import date, timedelta
from email.utils import parsedate_to_datetime

import pytest

from portal.extensions import db
from portal.i18n import money
from portal.models import Label, Refund, StoreCredit
from portal.models.base import utcnow
from portal.notifications import notify
from portal.outbox import deliver_due
from portal.services import resolve, warehouse
from tests.htmlkit import visible
from tests.staff.staffkit import gift_return

CONTACT = ("care@maison-lin.example", "+33 1 23 45 67 89", "9:00–18:00")
SIGNED = {
    "en": "The Maison Lin customer service team",
    "fr": "L’équipe du service client Maison Lin",
}
HELLO = {"en": "Hello ", "fr": "Bonjour "}
# what must never reach a customer: internal codes and unrendered template syntax
RAW = re.compile(
    r"store_credit|label_issued|in_transit|exchange_shipped|refund_|too_small|%\(|\{\{|\{%|"
    r"\bNone\b|\bTrue\b|\bFalse\b|\[\[|\]\]"
)
REFUND_WORDS = {"en": re.compile(r"refund", re.I), "fr": re.compile(r"rembours", re.I)}


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "STORE_CREDIT_BONUS_PERCENT": 10,
        "RETURN_SHIPPING_FEE": 450,
        "SHOP_CONTACT_EMAIL": CONTACT[0],
        "SHOP_CONTACT_PHONE": CONTACT[1],
        "SHOP_CONTACT_HOURS": CONTACT[2],
    }


def eur(minor: int, lang: str) -> str:
    return money(minor, "EUR", lang).replace("\xa0", " ")


def read(mail) -> tuple[str, str]:
    """(text part, visible text of the HTML part), no-break spaces read as spaces."""
    text = mail.get_body(("plain",)).get_content()
    html = visible(mail.get_body(("html",)).get_content())
    return (
        text.replace("\xa0", " ").replace("\u202f", " "),
        html.replace("\xa0", " ").replace("\u202f", " "),
    )


def sent(mailbox, address: str) -> dict[str, list]:
    db.session.commit()
    deliver_due()
    by_kind: dict[str, list] = {}
    for mail in mailbox.to(address):
        by_kind.setdefault(mail["X-Retours-Kind"], []).append(mail)
    return by_kind


def check_every_mail(mail, rr, lang: str, app) -> tuple[str, str]:
    """What every e-mail carries; returns its two parts (text, visible HTML)."""
    assert mail["Reply-To"] == CONTACT[0]
    assert mail["Message-ID"].startswith("<") and mail["Message-ID"].endswith(">")
    assert abs(parsedate_to_datetime(mail["Date"]) - utcnow()) < timedelta(days=1)
    assert mail["To"].endswith(f"<{rr.contact_email}>")
    assert mail["X-Retours-RMA"] == rr.rma
    html_source = mail.get_body(("html",)).get_content()
    assert f'<html lang="{lang}">' in html_source
    text, html = read(mail)
    for body in (text, html):
        assert HELLO[lang] + rr.contact_name in body
        assert rr.rma in body
        for value in CONTACT:
            assert value in body
        assert SIGNED[lang] in body
        assert RAW.search(body) is None, RAW.search(body)
    if lang == "fr":  # French typography: a no-break space before ":"
        assert " :" not in mail.get_body(("plain",)).get_content()
        assert "\xa0:" in mail.get_body(("plain",)).get_content()
    return text, html


def walk(factory, outcome: str, lang: str):
    """A return of one TEE-M (25,00 €) taken from confirmation to its resolution."""
    factory.variants("TEE", M=5, L=5)
    if outcome == "gift":
        rr = gift_return(factory, resolution="store_credit", locale=lang)
    else:
        asked = "refund" if outcome == "rejected" else outcome
        rr = factory.return_(
            resolution=asked, exchange_sku="TEE-L" if asked == "exchange" else None, locale=lang
        )
    yield rr
    [item] = rr.items
    warehouse.receive_parcel(rr, {item.id: 1}, actor="w@example.fr")
    yield rr
    reason = "Stained with paint" if outcome == "rejected" else ""
    warehouse.diagnose(rr, {item.id: ("A", "", reason)}, actor="w@example.fr")
    yield rr
    if outcome == "exchange":
        resolve.ship_exchange(rr, item, actor_type="staff", actor="s@example.fr")
    elif outcome == "rejected":
        resolve.reject_item(rr, item, actor="s@example.fr")
    else:
        refund = resolve.issue_refund(rr, item, actor="s@example.fr")
        if outcome == "refund":
            db.session.commit()
            resolve.mark_refund_paid(refund, actor="s@example.fr")
    yield rr


EXPECTED_KINDS = {
    "refund": ["confirmation", "received", "diagnosis", "refund_approved", "refund_sent"],
    "store_credit": ["confirmation", "received", "diagnosis", "store_credit"],
    "gift": ["confirmation", "received", "diagnosis", "store_credit"],
    "exchange": ["confirmation", "received", "diagnosis", "exchange_shipped"],
    "rejected": ["confirmation", "received", "diagnosis"],
}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("outcome", list(EXPECTED_KINDS))
def test_every_email_of_an_outcome_reads_right(app, factory, mailbox, outcome, lang):
    for rr in walk(factory, outcome, lang):  # noqa: B007 - the return, step after step
        db.session.commit()
    mails = sent(mailbox, rr.contact_email)
    assert sorted(mails) == sorted(EXPECTED_KINDS[outcome])
    assert all(len(m) == 1 for m in mails.values()), {k: len(v) for k, v in mails.items()}
    parts = {kind: check_every_mail(m[0], rr, lang, app) for kind, m in mails.items()}
    texts = {kind: text + "\n" + html for kind, (text, html) in parts.items()}
    item = "TEE shirt (Blue · M)"
    for kind in ("confirmation", "received", "diagnosis"):
        assert item in texts[kind]
    [confirmation] = mails["confirmation"]
    assert [a.get_filename() for a in confirmation.iter_attachments()] == [
        f"label-{rr.rma}.pdf",
        f"return-slip-{rr.rma}.pdf",
    ]
    assert rr.labels[0].tracking_code in texts["confirmation"]

    if outcome == "gift":
        for kind, body in texts.items():
            assert "€" not in body and "EUR" not in body, kind  # no amount for a recipient
        assert rr.order.email not in "".join(texts.values())
    if outcome in ("store_credit", "gift"):
        for kind, body in texts.items():
            assert REFUND_WORDS[lang].search(body) is None, (kind, body)
        credit = db.session.query(StoreCredit).filter_by(return_id=rr.id).one()
        assert credit.code in texts["store_credit"]
    if outcome == "store_credit":
        credit_words = {"en": "store credit of", "fr": "avoir de"}[lang]
        assert f"{credit_words} {eur(2750, lang)}" in texts["confirmation"]
        assert eur(250, lang) in texts["confirmation"]  # the bonus
        assert eur(2750, lang) in texts["store_credit"]  # the balance
    if outcome == "refund":
        refund_words = {"en": "refund of", "fr": "remboursement de"}[lang]
        assert f"{refund_words} {eur(2050, lang)}" in texts["confirmation"]
        assert eur(450, lang) in texts["confirmation"]  # the return shipping fee
        for kind in ("diagnosis", "refund_approved", "refund_sent"):
            assert eur(2050, lang) in texts[kind], kind
    if outcome == "exchange":
        replacement = "TEE shirt (Blue · L)"
        assert replacement in texts["confirmation"]
        assert replacement in texts["exchange_shipped"]
        assert rr.items[0].exchange_tracking_code in texts["exchange_shipped"]
        assert "€" not in texts["confirmation"]
    if outcome == "rejected":
        assert "Stained with paint" in texts["diagnosis"]
        cannot = {"en": "We cannot accept this item", "fr": "Nous ne pouvons pas accepter"}[lang]
        assert cannot in texts["diagnosis"]
        assert "€" not in texts["diagnosis"]  # nothing is paid back for it


def test_the_confirmation_differs_for_an_exchange_a_refund_and_store_credit(app, factory, mailbox):
    factory.variants("TEE", M=5, L=5)
    bodies = {}
    for resolution in ("exchange", "refund", "store_credit"):
        order = factory.order(email=f"{resolution}@example.fr")
        rr = factory.return_(
            order,
            resolution=resolution,
            exchange_sku="TEE-L" if resolution == "exchange" else None,
            locale="en",
        )
        [mail] = sent(mailbox, rr.contact_email)["confirmation"]
        text, _html = read(mail)
        bodies[resolution] = text.replace(rr.rma, "RMA").replace(rr.labels[0].tracking_code, "T")
    assert "Exchange: your replacement is set aside" in bodies["exchange"]
    assert "Refund: once your parcel has reached us" in bodies["refund"]
    assert "Store credit: once your parcel has reached us" in bodies["store_credit"]
    assert len({re.sub(r"http\S+", "", b) for b in bodies.values()}) == 3


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_other_emails_read_right(app, factory, mailbox, lang):
    """Pending label, parcel on its way, re-issued label, failed refund, a refund with
    its arrival date, goodwill, cancelled, expired."""
    rr = factory.return_(locale=lang)
    sent(mailbox, rr.contact_email)  # the first label's e-mail
    mailbox.clear()
    old = rr.current_label
    old.voided_at = utcnow()
    new = Label(
        carrier="local",
        tracking_code="RT000000001FR",
        pdf=b"%PDF-1.4 new label",
        expires_at=utcnow() + timedelta(days=14),
    )
    rr.labels.append(new)
    db.session.flush()
    notify(rr, "confirmation", label=new)
    notify(rr, "label_pending")
    notify(rr, "in_transit")
    notify(rr, "cancelled")
    notify(rr, "expired", start_url="http://portal.test/")
    refund = Refund(amount=2050, currency="EUR", method="original_payment")
    notify(rr, "refund_failed", refund=refund, name="TEE shirt (Blue · M)")
    notify(
        rr,
        "refund_sent",
        refund=refund,
        name="TEE shirt (Blue · M)",
        arrival_estimate=date(2026, 12, 9),
    )
    credit = StoreCredit(code="GW-7K2Q", currency="EUR", initial_amount=1000, balance=1000)
    notify(rr, "goodwill", credit=credit, note="Sorry for the wait")
    mails = sent(mailbox, rr.contact_email)
    expected = {
        "confirmation",
        "label_pending",
        "in_transit",
        "cancelled",
        "expired",
        "refund_failed",
        "refund_sent",
        "goodwill",
    }
    assert set(mails) == expected
    texts = {}
    for kind, [mail] in mails.items():
        text, html = check_every_mail(mail, rr, lang, app)
        texts[kind] = text + "\n" + html
    reissued = mails["confirmation"][0]
    if lang == "en":
        assert "Here is your new label. The previous one no longer works." in texts["confirmation"]
        assert "is confirmed" not in texts["confirmation"]
        assert reissued["Subject"] == f"Your return {rr.rma}: your new label"
        assert "Dec 9, 2026" in texts["refund_sent"]
    else:
        assert "Voici votre nouvelle étiquette" in texts["confirmation"]
        assert "est confirmé" not in texts["confirmation"]
        assert "9 déc. 2026" in texts["refund_sent"]
    assert (
        "RT000000001FR" in texts["confirmation"] and old.tracking_code not in texts["confirmation"]
    )
    attachment, slip = reissued.iter_attachments()
    assert attachment.get_content() == b"%PDF-1.4 new label"
    assert slip.get_filename().startswith("return-slip-")
    assert eur(2050, lang) in texts["refund_failed"] and eur(2050, lang) in texts["refund_sent"]
    assert "GW-7K2Q" in texts["goodwill"] and eur(1000, lang) in texts["goodwill"]
    assert "Sorry for the wait" in texts["goodwill"]


def test_the_email_states_the_values_of_the_event_not_of_the_sending(app, factory, mailbox):
    """The worker builds the message later: it says what was true when it was queued."""
    factory.variants("TEE", M=5, L=5)
    rr = factory.return_(resolution="store_credit", locale="en")
    sent(mailbox, rr.contact_email)
    mailbox.clear()
    credit = StoreCredit(code="SC-1", currency="EUR", initial_amount=2750, balance=2750)
    notify(rr, "store_credit", credit=credit, name="TEE shirt (Blue · M)", refund=None)
    credit.balance = 0  # spent before the worker ran
    db.session.commit()
    [mail] = sent(mailbox, rr.contact_email)["store_credit"]
    text, _html = read(mail)
    assert "Balance: €27.50" in text

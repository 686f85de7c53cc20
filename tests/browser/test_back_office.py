"""The whole loop: a customer returns two items, the warehouse receives and inspects the
parcel, support refunds one item and ships the exchange of the other; the customer hears
about each step by e-mail, in French, with the right amounts."""

from __future__ import annotations

import re

from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Refund, ReturnRequest, Variant
from portal.typography import french as french_typography
from tests.browser.mailwait import wait_for_mail

CUSTOMER = "camille.martin@example.fr"
WAREHOUSE = "warehouse@maison-lin.example"
SUPPORT = "support@maison-lin.example"
TEE = "TEE-ORG-BLUE-M"
JEANS = "JEAN-SLIM-INDIGO-32"


def body(message) -> str:
    """The plain-text part, spaces and line breaks collapsed (no-break spaces kept)."""
    return squash(message.get_body(preferencelist=("plain",)).get_content())


def squash(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def french(msgid: str, **values) -> str:
    """The French sentence the customer should read, from the catalogue; an untranslated
    message fails here rather than passing unnoticed in English."""
    with force_locale("fr"):
        text = gettext(msgid, **values)
    with force_locale("en"):
        assert text != gettext(msgid, **values), f"not translated to French: {msgid!r}"
    return squash(french_typography(text))  # set as the e-mails set French


def create_return(page, live_server) -> tuple[str, str]:
    """The customer's part, in French on a phone: (RMA, label tracking number)."""
    page.goto(live_server + "/")
    page.get_by_label("Numéro de commande").fill("FR-10001")
    page.get_by_label("Adresse e-mail ou code postal de livraison").fill(CUSTOMER)
    page.get_by_role("button", name="Retrouver ma commande").click()

    tee = page.locator("section", has_text=TEE)
    tee.get_by_label("Combien en retourner").select_option("1")
    tee.get_by_label("Pourquoi le retournez-vous ?").select_option("too_small")
    tee.get_by_label("Échanger contre une autre taille ou couleur").check()
    tee.get_by_label("Taille ou couleur", exact=True).select_option(label="Blue · L — plus que 2")
    jeans = page.locator("section", has_text=JEANS)
    jeans.get_by_label("Combien en retourner").select_option("1")
    jeans.get_by_label("Pourquoi le retournez-vous ?").select_option("changed_mind")
    jeans.get_by_label("Remboursement sur mon moyen de paiement").check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Choisir").first.click()
    page.get_by_role("button", name="Confirmer et obtenir mon étiquette").click()
    return page.locator("#rma").inner_text(), page.locator("#tracking").inner_text()


def test_scan_receive_diagnose_refund_and_ship_exchange(page, live_server, mailbox, staff_page):
    rma, tracking = create_return(page, live_server)
    wait_for_mail(mailbox, CUSTOMER, "confirmation")

    # The warehouse: the scanner types the tracking number and Enter.
    warehouse = staff_page(WAREHOUSE)
    warehouse.get_by_role("link", name="Scan").click()
    expect(warehouse.locator("#scan-code")).to_be_focused()
    warehouse.keyboard.type(tracking)
    warehouse.keyboard.press("Enter")
    expect(warehouse.locator("#rma")).to_have_text(rma)
    expect(warehouse.locator("#status")).to_have_text("Label sent, parcel not yet dropped off")

    for sku in (TEE, JEANS):
        item = warehouse.get_by_role("group", name=re.compile(sku))
        item.get_by_label("Units in this parcel").fill("1")
    warehouse.get_by_role("button", name="Confirm receipt").click()
    expect(warehouse.get_by_role("status")).to_contain_text("2 unit(s) recorded")
    expect(warehouse.locator("#status")).to_have_text("Parcel received")
    received = wait_for_mail(mailbox, CUSTOMER, "received")

    for sku in (TEE, JEANS):
        item = warehouse.get_by_role("group", name=re.compile(sku))
        item.get_by_label("Condition").select_option("A")
        item.get_by_label("Note").fill("Tags on, as new")
    warehouse.get_by_role("button", name="Save diagnosis").click()
    expect(warehouse.get_by_role("status")).to_contain_text("2 item(s)")
    expect(warehouse.locator("#status")).to_have_text("Items inspected")
    expect(warehouse.locator("#items .grade")).to_have_text([re.compile("^A"), re.compile("^A")])
    # Warehouse staff inspect; support resolves.
    expect(warehouse.locator("#resolve")).to_contain_text("Support resolves these items.")
    expect(warehouse.locator("#resolve").get_by_role("button")).to_have_count(0)
    diagnosis = wait_for_mail(mailbox, CUSTOMER, "diagnosis")

    # Support: finds the return in the queue, refunds the jeans, ships the exchange.
    support = staff_page(SUPPORT)
    support.locator("#queue-to_resolve").get_by_role("link", name=rma).click()
    expect(support.locator("#rma")).to_have_text(rma)
    support.locator("#resolve tr", has_text="Slim jeans").get_by_role(
        "button", name="Refund"
    ).click()
    expect(support.get_by_role("status")).to_contain_text("Refund of €79.00 recorded")
    expect(support.locator("#refunds")).to_contain_text("€79.00")
    expect(support.locator("#status")).to_have_text("Items inspected")
    refund_mail = wait_for_mail(mailbox, CUSTOMER, "refund_approved")

    support.locator("#resolve tr", has_text="Organic T-shirt").get_by_role(
        "button", name="Ship exchange"
    ).click()
    expect(support.get_by_role("status")).to_contain_text("Exchange shipped")
    # nothing left to resolve, but the refund is only approved: refunded once it is paid
    expect(support.locator("#status")).to_have_text("Items inspected")
    expect(support.locator("#resolve")).to_have_count(0)
    shipped = wait_for_mail(mailbox, CUSTOMER, "exchange_shipped")
    support.locator("#nav-refunds").click()
    support.locator("[id^=mark-paid-]").click()
    expect(support.get_by_role("status")).to_contain_text("marked as paid")
    wait_for_mail(mailbox, CUSTOMER, "refund_sent")
    support.goto(live_server + f"/staff/returns/{rma}")
    expect(support.locator("#status")).to_have_text("Resolved: money back")
    audit = support.locator("#audit")
    for action in (
        "Parcel received",
        "Every item inspected",
        "Refund recorded",
        "Exchange shipped",
    ):
        expect(audit).to_contain_text(action)
    expect(audit).to_contain_text(WAREHOUSE)
    expect(audit).to_contain_text(SUPPORT)

    # The database: one refund of the jeans' price, the return resolved, stock moved.
    db.session.expire_all()
    rr = db.session.query(ReturnRequest).filter_by(rma=rma).one()
    assert rr.status == "refunded"
    assert rr.resolved_at is not None
    refunds = db.session.query(Refund).filter_by(return_id=rr.id).all()
    assert [(r.amount, r.currency, r.method) for r in refunds] == [
        (7900, "EUR", "original_payment")
    ]
    assert refunds[0].return_item.order_line.variant.sku == JEANS
    tee_item = next(i for i in rr.items if i.order_line.variant.sku == TEE)
    assert tee_item.exchange_tracking_code
    stock = {
        v.sku: (v.stock_on_hand, v.stock_reserved)
        for v in db.session.query(Variant).filter(Variant.sku.in_(["TEE-ORG-BLUE-L", TEE, JEANS]))
    }
    assert stock["TEE-ORG-BLUE-L"] == (1, 0)  # 2 on hand, 1 reserved → shipped
    assert stock[TEE] == (13, 0)  # grade A: back to stock
    assert stock[JEANS] == (6, 0)

    # The customer's mailbox: one e-mail per step, in French, with the right amounts.
    assert mailbox.kinds(CUSTOMER) == [
        "confirmation",
        "received",
        "diagnosis",
        "refund_approved",
        "exchange_shipped",
        "refund_sent",  # support marked the refund paid (manual mode)
    ]
    for message in mailbox.to(CUSTOMER):
        assert rma in message["Subject"]
        assert '<html lang="fr">' in message.get_body(preferencelist=("html",)).get_content()
    assert received["Subject"] == french("We have received your return %(rma)s", rma=rma)
    assert diagnosis["Subject"] == french("Your return %(rma)s has been inspected", rma=rma)
    assert refund_mail["Subject"] == french("Your refund for return %(rma)s is approved", rma=rma)
    assert shipped["Subject"] == french("Your exchange for return %(rma)s is on its way", rma=rma)

    text = body(received)
    assert french("We have received your parcel for return %(rma)s. In it:", rma=rma) in text
    assert "1 × Organic T-shirt (Blue · M)" in text
    assert "1 × Slim jeans (Indigo · 32)" in text

    text = body(diagnosis)
    assert (
        french(
            "Accepted: we are refunding %(amount)s to your original payment method.",
            amount="79,00\xa0€",
        )
        in text
    )
    assert (
        french(
            "Accepted: we are sending you %(variant)s in exchange.",
            variant="Organic T-shirt (Blue · L)",
        )
        in text
    )

    text = body(refund_mail)
    assert "79,00\xa0€" in text
    assert (
        french(
            "Your refund of %(amount)s for %(name)s is approved.",
            amount="79,00\xa0€",
            name="Slim jeans (Indigo · 32)",
        )
        in text
    )
    assert "rembours" in text and "pas encore parti" in text  # approved, not yet sent
    text = body(shipped)
    # every e-mail sums up the whole return: the exchange, and the jeans' refund
    assert "79,00\xa0€" in text and "Total rembours" in text
    assert (
        french(
            "Your exchange is on its way: %(quantity)d × %(variant)s, in exchange for %(name)s.",
            quantity=1,
            variant="Organic T-shirt (Blue · L)",
            name="Organic T-shirt (Blue · M)",
        )
        in text
    )
    assert french("Tracking number: %(code)s", code=tee_item.exchange_tracking_code) in text


def refund_the_jeans(staff_page, live_server, mailbox, rma: str):
    """The warehouse receives both items and grades them A; support refunds the jeans. The
    customer hears "approved", then "sent" (checked here). Returns support's page and the
    "sent" e-mail."""
    warehouse = staff_page(WAREHOUSE)
    warehouse.goto(f"{live_server}/staff/returns/{rma}")
    for sku in (TEE, JEANS):
        warehouse.get_by_role("group", name=re.compile(sku)).get_by_label(
            "Units in this parcel"
        ).fill("1")
    warehouse.get_by_role("button", name="Confirm receipt").click()
    expect(warehouse.locator("#status")).to_have_text("Parcel received")
    for sku in (TEE, JEANS):
        warehouse.get_by_role("group", name=re.compile(sku)).get_by_label(
            "Condition"
        ).select_option("A")
    warehouse.get_by_role("button", name="Save diagnosis").click()
    expect(warehouse.locator("#status")).to_have_text("Items inspected")

    support = staff_page(SUPPORT)
    support.goto(f"{live_server}/staff/returns/{rma}")
    support.locator("#resolve tr", has_text="Slim jeans").get_by_role(
        "button", name="Refund"
    ).click()
    expect(support.get_by_role("status")).to_contain_text("Refund of €79.00")

    approved = wait_for_mail(mailbox, CUSTOMER, "refund_approved")
    sent = wait_for_mail(mailbox, CUSTOMER, "refund_sent")
    assert approved["Subject"] == french("Your refund for return %(rma)s is approved", rma=rma)
    assert sent["Subject"] == french("Your refund for return %(rma)s has been sent", rma=rma)
    assert french(
        "Your refund of %(amount)s for %(name)s has been sent to your original payment method.",
        amount="79,00\xa0€",
        name="Slim jeans (Indigo · 32)",
    ) in body(sent)
    return support, sent

"""Repairs under warranty, walked in Chromium: the customer (French or English, on a phone)
asks for a repair of a coffee grinder past its return window, the warehouse receives and
diagnoses it, and each path ends as the customer is told by e-mail (read in the SMTP
server) and on the status page: covered and repaired, quote accepted and replaced, quote
declined and sent back, refunded when neither is possible, no fault found and sent back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Refund, RepairCase
from tests.browser.mailwait import wait_for_mail
from tests.repairs.build import grinders

WAREHOUSE = "warehouse@maison-lin.example"
SUPPORT = "support@maison-lin.example"
SKU = "GRIND-BLACK"

WORDS = {
    "fr": {
        "number": "Numéro de commande",
        "contact": "Adresse e-mail ou code postal de livraison",
        "find": "Retrouver ma commande",
        "offer": "Encore sous garantie jusqu’au",
        "how_many": "Combien en envoyer en réparation",
        "why": "Pourquoi le retournez-vous ?",
        "comment": "Commentaire (facultatif)",
        "continue": "Continuer",
        "choose": "Choisir",
        "confirm": "Confirmer et obtenir mon étiquette",
        "asked": "Vous nous avez demandé de réparer votre Coffee grinder (Black).",
        "received": "Nous avons reçu votre Coffee grinder (Black).",
    },
    "en": {
        "number": "Order number",
        "contact": "E-mail address or shipping postcode",
        "find": "Find my order",
        "offer": "Still under warranty until",
        "how_many": "How many to send for repair",
        "why": "Why are you returning it?",
        "comment": "Comment (optional)",
        "continue": "Continue",
        "choose": "Choose",
        "confirm": "Confirm and get my label",
        "asked": "You asked us to repair your Coffee grinder (Black).",
        "received": "We received your Coffee grinder (Black).",
    },
}


def body(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " ")).strip()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " ")).strip()


@pytest.fixture
def grinder_order(factory, live_server):
    """A coffee grinder delivered 200 days ago: past the 30-day window, under warranty."""
    grinders(stock=2)
    order = factory.order([(SKU, 1)], delivered_days_ago=200, email="lea.dubois@example.fr")
    factory.relay_point()
    db.session.commit()
    return order


@pytest.fixture
def customer(browser, live_server):
    contexts = []

    def open_page(locale: str):
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            locale="fr-FR" if locale == "fr" else "en-GB",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def ask_for_repair(page, live_server, order, locale: str) -> str:
    """The customer's part: find the order, ask for a repair, get the label; the RMA."""
    w = WORDS[locale]
    if locale == "en":
        page.goto(live_server + "/lang/en")
    page.goto(live_server + "/")
    page.get_by_label(w["number"]).fill(order.number)
    page.get_by_label(w["contact"]).fill(order.email)
    page.get_by_role("button", name=w["find"]).click()
    grinder = page.locator("section", has_text=SKU)
    expect(grinder).to_contain_text(w["offer"])
    grinder.get_by_label(w["how_many"]).select_option("1")
    grinder.get_by_label(w["why"]).select_option("stopped_working")
    grinder.get_by_label(w["comment"]).fill("It no longer grinds.")
    page.get_by_role("button", name=w["continue"]).click()
    page.get_by_role("button", name=w["choose"]).first.click()
    page.get_by_role("button", name=w["confirm"]).click()
    expect(page.locator("body")).to_contain_text(w["asked"])
    return page.locator("#rma").inner_text()


def receive_and_diagnose(warehouse, live_server, rma, note, covered: bool, quote: str = ""):
    warehouse.goto(f"{live_server}/staff/returns/{rma}")
    warehouse.get_by_role("group", name=re.compile(SKU)).get_by_label("Units in this parcel").fill(
        "1"
    )
    warehouse.get_by_role("button", name="Confirm receipt").click()
    section = warehouse.locator("#repairs")
    expect(section).to_contain_text("Repair: received, to diagnose")
    expect(section).to_contain_text("It no longer grinds.")
    section.get_by_label("The fault found (the customer reads this)").fill(note)
    if covered:
        section.get_by_label("Yes: we repair it at no cost").check()
    else:
        section.get_by_label("No: send a quote").check()
        section.get_by_label(re.compile("Quote, if not covered")).fill(quote)
    section.get_by_role("button", name="Save the diagnosis and e-mail the customer").click()
    expect(warehouse.get_by_role("status")).to_contain_text("Diagnosis saved")


def test_covered_repair_in_french(customer, live_server, grinder_order, mailbox, staff_page):
    page = customer("fr")
    rma = ask_for_repair(page, live_server, grinder_order, "fr")
    email = grinder_order.email
    wait_for_mail(mailbox, email, "confirmation")

    warehouse = staff_page(WAREHOUSE)
    receive_and_diagnose(warehouse, live_server, rma, "The motor is faulty.", covered=True)
    received = body(wait_for_mail(mailbox, email, "received"))
    assert "nous diagnostiquons la panne, puis nous réparons, remplaçons ou remboursons" in received
    diagnosis = body(wait_for_mail(mailbox, email, "repair_diagnosis"))
    assert "Diagnostic de votre Coffee grinder (Black) : The motor is faulty." in diagnosis
    assert "La panne est couverte par la garantie : nous le réparons gratuitement" in diagnosis

    # the staff home shows it by step, with its age
    warehouse.goto(live_server + "/staff/")
    tile = warehouse.locator("#repairs-by-step")
    expect(tile).to_contain_text("Repair: being repaired (1)")
    expect(tile).to_contain_text(rma)

    warehouse.goto(f"{live_server}/staff/returns/{rma}")
    section = warehouse.locator("#repairs")
    section.get_by_label("Tracking number of the parcel back to the customer").fill("6A1234567890")
    section.get_by_role("button", name="Repaired and shipped back").click()
    expect(warehouse.get_by_role("status")).to_contain_text("Repaired and shipped")
    shipped = body(wait_for_mail(mailbox, email, "repair_shipped"))
    assert "Votre Coffee grinder (Black) est réparé et en route vers vous." in shipped
    assert "6A1234567890" in shipped

    page.reload()
    text = squash(page.locator("body").inner_text())
    assert WORDS["fr"]["received"] in text
    assert (
        "Diagnostic : The motor is faulty. C’est couvert par la garantie, nous le réparons." in text
    )
    assert "Réparé et en route vers vous : suivi 6A1234567890." in text
    warehouse.goto(f"{live_server}/staff/returns/{rma}")  # the return's end says what happened
    expect(warehouse.locator("body")).to_contain_text("Resolved: repaired or replaced")
    expect(warehouse.locator("body")).not_to_contain_text("Resolved: exchanged")


def test_quote_accepted_from_the_email_then_replaced_in_english(
    customer, live_server, grinder_order, mailbox, staff_page
):
    page = customer("en")
    rma = ask_for_repair(page, live_server, grinder_order, "en")
    email = grinder_order.email
    warehouse = staff_page(WAREHOUSE)
    receive_and_diagnose(
        warehouse, live_server, rma, "The burr is broken by a stone.", covered=False, quote="35"
    )
    diagnosis = body(wait_for_mail(mailbox, email, "repair_diagnosis"))
    assert "This fault is not covered by the warranty. We can repair it for €35.00." in diagnosis
    link = re.search(r"(http://\S+/repair/quote/\S+)", diagnosis).group(1)

    page.goto(link)  # the e-mail's link opens a page with one button; opening changes nothing
    expect(page.locator("#price")).to_contain_text("Repair: €35.00.")
    page.get_by_role("button", name="Accept the quote").click()
    expect(page.locator("body")).to_contain_text("Thank you: we are repairing your item.")
    answer = body(wait_for_mail(mailbox, email, "repair_quote_answer"))
    assert "you accepted our quote of €35.00" in answer

    warehouse.goto(f"{live_server}/staff/returns/{rma}")
    section = warehouse.locator("#repairs")
    expect(section).to_contain_text("Repair: being repaired")
    section.get_by_label("Replace with").select_option(label="Coffee grinder (White) — 2 available")
    section.get_by_label("Tracking number of the replacement").fill("6A2222222222")
    section.get_by_role("button", name="Ship a replacement").click()
    expect(warehouse.get_by_role("status")).to_contain_text("Replacement shipped")
    replaced = body(wait_for_mail(mailbox, email, "repair_replaced"))
    assert "Coffee grinder (White) is on its way to you" in replaced and "6A2222222222" in replaced

    page.goto(link)
    expect(page.locator("#answered")).to_contain_text("This quote has been answered")
    db.session.expire_all()
    assert db.session.query(RepairCase).one().status == "replaced"


def test_quote_declined_then_sent_back_in_french(
    customer, live_server, grinder_order, mailbox, staff_page
):
    page = customer("fr")
    rma = ask_for_repair(page, live_server, grinder_order, "fr")
    email = grinder_order.email
    warehouse = staff_page(WAREHOUSE)
    receive_and_diagnose(
        warehouse, live_server, rma, "Broken by a fall.", covered=False, quote="40,00"
    )
    diagnosis = body(wait_for_mail(mailbox, email, "repair_diagnosis"))
    assert "Nous pouvons la réparer pour 40,00 €." in diagnosis

    page.reload()  # the status page points to the quote
    page.get_by_role("link", name="Accepter ou refuser le devis").click()
    page.get_by_role("button", name="Refuser, le renvoyer sans réparation").click()
    expect(page.locator("body")).to_contain_text(
        "nous vous renvoyons votre article sans le réparer"
    )
    answer = body(wait_for_mail(mailbox, email, "repair_quote_answer"))
    assert "Vous avez refusé notre devis" in answer

    warehouse.goto(f"{live_server}/staff/returns/{rma}")
    section = warehouse.locator("#repairs")
    # an illegal step is not even offered; the one step left is sending it back
    expect(section.get_by_role("button", name="Repaired and shipped back")).to_have_count(0)
    section.get_by_label("Tracking number of the parcel back to the customer").fill("6A0000000001")
    section.get_by_role("button", name="Sent back unrepaired").click()
    expect(warehouse.get_by_role("status")).to_contain_text("Sent back unrepaired")
    back = body(wait_for_mail(mailbox, email, "repair_unrepaired"))
    assert "vous est renvoyé sans réparation" in back and "6A0000000001" in back
    page.reload()
    assert "Renvoyé sans réparation : suivi 6A0000000001." in squash(
        page.locator("body").inner_text()
    )


def test_refunded_when_neither_is_possible_in_english(
    customer, live_server, grinder_order, mailbox, staff_page
):
    page = customer("en")
    rma = ask_for_repair(page, live_server, grinder_order, "en")
    email = grinder_order.email
    warehouse = staff_page(WAREHOUSE)
    receive_and_diagnose(warehouse, live_server, rma, "The motor is burnt.", covered=True)
    expect(warehouse.locator("#repairs")).not_to_contain_text("Neither possible")  # support's

    support = staff_page(SUPPORT)
    support.goto(f"{live_server}/staff/returns/{rma}")
    support.locator("#repairs").get_by_role("button", name=re.compile("Neither possible")).click()
    expect(support.get_by_role("status")).to_contain_text("Refund approved")
    approved = body(wait_for_mail(mailbox, email, "refund_approved"))
    assert "€89.00" in approved
    db.session.expire_all()
    assert db.session.query(Refund).one().amount == 8900
    page.reload()
    assert "We could neither repair nor replace your Coffee grinder (Black): we refund it." in (
        squash(page.locator("body").inner_text())
    )


def test_no_fault_found_then_sent_back_in_english(
    customer, live_server, grinder_order, mailbox, staff_page
):
    page = customer("en")
    rma = ask_for_repair(page, live_server, grinder_order, "en")
    email = grinder_order.email
    warehouse = staff_page(WAREHOUSE)
    warehouse.goto(f"{live_server}/staff/returns/{rma}")
    warehouse.get_by_role("group", name=re.compile(SKU)).get_by_label("Units in this parcel").fill(
        "1"
    )
    warehouse.get_by_role("button", name="Confirm receipt").click()
    section = warehouse.locator("#repairs")
    section.get_by_label("The fault found (the customer reads this)").fill(
        "It grinds fine after cleaning."
    )
    section.get_by_label("No fault found: the item works").check()
    section.get_by_role("button", name="Save the diagnosis and e-mail the customer").click()
    expect(warehouse.get_by_role("status")).to_contain_text("No fault found")
    diagnosis = body(wait_for_mail(mailbox, email, "repair_diagnosis"))
    assert "We found no fault: it works as it should." in diagnosis
    assert "there is nothing to pay" in diagnosis
    page.reload()
    text = squash(page.locator("body").inner_text())
    assert "We found no fault in your Coffee grinder (Black): we send it back" in text

    section = warehouse.locator("#repairs")
    section.get_by_label("Tracking number of the parcel back to the customer").fill("6A7777777777")
    section.get_by_role("button", name="Sent back, no fault found").click()
    expect(warehouse.get_by_role("status")).to_contain_text("Sent back, no fault found")
    expect(warehouse.locator("body")).to_contain_text("Resolved: sent back")
    back = body(wait_for_mail(mailbox, email, "repair_unrepaired"))
    assert "We found no fault in it, and there is nothing to pay." in back
    page.reload()
    text = squash(page.locator("body").inner_text())
    assert "Sent back, no fault found, nothing to pay: tracking 6A7777777777." in text
    db.session.expire_all()
    assert db.session.query(Refund).count() == 0

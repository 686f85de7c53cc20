"""The customer reports a problem from the order lookup; nothing to send back."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Claim, Label, ReturnRequest
from tests.claims.claimkit import claim_of, find, submit
from tests.htmlkit import page


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_lookup_offers_the_problem_link_and_the_form_lists_the_lines(en, shop):
    client = en
    find(client, shop.order)
    items = page(client.get("/return/items"))
    assert "I have a problem with my order" in items.text
    form = page(client.get("/claim"))
    assert "My parcel never arrived" in form.text and "It arrived damaged" in form.text
    assert form.select_options(f"line-{shop.order.lines[0].id}") is not None
    assert "TEE-L" in form.text


def test_a_claim_is_recorded_acknowledged_and_no_label_is_issued(en, shop, mailbox):
    client = en
    response = submit(client, shop.order, text="The carrier says delivered; nothing came.")
    assert response.status_code == 302
    claim = claim_of(response)
    assert claim.kind == "never_arrived" and claim.status == "open"
    assert [(line.order_line.variant.sku, line.quantity) for line in claim.lines] == [("TEE-M", 1)]
    assert _count(ReturnRequest) == 0 and _count(Label) == 0
    shown = page(client.get(response.headers["Location"]))
    assert claim.number in shown.text and "What happens next" in shown.text
    assert "You do not need to send anything back." in shown.text
    (mail,) = mailbox.to(shop.order.email)
    assert mail["X-Retours-Kind"] == "claim_received"
    body = mail.get_body(("plain",)).get_content()
    assert claim.number in body and "My parcel never arrived" in body
    assert "We are sorry" in body and "1 × TEE shirt" in body
    assert "http://portal.test/c/" in body


def test_french_customer_gets_french_pages_and_mail(client, shop, mailbox):
    client.get("/lang/fr")
    response = submit(client, shop.order, kind="wrong_item", text="Pas le bon article.")
    claim = claim_of(response)
    assert claim.locale == "fr"
    shown = page(client.get(response.headers["Location"]))
    assert "Réclamation" in shown.text
    (mail,) = mailbox.to(shop.order.email)
    assert "Réclamation" in mail["Subject"] or "réclamation" in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert "Bonjour" in body and "Pas le bon article" not in body


def test_damage_needs_a_photo_and_bad_input_changes_nothing(en, shop, mailbox):
    client = en
    response = submit(client, shop.order, kind="damaged", text="Torn.")
    assert response.status_code == 422
    assert "Add at least one photo of the damage." in page(response).text
    response = submit(client, shop.order, kind="", quantities={}, text="")
    assert response.status_code == 422
    text = page(response).text
    assert "Choose what happened." in text and "Tell us what happened." in text
    assert "Choose at least one item concerned." in text
    too_many = {shop.order.lines[0].id: 9}
    assert (
        "You bought 2 of this item." in page(submit(client, shop.order, quantities=too_many)).text
    )
    foreign = submit(client, shop.order, quantities={999999: 1})
    assert "This item is not part of your order." in page(foreign).text
    assert _count(Claim) == 0 and mailbox.to(shop.order.email) == []


def test_a_damage_claim_keeps_its_photos(en, shop):
    client = en
    response = submit(client, shop.order, kind="damaged", text="Box crushed.", photos=2)
    claim = claim_of(response)
    assert [p.content_type for p in claim.photos] == ["image/jpeg", "image/jpeg"]


def test_a_forged_claim_link_is_a_404(client, shop):
    assert client.get("/c/not-a-token").status_code == 404
    assert client.get("/claim").status_code == 302  # no lookup: back to the start


def test_keep_it_is_off_by_default(en, shop):
    client = en
    assert "Keep it" not in page(client.get("/policy")).text
    claim = claim_of(submit(client, shop.order, kind="damaged", text="Torn.", photos=1))
    assert claim.status == "open"


def test_a_claim_mail_is_answered_to_the_shop_not_to_a_return_thread(app, en, shop, mailbox):
    """A reply address is signed for a return's thread; a claim has none, so its mail's
    Reply-To is the shop's contact (a signed address for it would bounce: no such return)."""
    app.config["INBOUND_DOMAIN"] = "in.retours.test"
    submit(en, shop.order, text="The carrier says delivered; nothing came.")
    (mail,) = mailbox.to(shop.order.email)
    assert mail["X-Retours-Kind"] == "claim_received"
    assert mail["Reply-To"] == app.config["SHOP_CONTACT_EMAIL"]

"""Issue 14, the customer's pages: what you get back on every page, the exchange's
tracking number, no hole in the progress, nothing returnable explained, the shop's
contact in the footer, forgiving lookup, postcode messages, French typography, pictures."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.links import status_path
from portal.models import Variant
from portal.services import resolve, shop_sync, warehouse
from portal.services.errors import ValidationFailed
from tests.customer.pagekit import confirm, item_fields, lookup, page, returns, to_review

NBSP = "\u00a0"
NNBSP = "\u202f"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "STORE_CREDIT_BONUS_PERCENT": 10, "RETURN_SHIPPING_FEE": 490}


@pytest.fixture
def two(factory):
    """TEE (M, L) at 25,00 € and SOCK (M) at 9,00 €; an order of one TEE-M and one SOCK-M."""
    factory.variants("TEE", M=5, L=5)
    factory.variants("SOCK", price=900, M=5)
    order = factory.order([("TEE-M", 1), ("SOCK-M", 1)])
    point = factory.relay_point()
    db.session.commit()
    return order, point


def _large():
    return db.session.query(Variant).filter_by(sku="TEE-L").one()


# --- what you get back ---------------------------------------------------------------------


def test_review_names_the_replacement_and_each_amount(en, two):
    order, point = two
    tee, sock = order.lines
    items = {**item_fields(tee, resolution="exchange", exchange=_large()), **item_fields(sock)}
    to_review(en, order, point, items)
    summary = page(en.get("/return/review")).by_id("summary")
    assert "1 × TEE shirt (Blue · M) — exchange for TEE shirt (Blue · L)" in summary
    assert "1 × SOCK shirt (Blue · M) — refund of €4.10 (€4.90 deducted)" in summary
    assert "Expected refund: €4.10" in summary
    assert "Return shipping of €4.90 is deducted from the refund." in summary


def test_confirmation_and_status_pages_list_items_amounts_and_bonus(en, two):
    order, point = two
    tee, sock = order.lines
    items = {**item_fields(tee, resolution="store_credit"), **item_fields(sock)}
    to_review(en, order, point, items)
    done = confirm(en)
    confirmation = page(en.get(done.headers["Location"]))
    assert "Your return is confirmed" in confirmation.text
    summary = confirmation.by_id("summary")
    assert "1 × TEE shirt (Blue · M) — store credit of €27.50, including a €2.50 bonus" in summary
    assert "1 × SOCK shirt (Blue · M) — refund of €4.10 (€4.90 deducted)" in summary
    assert "Expected refund: €4.10" in summary and "Expected store credit: €27.50" in summary
    rr = returns()[0]
    status = page(en.get(status_path(rr)))
    assert status.by_id("summary") == summary  # the same words on the status page


def test_status_page_shows_the_decided_amounts_after_inspection(en, two):
    order, point = two
    to_review(en, order, point, item_fields(order.lines[0]))
    confirm(en)
    rr = returns()[0]
    item = rr.items[0]
    warehouse.receive_parcel(rr, {item.id: 1}, actor="w")
    warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w")
    db.session.commit()
    summary = page(en.get(status_path(rr))).by_id("summary")
    assert "1 × TEE shirt (Blue · M) — refund of €20.10 (€4.90 deducted)" in summary
    assert "Fees deducted: €4.90" in summary and "Refund: €20.10" in summary
    assert "Final amounts are confirmed" not in summary  # decided now


def test_gift_recipient_sees_what_comes_back_without_any_amount(client, factory):
    factory.variants("TEE", M=5, L=5)
    order = factory.order(gift_code="GIFT-AAAA-BBBB-CCCC")
    rr = factory.return_(order, resolution="store_credit", locale="en")
    rr.is_gift = True  # as the gift path makes it (the factory builds the buyer's kind)
    db.session.commit()
    client.get("/lang/en")
    shown = page(client.get(status_path(rr)))
    assert "1 × TEE shirt (Blue · M) — store credit" in shown.by_id("summary")
    assert "€" not in shown.text and "totals" not in shown.ids


def test_gift_items_page_does_not_show_the_buyers_order_number(client, factory):
    factory.variants("TEE", M=5, L=5)
    order = factory.order(number="T-77777", gift_code="GIFT-AAAA-BBBB-CCCC")
    db.session.commit()
    client.get("/lang/en")
    assert client.post("/gift", data={"code": "GIFT-AAAA-BBBB-CCCC"}).status_code == 302
    shown = page(client.get("/return/items"))
    assert "TEE shirt" in shown.text
    assert order.number not in shown.text and "77777" not in shown.text


# --- the exchange's tracking number, and no hole in the progress ---------------------------


def test_shipped_exchange_shows_its_tracking_number(en, factory):
    factory.variants("TEE", M=5, L=5)
    rr = factory.return_(resolution="exchange", exchange_sku="TEE-L", locale="en")
    item = rr.items[0]
    warehouse.receive_parcel(rr, {item.id: 1}, actor="w")
    warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w")
    code = resolve.ship_exchange(rr, item, actor_type="staff", actor="s")
    db.session.commit()
    shown = page(en.get(status_path(rr)))
    assert f"TEE shirt (Blue · L) — Tracking number: {code}" in shown.by_id("replacements")
    assert "exchange for TEE shirt (Blue · L)" in shown.by_id("summary")


def test_parcel_received_without_a_carrier_scan_is_not_a_hole(en, factory):
    rr = factory.return_(locale="en")
    item = rr.items[0]
    warehouse.receive_parcel(rr, {item.id: 1}, actor="w")  # the carrier never scanned it
    db.session.commit()
    shown = page(en.get(status_path(rr)))
    steps = [li.get_text(" ", strip=True) for li in shown.soup.select("ol.timeline li")]
    ticked = [("done" in (li.get("class") or [])) for li in shown.soup.select("ol.timeline li")]
    dropped = next(s for s in steps if s.startswith("Parcel dropped off"))
    assert "not scanned by the carrier" in dropped
    assert ticked[:4] == [True, True, True, True]  # requested, label, dropped off, received
    assert ticked[4:] == [False, False]
    last_ticked = max(i for i, t in enumerate(ticked) if t)
    assert all(ticked[: last_ticked + 1])  # never an unticked step between ticked ones


def test_a_scanned_parcel_has_no_such_note(en, factory):
    from portal.carriers.base import TrackingUpdate
    from portal.services.tracking import apply_tracking

    rr = factory.return_(locale="en")
    apply_tracking(
        TrackingUpdate("e-1", rr.current_label.tracking_code, "in_transit"), provider="local"
    )
    db.session.commit()
    assert "not scanned by the carrier" not in page(en.get(status_path(rr))).text


# --- nothing returnable ---------------------------------------------------------------------


@pytest.mark.parametrize("why", ["window", "final sale"])
def test_nothing_returnable_says_why_and_what_still_works(en, factory, why):
    factory.variants("TEE", M=5, L=5)[0].product.warranty_months = 0  # no repair either
    if why == "window":
        order = factory.order(delivered_days_ago=45, placed_days_ago=47)
        reason = "The return period ended on"
    else:
        order = factory.order(final_sale=("TEE-M",))
        reason = "Final sale: this item cannot be returned."
    db.session.commit()
    lookup(en, order)
    response = en.get("/return/items")
    shown = page(response)
    assert "Nothing in this order can be returned" in shown.by_id("nothing-returnable")
    assert reason in shown.text
    advice = shown.by_id("nothing-returnable")
    assert "TEE shirt (Blue · M) has no warranty." in advice  # true: warranty_months = 0
    assert "covered by the warranty" not in advice
    assert "service@maison-lin.example" in advice and "+33 1 84 80 12 34" in advice
    assert not [c for c in shown.soup.find_all("button") if "Continue" in c.get_text()]


def test_a_returnable_order_still_has_continue(en, shop):
    lookup(en, shop.order)
    shown = page(en.get("/return/items"))
    assert "nothing-returnable" not in shown.ids
    assert [b for b in shown.soup.find_all("button") if "Continue" in b.get_text()]


# --- the shop's contact, the favicon ----------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/gift", "/policy", "/r/not-a-token"])
def test_every_page_footer_carries_the_shops_contact(client, path):
    shown = page(client.get(path))
    contact = shown.by_id("shop-contact")
    assert "Service client Maison Lin" in contact
    assert "service@maison-lin.example" in contact
    assert "+33 1 84 80 12 34" in contact and "du lundi au vendredi, de 9 h à 18 h" in contact
    assert "mailto:service@maison-lin.example" in shown.links
    assert "tel:+33184801234" in shown.links


def test_the_hours_are_in_the_readers_language_unless_the_shop_wrote_them(app, client):
    client.get("/lang/en")
    assert "Mon–Fri 9:00–18:00" in page(client.get("/")).by_id("shop-contact")
    app.config["SHOP_CONTACT_HOURS"] = "7j/7, 8 h – 20 h"
    assert "7j/7, 8 h – 20 h" in page(client.get("/")).by_id("shop-contact")


def test_the_favicon_is_linked_and_served(client):
    shown = page(client.get("/"))
    icon = shown.soup.find("link", rel="icon")
    assert icon is not None
    response = client.get(icon["href"])
    assert response.status_code == 200 and b"<svg" in response.data


# --- lookup forgiveness -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["FR10001", "fr-10001", " FR-10001 ", "fr 10001"])
def test_order_number_typed_loosely_finds_the_order(en, factory, typed):
    order = factory.order(number="FR-10001")
    db.session.commit()
    response = lookup(en, order, number=typed)
    assert response.headers["Location"] == "/return/items"
    assert "FR-10001" in page(en.get("/return/items")).text


# --- postcodes -----------------------------------------------------------------------------------


@pytest.fixture
def chosen(en, shop):
    lookup(en, shop.order)
    en.post("/return/items", data=item_fields(shop.line))
    return shop


@pytest.mark.parametrize("typed", ["75", "2A004", "abcde"])
def test_malformed_postcode_says_so_and_shows_the_format(en, chosen, typed):
    advice = page(en.get(f"/return/relay?postcode={typed}")).by_id("postcode-advice")
    assert f"“{typed}” is not a postcode." in advice
    assert "A French postcode has 5 digits, for example 75011." in advice
    assert "No drop-off point found" not in advice
    if typed == "2A004":
        assert "In Corsica postcodes start with 20" in advice


def test_valid_postcode_with_no_point_nearby_offers_what_still_works(en, chosen):
    advice = page(en.get("/return/relay?postcode=97150")).by_id("postcode-advice")
    assert "No drop-off point found near 97150." in advice
    assert "is not a postcode" not in advice
    assert "the search then reaches further" in advice  # a wider search
    assert "write to our customer service" in advice  # no other network here: the shop


def test_found_points_have_no_advice_and_distances_use_a_decimal_comma_in_french(client, chosen):
    client.get("/lang/fr")
    response = client.get("/return/relay?postcode=75011")
    shown = page(response)
    assert "postcode-advice" not in shown.ids
    html = response.get_data(as_text=True)
    assert re.search(rf"· \d+,\d{NBSP}km ·", html), html
    assert not re.search(r"\d\.\d km", shown.text)


# --- French typography ----------------------------------------------------------------------


def test_french_pages_put_a_no_break_space_before_high_punctuation(client, shop, factory):
    client.get("/lang/fr")
    html = client.get("/policy").get_data(as_text=True)
    assert f"De combien de temps je dispose{NNBSP}?" in html
    assert "je dispose ?" not in html
    rr_html = client.get(status_path(factory.return_(shop.order))).get_data(as_text=True)
    assert f"Numéro de suivi{NBSP}:" in rr_html
    assert " :" not in page_text_raw(rr_html)


def test_english_pages_are_left_alone(en, shop, factory):
    html = en.get(status_path(factory.return_(shop.order))).get_data(as_text=True)
    assert "Tracking number: " in html and NBSP + ":" not in html


def test_typography_leaves_markup_attributes_and_form_fields_alone():
    from portal.typography import french, french_html

    assert french("Total : 5 !") == f"Total{NBSP}: 5{NNBSP}!"
    assert french("Oui\xa0? Non\u202f!") == f"Oui{NNBSP}? Non{NNBSP}!"  # already set: the same
    assert french("Total: 5") == f"Total{NBSP}: 5"
    assert french("« oui »") == f"«{NBSP}oui{NBSP}»"
    assert french("9:00 – 12:30") == "9:00 – 12:30"
    html = '<a title="Un : deux" href="/x?a=b">Voir :</a><textarea>a ?</textarea>'
    assert french_html(html) == (
        f'<a title="Un : deux" href="/x?a=b">Voir{NBSP}:</a><textarea>a ?</textarea>'
    )


def page_text_raw(html: str) -> str:
    """The visible text with no-break spaces kept (htmlkit folds them into spaces)."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").body.get_text()


# --- pictures from the catalogue ---------------------------------------------------------------


def _tee(**extra):
    return {
        "sku": "PIC-M",
        "product": "PIC",
        "name": "Linen shirt",
        "size": "M",
        "colour": "White",
        "price": 4000,
        "currency": "EUR",
        "stock": 3,
        **extra,
    }


def test_catalogue_picture_is_shown_and_allowed_by_the_page_policy(en, factory):
    shop_sync.upsert_variants(
        {"variants": [_tee(image_url="https://cdn.shop.example/linen-white.jpg")]}
    )
    order = factory.order([("PIC-M", 1)])
    db.session.commit()
    lookup(en, order)
    response = en.get("/return/items")
    shown = page(response)
    img = shown.soup.select_one("section.item img.thumb")
    assert img is not None and img["src"] == "https://cdn.shop.example/linen-white.jpg"
    policy = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://cdn.shop.example;" in policy
    assert "script-src 'self'" in policy  # nothing else loosened


def test_without_a_picture_the_initial_stays(en, shop):
    lookup(en, shop.order)
    response = en.get("/return/items")
    shown = page(response)
    assert shown.soup.select_one("section.item img") is None
    assert shown.soup.select_one("section.item div.thumb").get_text() == "T"
    assert "img-src 'self' data:;" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url", ["http://cdn.example/a.jpg", "javascript:alert(1)", "https://a b.example/x", "x" * 2100]
)
def test_catalogue_refuses_a_picture_that_is_not_https(app, url):
    with pytest.raises(ValidationFailed) as caught:
        shop_sync.upsert_variants({"variants": [_tee(image_url=url)]})
    assert "variants[0].image_url" in caught.value.errors
    assert db.session.query(Variant).filter_by(sku="PIC-M").first() is None


def test_a_later_push_without_a_picture_removes_it(app):
    shop_sync.upsert_variants({"variants": [_tee(image_url="https://cdn.example/a.jpg")]})
    shop_sync.upsert_variants({"variants": [_tee()]})
    assert db.session.query(Variant).filter_by(sku="PIC-M").one().image_url is None


def test_item_names_are_product_names_never_skus(en, shop):
    lookup(en, shop.order)
    shown = page(en.get("/return/items"))
    assert shown.by_id(f"item-{shop.line.id}-title") == "TEE shirt"

"""PUT /api/v1/catalog: upsert variants, all or nothing, each bad field named."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal import outbox
from portal.extensions import db
from portal.models import Order, OutboxMessage, Product, Variant
from portal.services import resolve, warehouse
from tests.api.conftest import count, order, variant
from tests.api.spec import check_request
from tests.factories import Factory
from tests.htmlkit import page

CATALOG = "/api/v1/catalog"


def get_variant(sku: str) -> Variant:
    db.session.expire_all()
    return db.session.scalar(select(Variant).where(Variant.sku == sku))


def test_creates_then_updates_variants_and_counts_them(api):
    body = {"variants": [variant(), variant(sku="TEE-ORG-BLUE-L", size="L", stock=3)]}
    check_request("PUT", CATALOG, body)
    response = api.put(CATALOG, json=body)
    assert response.status_code == 200
    assert response.get_json() == {"created": 2, "updated": 0}
    assert count(Product) == 1
    assert count(Variant) == 2

    body = {
        "variants": [
            variant(price=2700, stock=0, name="Organic tee", returnable=False),
            variant(sku="TEE-ORG-WHITE-M", colour="White", stock=4, name="Organic tee"),
        ]
    }
    response = api.put(CATALOG, json=body)
    assert response.get_json() == {"created": 1, "updated": 1}
    v = get_variant("TEE-ORG-BLUE-M")
    assert (v.price, v.stock_on_hand, v.returnable) == (2700, 0, False)
    assert v.product.name == "Organic tee"
    assert get_variant("TEE-ORG-BLUE-L").stock_on_hand == 3
    assert count(Product) == 1
    assert count(Variant) == 3


def test_same_catalog_twice_only_updates(api):
    body = {"variants": [variant()]}
    api.put(CATALOG, json=body)
    assert api.put(CATALOG, json=body).get_json() == {"created": 0, "updated": 1}
    assert count(Variant) == 1


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"price": 25.0}, "price", "integer"),
        ({"price": "2500"}, "price", "integer"),
        ({"price": -1}, "price", "at least 0"),
        ({"stock": -2}, "stock", "at least 0"),
        ({"stock": True}, "stock", "integer"),
        ({"currency": "ZZZ"}, "currency", "unknown currency"),
        ({"currency": "EURO"}, "currency", ""),
        ({"sku": None}, "sku", "required"),
        ({"sku": ""}, "sku", "required"),
        ({"sku": "X" * 65}, "sku", "longer than 64"),
        ({"name": 12}, "name", "string"),
        ({"returnable": "yes"}, "returnable", "true or false"),
        ({"price": 10**12}, "price", "at most 2147483647"),
        ({"stock": 2**31}, "stock", "at most"),
        ({"weight_grams": 0}, "weight_grams", "at least 1"),
        ({"weight_grams": "heavy"}, "weight_grams", "integer"),
    ],
)
def test_bad_field_is_named_and_nothing_is_written(api, changes, field, words):
    body = {"variants": [variant(sku="GOOD-1"), variant(**changes)]}
    response = api.put(CATALOG, json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert f"variants[1].{field}" in errors, errors
    assert words in errors[f"variants[1].{field}"]
    assert count(Variant) == 0
    assert count(Product) == 0


def test_missing_fields_are_each_named(api):
    response = api.put(CATALOG, json={"variants": [{"sku": "A-1"}]})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    for field in ("product", "name", "price", "currency", "stock"):
        assert errors[f"variants[0].{field}"] == "is required"
    assert "variants[0].sku" not in errors


def test_bad_update_leaves_existing_variants_as_they_were(api):
    api.put(CATALOG, json={"variants": [variant(), variant(sku="TEE-ORG-BLUE-L", size="L")]})
    body = {"variants": [variant(price=9900, stock=1), variant(sku="TEE-ORG-BLUE-L", price=1.5)]}
    response = api.put(CATALOG, json=body)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["variants[1].price"]
    v = get_variant("TEE-ORG-BLUE-M")
    assert (v.price, v.stock_on_hand) == (2500, 12)


def test_the_same_sku_twice_is_refused(api):
    response = api.put(CATALOG, json={"variants": [variant(), variant(price=100)]})
    assert response.status_code == 422
    assert "variants[1].sku" in response.get_json()["errors"]
    assert count(Variant) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "variants"), ({"variants": "TEE"}, "variants"), ({"variants": [3]}, "variants[0]")],
)
def test_wrong_structure_is_named(api, body, field):
    response = api.put(CATALOG, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize("data", ['{"variants": [', "", "variants=1", "[1, 2"])
def test_malformed_json_is_a_400(api, data):
    response = api.put(CATALOG, data=data)
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"
    assert count(Variant) == 0


def test_translated_names_are_what_customers_of_that_language_read(api, client):
    """The catalogue's names in English reach the English pages; French ones read the
    catalogue's own names; a bad translation is a 422 naming it."""
    body = {
        "variants": [
            variant(
                name="T-shirt bio",
                colour="Bleu",
                translations={"en": {"name": "Organic T-shirt", "colour": "Blue"}},
            )
        ]
    }
    check_request("PUT", CATALOG, body)
    assert api.put(CATALOG, json=body).status_code == 200
    assert api.put("/api/v1/orders/{number}", number="FR-10023", json=order()).status_code in (
        200,
        201,
    )
    pages = {}
    for lang in ("en", "fr"):
        client.get(f"/lang/{lang}")
        lookup = client.post("/lookup", data={"number": "FR-10023", "contact": "75011"})
        assert lookup.status_code == 302, lookup.get_data(as_text=True)
        pages[lang] = page(client.get("/return/items")).text
    assert "Organic T-shirt Colour: Blue · Size: M" in pages["en"]
    assert "T-shirt bio" not in pages["en"]
    assert "T-shirt bio Couleur : Bleu · Taille : M" in pages["fr"]
    assert "Organic T-shirt" not in pages["fr"]

    bad = {"variants": [variant(translations={"de": {"name": "Bio-T-Shirt"}})]}
    response = api.put(CATALOG, json=bad)
    assert response.status_code == 422
    assert any(k.startswith("variants[0].translations") for k in response.get_json()["errors"])


def test_the_confirmation_email_names_items_in_the_customers_language(api, client, mailbox):
    english = {"en": {"name": "Organic T-shirt", "colour": "Blue"}}
    body = {"variants": [variant(name="T-shirt bio", colour="Bleu", translations=english)]}
    api.put(CATALOG, json=body)
    api.put("/api/v1/orders/{number}", number="FR-10023", json=order())
    rr = Factory().return_(
        db.session.scalar(select(Order).where(Order.number == "FR-10023")), locale="en"
    )
    outbox.deliver_due()
    [mail] = mailbox.to("customer@example.fr")
    text = mail.get_body(("plain",)).get_content()
    assert "Organic T-shirt (Blue · M)" in text and "T-shirt bio" not in text, rr.rma


def test_a_refund_made_by_french_staff_names_the_item_in_the_customers_language(app, factory):
    rr = factory.return_(locale="en")
    rr.items[0].order_line.variant.translations = {"en": {"name": "Tee", "colour": "Navy"}}
    item = rr.items[0]
    warehouse.receive_parcel(rr, {item.id: 1}, "", "tests")
    warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w")
    with force_locale("fr"):  # the support member's page is in French
        resolve.issue_refund(rr, item, actor="support")
    row = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "refund_approved")
    ).one()
    assert row.context["name"] == "Tee (Navy · M)"

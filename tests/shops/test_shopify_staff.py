"""/staff/shops: admins connect the Shopify shop, test it, see the last sync."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import ShopConnection
from tests.fakes.shopify import order
from tests.htmlkit import page


@pytest.fixture
def admin(client, auth, app):
    app.config["SHOPIFY_SHOP_DOMAIN"] = app.config["SHOPIFY_ACCESS_TOKEN"] = None
    auth.login("admin")
    client.get("/lang/en")
    return client


def _save(client, domain="Maison-Lin.myshopify.com", token="shpat_fake_token"):
    return client.post("/staff/shops", data={"domain": domain, "token": token})


def _flash(client, response) -> str:
    return page(client.get(response.headers["Location"])).text


def test_only_admins_reach_the_page(client, auth):
    auth.login("support")
    assert client.get("/staff/shops").status_code == 403
    assert _save(client).status_code == 403
    assert db.session.scalar(select(ShopConnection)) is None


def test_the_token_is_stored_encrypted_and_never_shown_again(admin):
    response = _save(admin)
    text = _flash(admin, response)
    assert "Shopify shop maison-lin.myshopify.com saved; the token is stored encrypted" in text
    row = db.session.scalar(select(ShopConnection))
    assert row.domain == "maison-lin.myshopify.com"
    assert "shpat_fake_token" not in row.token_encrypted
    html = admin.get("/staff/shops").get_data(as_text=True)
    assert "shpat_fake_token" not in html and row.token_encrypted not in html


@pytest.mark.parametrize(
    ("domain", "token", "message"),
    [
        ("ma-boutique.com", "shpat_x", "ending in .myshopify.com"),
        ("maison-lin.myshopify.com", "", "Paste the Admin API access token"),
        ("maison-lin.myshopify.com", "shpat x\n", "Paste the Admin API access token"),
    ],
)
def test_bad_input_says_what_is_wrong_and_saves_nothing(admin, domain, token, message):
    response = _save(admin, domain, token)
    assert response.status_code == 400
    assert message in page(response).text
    assert db.session.scalar(select(ShopConnection)) is None


def test_without_a_secrets_key_the_token_is_refused(admin, app):
    app.config["SECRETS_KEY"] = None
    response = _save(admin)
    assert response.status_code == 400
    assert "cannot be stored safely: SECRETS_KEY is not set" in page(response).text


def test_the_connection_test_says_exactly_what_is_wrong(admin, shopify):
    _save(admin)
    ok = admin.post("/staff/shops/test")
    assert "Connected to Maison Lin: orders can be read." in _flash(admin, ok)

    _save(admin, token="shpat_wrong")
    wrong = admin.post("/staff/shops/test")
    assert "Shopify refused the access token (401)" in _flash(admin, wrong)

    _save(admin)
    shopify.scopes.discard("read_orders")
    scope = admin.post("/staff/shops/test")
    assert "lacks a permission (403): give the app the read_orders scope" in _flash(admin, scope)


def test_an_unreachable_shop_is_named(admin, app):
    _save(admin)
    app.config["SHOPIFY_API_BASE"] = "http://127.0.0.1:9"  # nothing listens there
    response = admin.post("/staff/shops/test")
    assert "Shopify could not be reached" in _flash(admin, response)


def test_the_last_sync_and_its_errors_are_shown(admin, shopify, runner):
    _save(admin)
    shopify.add_order(order(1, 2001, created_at="2026-11-25T10:00:00+01:00"))
    shopify.add_order({**order(2, 2002, created_at="2026-11-25T10:00:00+01:00"), "line_items": []})
    result = runner.invoke(args=["shop", "sync", "--since", "90d"])
    assert "created 1" in result.output
    text = page(admin.get("/staff/shops")).text
    assert "created 1, updated 0, unchanged 0, rejected 1" in text
    assert "#2002: line_items is missing or empty" in text


def test_the_forms_need_their_csrf_token(admin, app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = _save(admin)
    assert response.status_code == 400
    assert db.session.scalar(select(ShopConnection)) is None

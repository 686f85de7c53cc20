"""/staff/shops for every registered platform: Shopify's webhooks registered and listed
from the page, and a platform another connector registers shown without more code."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import ShopConnection
from portal.shops import credentials, platform
from portal.shops.platform import CheckResult
from tests.htmlkit import page


@pytest.fixture
def admin(client, auth, app):
    app.config["SHOPIFY_SHOP_DOMAIN"] = app.config["SHOPIFY_ACCESS_TOKEN"] = None
    auth.login("admin")
    client.get("/lang/en")
    return client


def _flash(client, response) -> str:
    return page(client.get(response.headers["Location"])).text


def test_the_webhooks_are_registered_from_the_page_and_listed(admin, shopify):
    admin.post(
        "/staff/shops/shopify",
        data={"domain": "maison-lin.myshopify.com", "token": "shpat_fake_token"},
    )
    text = _flash(admin, admin.post("/staff/shops/shopify/webhooks"))
    assert "Webhooks registered at http://localhost/webhooks/shopify" in text
    topics = sorted(h["topic"] for h in shopify.webhooks)
    assert topics == ["orders/cancelled", "orders/create", "orders/fulfilled", "orders/updated"]
    assert {h["address"] for h in shopify.webhooks} == {"http://localhost/webhooks/shopify"}
    assert "orders/fulfilled → http://localhost/webhooks/shopify" in text
    again = _flash(admin, admin.post("/staff/shops/shopify/webhooks"))
    assert "Every webhook was already registered" in again
    assert len(shopify.webhooks) == 4


def test_registering_with_a_wrong_token_says_so_and_registers_nothing(admin, shopify):
    admin.post(
        "/staff/shops/shopify", data={"domain": "maison-lin.myshopify.com", "token": "shpat_wrong"}
    )
    text = _flash(admin, admin.post("/staff/shops/shopify/webhooks"))
    assert "Shopify refused the access token (401)" in text
    assert shopify.webhooks == []


class Tiny:
    """A connector as another helper would register it: only the protocol's attributes."""

    name, title = "tinyshop", "TinyShop"
    fields = (("address", "Shop URL", "https://…"), ("key", "API key", ""))

    def check(self, creds):
        ok = creds.secrets.get("key") == "good"
        return CheckResult(ok, "TinyShop says hello" if ok else "TinyShop: wrong key (401)")


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setitem(platform.PLATFORMS, "tinyshop", Tiny())


def test_any_registered_platform_gets_its_card(admin, tiny):
    text = page(admin.get("/staff/shops")).text
    assert "TinyShop" in text and "Shop URL" in text and "API key" in text
    response = admin.post("/staff/shops/tinyshop", data={"address": "", "key": ""})
    assert response.status_code == 400
    assert "Shop URL is required." in page(response).text
    saved = admin.post(
        "/staff/shops/tinyshop", data={"address": "https://tiny.example", "key": "bad"}
    )
    assert "TinyShop shop https://tiny.example saved" in _flash(admin, saved)
    row = db.session.scalar(select(ShopConnection).where(ShopConnection.platform == "tinyshop"))
    assert "bad" not in row.token_encrypted
    assert credentials.current("tinyshop").secrets == {"key": "bad"}
    assert "wrong key (401)" in _flash(admin, admin.post("/staff/shops/tinyshop/test"))
    admin.post("/staff/shops/tinyshop", data={"address": "https://tiny.example", "key": "good"})
    assert "TinyShop says hello" in _flash(admin, admin.post("/staff/shops/tinyshop/test"))


def test_an_unknown_platform_is_a_404_and_support_cannot_reach_the_page(admin, client, auth):
    assert admin.post("/staff/shops/nosuch/test").status_code == 404
    auth.login("support")
    assert client.get("/staff/shops").status_code == 403
    assert client.post("/staff/shops/shopify/webhooks").status_code == 403

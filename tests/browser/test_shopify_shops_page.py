"""The shop platforms page in Chromium: an admin connects Shopify (pointed at the fake),
tests the connection, registers the webhooks and sees them listed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import expect

from tests.fakes.shopify import FakeShopify

ADMIN = "admin@maison-lin.example"


@pytest.fixture
def shopify() -> Iterator[FakeShopify]:
    with FakeShopify() as fake:
        yield fake


@pytest.fixture
def app_config(app_config, shopify):
    return {
        **app_config,
        "SHOPIFY_API_BASE": shopify.base_url,
        "SECRETS_KEY": Fernet.generate_key().decode(),
    }


def test_an_admin_connects_shopify_and_registers_its_webhooks(staff_page, live_server, shopify):
    page = staff_page(ADMIN)
    page.goto(live_server + "/staff/shops")
    card = page.locator("#shop-shopify")
    expect(card).to_contain_text("No Shopify shop is connected yet.")
    card.get_by_label("Shop address (…myshopify.com)").fill("maison-lin.myshopify.com")
    card.get_by_label("Admin API access token").fill(shopify.token)
    card.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("the token is stored encrypted")
    page.locator("#shop-shopify").get_by_role("button", name="Test the connection").click()
    expect(page.locator("body")).to_contain_text("Connected to Maison Lin: orders can be read.")
    page.locator("#shop-shopify").get_by_role("button", name="Register the webhooks").click()
    expect(page.locator("body")).to_contain_text("Webhooks registered at")
    expect(page.locator("#shop-webhooks-shopify")).to_contain_text("orders/fulfilled →")
    assert len(shopify.webhooks) == 4
    assert shopify.token not in page.content()

"""Shopify connector fixtures: the fake Shopify on loopback, and the app pointed at it."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from tests.fakes.shopify import FakeShopify
from tests.shops.prestashop_fixtures import creds, presta  # noqa: F401 (PrestaShop's)

SECRET = "shopify-webhook-secret"
KEY = Fernet.generate_key().decode()


@pytest.fixture
def shopify():
    with FakeShopify() as fake:
        yield fake


@pytest.fixture
def app_config(app_config, shopify):
    return {
        **app_config,
        "SHOPIFY_SHOP_DOMAIN": "maison-lin.myshopify.com",
        "SHOPIFY_ACCESS_TOKEN": shopify.token,
        "SHOPIFY_API_BASE": shopify.base_url,
        "SHOPIFY_WEBHOOK_SECRET": SECRET,
        "SHOPIFY_DELIVERY_DELAY_DAYS": 3,
        "SECRETS_KEY": KEY,
    }

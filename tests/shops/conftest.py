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


@pytest.fixture
def desk(client):
    from tests.staff.staffkit import Desk

    return Desk(client)


def shopify_return(
    factory, shopify, *, locale: str = "en", resolution: str = "refund", inspect=None, **extra
):
    """A return of one €25.00 tee on a Shopify order (id 7001, line 70011) that the fake
    holds too, received and graded A; `extra` goes to factory.return_."""
    from tests.fakes.shopify import line, order
    from tests.shops.platform_kit import platform_return

    shopify.add_order(order(7001, 2002, lines=[line(70011, sku="TEE-M", price="25.00")]))
    inspect = inspect if inspect is not None else resolution == "refund"
    return platform_return(
        factory,
        "shopify",
        "7001",
        "70011",
        resolution=resolution,
        inspect=inspect,
        locale=locale,
        **extra,
    )

"""PrestaShop connector fixtures: the fake webservice on loopback, the app pointed at it.

Imported by the tests/shops/test_prestashop_*.py modules (the directory's conftest is the
Shopify connector's)."""

from __future__ import annotations

import pytest

from portal.shops.platform import Credentials
from tests.fakes.prestashop import FakePrestaShop


@pytest.fixture
def presta():
    with FakePrestaShop() as fake:
        yield fake


@pytest.fixture
def app_config(app_config, presta):
    return {
        **app_config,
        "PRESTASHOP_SHOP_URL": presta.base_url,
        "PRESTASHOP_WEBSERVICE_KEY": presta.key,
        "PRESTASHOP_TIMEZONE": "Europe/Paris",
        "PRESTASHOP_TIMEOUT": 2,
        "PRESTASHOP_DELIVERY_DELAY_DAYS": 3,
    }


@pytest.fixture
def creds(presta) -> Credentials:
    return Credentials(presta.base_url, {"key": presta.key})

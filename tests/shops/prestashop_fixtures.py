"""PrestaShop connector fixtures: the fake webservice on loopback, the app pointed at it.

The directory's conftest imports `presta` and `creds`; each test_prestashop_*.py module
points the app at the fake with its own `app_config` (the conftest's is Shopify's):

    @pytest.fixture
    def app_config(app_config, presta):
        return with_prestashop(app_config, presta)
"""

from __future__ import annotations

import pytest

from portal.shops.platform import Credentials
from tests.fakes.prestashop import FakePrestaShop


@pytest.fixture
def presta():
    with FakePrestaShop() as fake:
        yield fake


def with_prestashop(app_config: dict, presta: FakePrestaShop) -> dict:
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

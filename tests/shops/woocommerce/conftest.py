"""WooCommerce connector fixtures: the fake store on loopback and the app pointed at it."""

from __future__ import annotations

import pytest

from portal.shops.platform import Credentials
from tests.fakes.woocommerce import KEY, SECRET, FakeWooCommerce

WEBHOOK_SECRET = "woo-webhook-secret"


@pytest.fixture
def woo():
    with FakeWooCommerce(slow_seconds=1.5) as fake:
        yield fake


@pytest.fixture
def app_config(app_config, woo):
    return {
        **app_config,
        "WOOCOMMERCE_STORE_URL": woo.base_url,
        "WOOCOMMERCE_CONSUMER_KEY": KEY,
        "WOOCOMMERCE_CONSUMER_SECRET": SECRET,
        "WOOCOMMERCE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "WOOCOMMERCE_TIMEOUT": 1,
        "WOOCOMMERCE_DELIVERY_DELAY_DAYS": 3,
    }


def credentials(woo, key: str = KEY, secret: str = SECRET) -> Credentials:
    return Credentials(woo.base_url, {"key": key, "secret": secret})

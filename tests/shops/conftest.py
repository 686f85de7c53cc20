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
    from portal.outbox import deliver_due
    from portal.services import warehouse
    from tests.fakes.shopify import line, order

    rr = factory.return_(with_label=False, locale=locale, resolution=resolution, **extra)
    rr.order.source, rr.order.external_id = "shopify", "7001"
    rr.order.lines[0].external_id = "70011"
    db_session().flush()
    shopify.add_order(order(7001, 2002, lines=[line(70011, sku="TEE-M", price="25.00")]))
    if inspect if inspect is not None else resolution == "refund":
        warehouse.receive_parcel(rr, {i.id: i.quantity for i in rr.items}, actor="w")
        warehouse.diagnose(rr, {i.id: ("A", "", "") for i in rr.items}, actor="w")
    db_session().commit()
    deliver_due()
    return rr


def db_session():
    from portal.extensions import db

    return db.session

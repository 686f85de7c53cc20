"""`flask shop sync --platform …`: Shopify as before, any other registered platform through
its own pages, every connected platform by default, a clear word for a wrong name."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Order
from portal.shops import platform
from portal.shops.platform import PlatformError
from tests.fakes.shopify import order


def test_shopify_by_name_and_by_default(runner, shopify):
    shopify.add_order(order(1001, 2001, created_at="2026-11-20T10:00:00+01:00"))
    named = runner.invoke(args=["shop", "sync", "--platform", "shopify", "--since", "2026-10-01"])
    assert "Shopify: created 1, updated 0, unchanged 0, rejected 0" in named.output
    default = runner.invoke(args=["shop", "sync", "--since", "2026-10-01"])
    assert "Shopify: created 0, updated 0, unchanged 1, rejected 0" in default.output


def test_an_unknown_platform_is_named_with_the_known_ones(runner):
    result = runner.invoke(args=["shop", "sync", "--platform", "magento"])
    assert result.exit_code != 0 and "unknown platform 'magento'" in result.output
    assert "shopify" in result.output


class Pages:
    """A connector giving pages of our JSON API's order shape (no apply_orders)."""

    name, title, fields = "pagesshop", "PagesShop", (("address", "URL", ""),)

    def __init__(self, pages, fail=False):
        self.pages, self.fail = pages, fail

    def order_pages(self, creds, since):
        yield from self.pages
        if self.fail:
            raise PlatformError("unreachable", "PagesShop could not be reached")


def _payload(number: str) -> dict:
    return {
        "number": number,
        "email": "anne@example.fr",
        "currency": "EUR",
        "placed_at": "2026-11-20T10:00:00+00:00",
        "delivered_at": None,
        "shipping_address": {
            "name": "Anne",
            "line1": "1 rue de la Paix",
            "postcode": "75002",
            "city": "Paris",
            "country": "FR",
        },
        "payment": {"method": "card", "reference": "pi_x1"},
        "lines": [{"sku": "TEE-M", "quantity": 1, "unit_price": 2500}],
    }


def test_another_platform_syncs_through_its_pages_and_its_failure_is_said(
    runner, factory, monkeypatch
):
    factory.variants()
    db.session.commit()
    monkeypatch.setitem(
        platform.PLATFORMS, "pagesshop", Pages([[_payload("P-1"), _payload("P-2")]], fail=True)
    )
    from portal.shops import credentials

    monkeypatch.setattr(
        credentials, "current", lambda name: credentials.Credentials("https://pages.example", {})
    )
    result = runner.invoke(args=["shop", "sync", "--platform", "pagesshop"])
    assert "PagesShop: created 2" in result.output
    assert "PagesShop could not be reached" in result.output and result.exit_code != 0
    assert db.session.scalar(select(func.count(Order.id))) == 2

"""portal/shops/shopify.py alone against the fake: waits, retries, pages, refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.shops.shopify import ShopifyClient, ShopifyError, clean_domain
from tests.fakes.shopify import order

SINCE = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def waits():
    return []


@pytest.fixture
def client_(shopify, waits):
    return ShopifyClient(
        "maison-lin.myshopify.com", shopify.token, base_url=shopify.base_url, sleep=waits.append
    )


def test_a_429_waits_what_retry_after_says(shopify, client_, waits):
    shopify.retry_after = "2.0"
    shopify.throttle(2)
    assert client_.shop()["name"] == "Maison Lin"
    assert waits == [2.0, 2.0]


def test_server_errors_and_dropped_connections_are_retried_then_named(shopify, client_, waits):
    shopify.fail("shop", "503")
    shopify.fail("shop", "drop")
    assert client_.shop()["name"] == "Maison Lin"
    assert len(waits) == 2
    shopify.fail("shop", "503", times=10)
    with pytest.raises(ShopifyError) as caught:
        client_.shop()
    assert (caught.value.kind, caught.value.status) == ("server", 503)


def test_pages_are_yielded_one_by_one(shopify, client_):
    for i in range(1, 6):
        shopify.add_order(order(i, 2000 + i, created_at="2026-11-20T10:00:00Z"))
    pages = client_.order_pages(SINCE, limit=2)
    first = next(pages)
    assert [o["id"] for o in first] == [1, 2]
    assert shopify.count("orders") == 1  # the next page is asked only when needed
    assert [[o["id"] for o in page] for page in pages] == [[3, 4], [5]]


def test_a_next_page_on_another_host_is_refused(shopify, client_):
    for i in range(1, 4):
        shopify.add_order(order(i, 2000 + i, created_at="2026-11-20T10:00:00Z"))
    client_.base_url = client_.base_url.replace("127.0.0.1", "localhost")
    with pytest.raises(ShopifyError, match="another host"):
        list(client_.order_pages(SINCE, limit=1))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Maison-Lin.myshopify.com", "maison-lin.myshopify.com"),
        (" https://maison-lin.myshopify.com/ ", "maison-lin.myshopify.com"),
        ("maison-lin.com", None),
        ("evil.com/.myshopify.com", None),
        ("", None),
    ],
)
def test_only_myshopify_domains_are_accepted(raw, clean):
    assert clean_domain(raw) == clean

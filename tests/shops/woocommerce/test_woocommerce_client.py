"""The WooCommerce client and `check` against the fake store: what is wrong, said exactly;
pages by X-WP-TotalPages; rate limits and server errors retried on reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from portal.shops import platform
from portal.shops.platform import Credentials, PlatformError
from portal.shops.woocommerce import WooClient, clean_url
from tests.fakes.woocommerce import KEY, NO_READ_KEY, READ_ONLY_KEY, SECRET, line, order
from tests.shops.woocommerce.conftest import credentials

SINCE = datetime(2026, 10, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def in_english(app):
    """The default locale is French; these tests read the English words."""
    with force_locale("en"):
        yield


def _platform():
    return platform.for_source("woocommerce")


def test_the_platform_is_registered_with_its_fields(app):
    found = _platform()
    assert (found.name, found.title) == ("woocommerce", "WooCommerce")
    assert [name for name, _, _ in found.fields] == ["address", "key", "secret"]


def test_check_says_connected_when_orders_can_be_read(app, woo):
    result = _platform().check(credentials(woo))
    assert result.ok
    assert "orders can be read and written" in result.message
    assert woo.coupons == []  # the write probe made nothing


def test_check_names_a_read_only_key(app, woo):
    result = _platform().check(credentials(woo, key=READ_ONLY_KEY))
    assert not result.ok
    assert "lacks a permission" in result.message and "write permissions" in result.message


def test_check_names_a_wrong_key(app, woo):
    result = _platform().check(credentials(woo, key="ck_wrong"))
    assert not result.ok
    assert "refused the consumer key or secret (401)" in result.message


def test_check_names_a_key_without_permission(app, woo):
    result = _platform().check(credentials(woo, key=NO_READ_KEY))
    assert not result.ok
    assert "lacks a permission" in result.message and "Read/Write" in result.message


def test_check_names_a_site_that_is_not_woocommerce(app, woo):
    woo.not_woocommerce = True
    result = _platform().check(credentials(woo))
    assert not result.ok
    assert "No WooCommerce REST API answers at this address (404)" in result.message


def test_check_names_an_unreachable_store(app, woo):
    url = woo.base_url
    woo.stop()
    result = _platform().check(Credentials(url, {"key": KEY, "secret": SECRET}))
    assert not result.ok
    assert "could not be reached" in result.message


def test_an_http_address_that_is_not_loopback_is_refused():
    assert clean_url("http://boutique.example") is None
    assert clean_url("https://boutique.example/") == "https://boutique.example"
    assert clean_url("https://user:pw@boutique.example") is None


def test_order_pages_follow_the_total_pages_header(app, woo):
    for i in range(1, 251):
        woo.add_order(order(i, modified_gmt="2026-11-02T10:00:00"))
    totals = []
    pages = list(_platform().order_pages(credentials(woo), SINCE, on_total=totals.append))
    assert [len(p) for p in pages] == [100, 100, 50]
    assert totals == [250]
    asked = [path for name, _, path in woo.requests if name == "orders"]
    assert len(asked) == 3
    assert all("dates_are_gmt=true" in p and "per_page=100" in p for p in asked)
    assert "modified_after=2026-10-01T00%3A00%3A00" in asked[0]


def test_only_orders_modified_since_then_come(app, woo):
    woo.add_order(order(1, modified_gmt="2026-09-30T23:59:59"))
    woo.add_order(order(2, modified_gmt="2026-10-01T00:00:01", lines=[line(21)]))
    pages = list(_platform().order_pages(credentials(woo), SINCE))
    assert [[o["id"] for o in p] for p in pages] == [[2]]


def test_a_429_is_waited_out_with_its_retry_after(app, woo):
    woo.add_order(order(1, modified_gmt="2026-11-02T10:00:00"))
    woo.throttle(2)
    waits = []
    client = WooClient(woo.base_url, KEY, SECRET, sleep=waits.append)
    pages = list(client.order_pages(SINCE))
    assert [o["id"] for o in pages[0]] == [1]
    assert waits == [1.0, 1.0]


def test_a_server_error_on_a_read_is_retried(app, woo):
    woo.add_order(order(1, modified_gmt="2026-11-02T10:00:00"))
    woo.fail("orders", "503", times=2)
    client = WooClient(woo.base_url, KEY, SECRET, sleep=lambda s: None)
    assert [o["id"] for o in next(client.order_pages(SINCE))] == [1]


def test_errors_that_last_are_named(app, woo):
    woo.fail("orders", "500", times=10)
    client = WooClient(woo.base_url, KEY, SECRET, retries=2, sleep=lambda s: None)
    try:
        next(client.order_pages(SINCE))
    except PlatformError as exc:
        assert exc.kind == "server" and exc.status == 500
    else:
        raise AssertionError("a lasting 500 must be an error")


def test_what_is_wrong_is_said_in_french_too(app, woo):
    with app.test_request_context(), force_locale("fr"):
        result = _platform().check(credentials(woo, key="ck_wrong"))
        labels = [str(label) for _, label, _ in _platform().fields]
    assert "WooCommerce a refusé la clé client ou le secret client (401)" in result.message
    assert labels == ["Adresse de la boutique WooCommerce", "Clé client", "Secret client"]


def test_without_the_paging_headers_full_pages_are_followed(app, woo):
    woo.strip_paging_headers = True  # a proxy that drops them
    for i in range(1, 201):
        woo.add_order(order(i, modified_gmt="2026-11-02T10:00:00"))
    pages = list(_platform().order_pages(credentials(woo), SINCE))
    assert [len(p) for p in pages] == [100, 100]

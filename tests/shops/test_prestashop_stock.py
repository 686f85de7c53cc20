"""PrestaShop's `stock_pages` against the fake webservice: stock_availables page by page,
named as the order writer names the variants, untracked stock left out, errors named."""

from __future__ import annotations

import pytest

from portal.shops import platform
from portal.shops.platform import PlatformError
from tests.shops.prestashop_fixtures import with_prestashop


@pytest.fixture
def app_config(app_config, presta):
    return with_prestashop(app_config, presta)


@pytest.fixture
def shop(app, presta):
    """Product 1 with combinations 3 (TEE-M) and 4 (TEE-L), whose 0 row is their sum;
    product 2 without combinations nor reference; product 5 'MUG' without combinations;
    product 6 'SOCK' whose combination 7 has no reference of its own; product 8 without
    reference whose combination 9 has none either."""
    presta.add_product(1, "TEE", default_attribute=3)
    presta.add_combination(3, 1, "TEE-M")
    presta.add_combination(4, 1, "TEE-L")
    presta.add_stock(10, 1, 0, 7)
    presta.add_stock(11, 1, 3, 4)
    presta.add_stock(12, 1, 4, 3)
    presta.add_product(2)
    presta.add_stock(13, 2, 0, 6)
    presta.add_product(5, "MUG")
    presta.add_stock(14, 5, 0, -2)  # oversold: back-orders allowed
    presta.add_product(6, "SOCK", default_attribute=7)
    presta.add_combination(7, 6)
    presta.add_stock(15, 6, 7, 9)
    presta.add_product(8, default_attribute=9)
    presta.add_combination(9, 8)
    presta.add_stock(16, 8, 9, 2)
    presta.add_stock(17, 99, 0, 5)  # a deleted product's row
    return platform.for_source("prestashop")


def _levels(shop, creds) -> dict[str, int]:
    found: dict[str, int] = {}
    for page in shop.stock_pages(creds):
        for level in page:
            assert level.sku not in found
            found[level.sku] = level.available
    return found


def test_every_variant_is_named_as_the_order_writer_names_it(shop, creds):
    assert _levels(shop, creds) == {
        "TEE-M": 4,
        "TEE-L": 3,
        "prestashop-2-0": 6,
        "MUG": -2,
        "prestashop-8-9": 2,
    }


def test_the_rows_are_read_a_page_at_a_time_with_one_call_per_page_for_names(
    app, shop, presta, creds
):
    app.config["PRESTASHOP_PAGE_SIZE"] = 3
    pages = list(shop.stock_pages(creds))
    assert [len(p) for p in pages] == [2, 2, 1]  # 8 rows: 3, 3, 2; the rest left out
    assert presta.count("GET stock_availables") == 3
    assert presta.count("GET products") == 3 and presta.count("GET combinations") == 3
    paths = [p for name, _, p in presta.requests if name == "GET stock_availables"]
    assert "filter%5Bid%5D=%5B1%2C" in paths[0] and "limit=0%2C3" in paths[0]
    assert "filter%5Bid%5D=%5B13%2C" in paths[1]  # after the last id seen
    assert "filter%5Bid%5D=%5B16%2C" in paths[2]


def test_a_shop_without_stock_management_gives_no_levels(shop, presta, creds):
    presta.stock_management(False)
    assert _levels(shop, creds) == {}
    assert presta.count("GET stock_availables") == 0
    presta.stock_management(True)
    assert "TEE-M" in _levels(shop, creds)


def test_a_key_not_allowed_to_read_the_settings_still_reads_the_stock(shop, presta, creds):
    presta.deny("configurations")
    assert _levels(shop, creds)["TEE-L"] == 3


def test_a_reference_two_rows_share_is_left_out(shop, presta, creds):
    presta.add_product(20, "MUG")
    presta.add_stock(18, 20, 0, 1)
    assert "MUG" not in _levels(shop, creds)


def test_a_wrong_key_and_a_missing_permission_are_named(shop, presta, creds):
    presta.deny("stock_availables", "GET")
    with pytest.raises(PlatformError) as denied:
        _levels(shop, creds)
    assert denied.value.kind == "permission"
    presta.key = "W" * 32
    with pytest.raises(PlatformError) as refused:
        _levels(shop, creds)
    assert refused.value.kind == "auth"


def test_too_many_requests_is_waited_out_and_retried(shop, presta, creds):
    presta.fail("GET stock_availables", "429")
    presta.fail("GET products", "503")
    assert _levels(shop, creds)["TEE-M"] == 4
    assert presta.count("GET stock_availables") == 2 and presta.count("GET products") == 2

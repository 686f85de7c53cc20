"""`stock_pages` against the fake store: GET products page by page (X-WP-TotalPages), a
variable product's GET products/{id}/variations, each named as the order writer names it,
stock WooCommerce does not count left out, errors named, a 429 waited out."""

from __future__ import annotations

import pytest

from portal.shops.platform import (
    DONE,
    PlatformError,
    ReplacementLine,
    Reservation,
    StockLevel,
)
from portal.shops.woocommerce import WooClient
from portal.shops.woocommerce_platform import WooCommercePlatform
from tests.fakes.woocommerce import KEY, NO_READ_KEY, SECRET
from tests.shops.woocommerce.conftest import credentials


def _levels(woo, key: str = KEY, waits: list | None = None) -> list[list[StockLevel]]:
    sleep = waits.append if waits is not None else lambda s: None
    connector = WooCommercePlatform(
        lambda creds: WooClient(woo.base_url, creds.secrets["key"], SECRET, sleep=sleep)
    )
    return list(connector.stock_pages(credentials(woo, key=key)))


def _flat(pages) -> dict[str, int]:
    return {level.sku: level.available for page in pages for level in page}


def test_every_product_comes_a_page_of_100_at_a_time(app, woo):
    for i in range(1, 231):
        woo.add_product(i, stock=i % 7, sku=f"MUG-{i}")
    pages = _levels(woo)
    assert [len(page) for page in pages] == [100, 100, 30]
    assert pages[0][0] == StockLevel("MUG-1", 1) and pages[2][-1] == StockLevel("MUG-230", 6)
    assert woo.count("products") == 3 and woo.count("variations") == 0


def test_a_proxy_that_drops_the_paging_headers_still_gets_every_page(app, woo):
    woo.strip_paging_headers = True
    for i in range(1, 201):
        woo.add_product(i, stock=1, sku=f"MUG-{i}")
    assert [len(page) for page in _levels(woo)] == [100, 100]  # then an empty page past the last


def test_variants_without_a_sku_are_named_as_the_order_writer_names_them(app, woo):
    woo.add_product(95, stock=2)  # a simple product without SKU
    woo.add_product(93, 94, stock=3)  # a variation without SKU of a product without one
    woo.add_product(93, 96, stock=4, sku="TEE-L")
    assert _flat(_levels(woo)) == {
        "woocommerce-product-95": 2,
        "woocommerce-variation-94": 3,
        "TEE-L": 4,
    }


def test_a_variation_counted_by_its_parent_sells_the_parents_count(app, woo):
    woo.add_product(40, stock=7, sku="SCARF")  # the parent counts the stock
    woo.add_product(40, 41, stock=None)  # neither SKU nor stock of its own
    woo.add_product(40, 42, stock=None)
    woo.add_product(40, 43, stock=None, sku="SCARF-RED")
    shown = woo.products[(40, 41)]
    assert shown["manage_stock"] is False  # as kept; served as "parent" with 7 (the view)
    # 41 and 42 show the parent's SKU, as their order lines do: one name, one count
    assert _flat(_levels(woo)) == {"SCARF": 7, "SCARF-RED": 7}


def test_stock_the_store_does_not_count_is_left_out(app, woo):
    woo.add_product(1, stock=None, sku="EBOOK")  # manage_stock false
    woo.add_product(2, stock=3, sku="KEPT")
    woo.add_product(3, kind="external", stock=None, sku="AFFILIATE")
    woo.add_product(50, 51, stock=None, sku="HAT-S")  # nobody counts it
    woo.add_product(60, stock=None, sku="SOCKS")  # parent shows SOCKS to its variations
    woo.add_product(60, 61, stock=2)  # each counting its own, under the one name
    woo.add_product(60, 62, stock=5)
    assert _flat(_levels(woo)) == {"KEPT": 3}


def test_a_store_with_stock_management_off_gives_no_levels(app, woo):
    woo.add_product(2, stock=3, sku="KEPT")
    woo.add_product(50, 51, stock=4, sku="HAT-S")
    woo.store_manages_stock = False  # WooCommerce > Settings > Products > Inventory
    assert _levels(woo) == []


def test_a_variable_product_without_variations_costs_no_call(app, woo):
    woo.add_product(70, kind="variable", stock=None)  # "variations": []
    woo.add_product(2, stock=3, sku="KEPT")
    assert _flat(_levels(woo)) == {"KEPT": 3}
    assert woo.count("variations") == 0


def test_a_429_is_waited_out_with_its_retry_after(app, woo):
    woo.add_product(2, stock=3, sku="KEPT")
    woo.throttle(2)
    waits: list[float] = []
    assert _flat(_levels(woo, waits=waits)) == {"KEPT": 3}
    assert waits == [1.0, 1.0]


def test_a_lasting_server_error_is_named(app, woo):
    woo.add_product(2, stock=3, sku="KEPT")
    woo.fail("products", "503", times=10)
    with pytest.raises(PlatformError) as failure:
        _levels(woo)
    assert failure.value.kind == "server" and failure.value.status == 503


@pytest.mark.parametrize(
    ("key", "kind", "status"), [("ck_wrong", "auth", 401), (NO_READ_KEY, "permission", 403)]
)
def test_a_key_that_may_not_read_is_named(app, woo, key, kind, status):
    woo.add_product(2, stock=3, sku="KEPT")
    with pytest.raises(PlatformError) as failure:
        _levels(woo, key=key)
    assert (failure.value.kind, failure.value.status) == (kind, status)


def test_an_oversold_product_is_read_as_the_store_says(app, woo):
    woo.add_product(2, stock=-2, sku="BACKORDERED")  # backorders allowed: below zero
    assert _flat(_levels(woo)) == {"BACKORDERED": -2}  # the sync counts it as none


def test_a_hold_on_a_variation_counted_by_its_parent_is_taken_off_the_parent(app, woo):
    woo.add_product(40, stock=7, sku="SCARF")
    woo.add_product(40, 41, stock=None)  # sells the parent's 7
    connector = WooCommercePlatform()
    hold = Reservation("retours-hold-5", (ReplacementLine("40:41", "SCARF", 2),), "R-1")
    answer = connector.reserve(credentials(woo), hold)
    assert answer.state == DONE and woo.products[(40, 0)]["stock_quantity"] == 5
    assert _flat(_levels(woo)) == {"SCARF": 5}  # what the store can still sell
    assert connector.release(credentials(woo), answer.external_id).state == DONE
    assert _flat(_levels(woo)) == {"SCARF": 7}


def test_our_own_names_give_the_stores_ids_for_a_replacement_line(app):
    named = WooCommercePlatform().variant_id
    assert named("woocommerce-variation-97", "woocommerce-product-93") == "93:97"
    assert named("woocommerce-product-95", "woocommerce-product-95") == "95"
    assert named("TEE-L", "woocommerce-product-93") == ""  # found by its SKU
    assert named("woocommerce-variation-97", "TEE") == ""  # no product id: by SKU, refused


def test_a_product_deleted_between_two_reads_is_skipped_and_the_others_come(app, woo):
    woo.add_product(2, stock=3, sku="KEPT")
    woo.add_product(70, 71, stock=4, sku="GONE-S")
    served = woo._variations

    def deleted_meanwhile(match, query, body):
        woo.products.pop((70, 71), None)
        woo.products.pop((70, 0), None)
        return served(match, query, body)

    woo._variations = deleted_meanwhile
    assert _flat(_levels(woo)) == {"KEPT": 3}

"""Shopify's stock levels through the real client code against the fake: GraphQL
`productVariants` pages, SKU-less variants named as the order writer names them,
untracked variants left out, errors named, throttles waited out."""

from __future__ import annotations

import pytest

from portal.shops import shopify_stock
from portal.shops.platform import (
    Credentials,
    PlatformError,
    ReplacementLine,
    Reservation,
    StockLevel,
)
from portal.shops.shopify_platform import SHOPIFY


def _creds(shopify, token=None) -> Credentials:
    return Credentials("maison-lin.myshopify.com", {"token": token or shopify.token})


def _pages(shopify, page_size=None, token=None) -> list[list[StockLevel]]:
    if page_size is None:
        return list(SHOPIFY.stock_pages(_creds(shopify, token)))
    client = SHOPIFY.client(_creds(shopify, token))
    return list(shopify_stock.stock_pages(client, page_size=page_size))


def _asked(shopify) -> list[dict]:
    """The variables of each productVariants call the fake was sent."""
    return [variables for name, variables in shopify.graphql_calls if name == "productVariants"]


@pytest.fixture
def app(app):
    app.config["DEFAULT_LOCALE"] = "en"
    return app


@pytest.fixture
def catalogue(shopify):
    shopify.add_variant(39072856, "TEE-M", 4)
    shopify.add_variant(39072857, "TEE-L", 0)
    shopify.add_variant(39072858, None, 6)  # no SKU: the writer calls it shopify-variant-…
    shopify.add_variant(39072859, "CARD-10", 3, tracked=False)  # Shopify does not count it
    shopify.add_variant(39072860, "", 2)  # an empty SKU is no SKU
    shopify.add_variant(39072861, "  MUG   BLUE ", -1)  # oversold; spaces as the writer cleans
    return shopify


def test_every_page_is_read_in_turn_and_named_as_our_variants(app, catalogue):
    pages = _pages(catalogue, page_size=2)
    assert pages == [
        [StockLevel("TEE-M", 4), StockLevel("TEE-L", 0)],
        [StockLevel("shopify-variant-39072858", 6)],  # CARD-10 is not tracked: left out
        [StockLevel("shopify-variant-39072860", 2), StockLevel("MUG BLUE", -1)],
    ]
    asked = _asked(catalogue)
    assert [v["first"] for v in asked] == [2, 2, 2]
    assert (
        asked[0]["after"] is None and asked[1]["after"] and asked[2]["after"] != asked[1]["after"]
    )


def test_the_connector_reads_250_a_page(app, catalogue):
    (page,) = _pages(catalogue)
    assert len(page) == 5 and [v["first"] for v in _asked(catalogue)] == [250]


def test_pages_are_read_as_they_are_used_never_all_at_once(app, catalogue):
    client = SHOPIFY.client(_creds(catalogue))
    pages = shopify_stock.stock_pages(client, page_size=2)
    next(pages)
    assert len(_asked(catalogue)) == 1
    next(pages)
    assert len(_asked(catalogue)) == 2


def test_the_levels_follow_the_holds_the_fake_makes(app, catalogue):
    """A draft order that reserves inventory takes the unit out of what Shopify can sell."""
    line = ReplacementLine(external_variant_id="", sku="TEE-M", quantity=1)
    answer = SHOPIFY.reserve(_creds(catalogue), Reservation("retours-hold-1", (line,), "R-1"))
    assert answer.state == "done"
    assert _pages(catalogue)[0][0] == StockLevel("TEE-M", 3)
    SHOPIFY.release(_creds(catalogue), answer.external_id)
    assert _pages(catalogue)[0][0] == StockLevel("TEE-M", 4)


def test_a_wrong_token_is_named(app, catalogue):
    with pytest.raises(PlatformError) as raised:
        _pages(catalogue, token="shpat_wrong")
    assert raised.value.kind == "auth" and "refused the access token (401)" in str(raised.value)


def test_a_missing_read_products_scope_is_named(app, catalogue):
    catalogue.scopes_out.discard("read_products")
    with pytest.raises(PlatformError) as raised:
        _pages(catalogue)
    assert raised.value.kind == "permission"
    assert "lacks the read_products scope" in str(raised.value)


def test_a_429_is_waited_out_with_retry_after(app, catalogue):
    catalogue.throttle(2)
    assert len(_pages(catalogue)[0]) == 5
    assert catalogue.throttled == 2


def test_a_throttled_answer_waits_for_the_bucket_to_refill(app, catalogue):
    catalogue.drain(0.0)  # the next call cannot be paid: THROTTLED
    assert len(_pages(catalogue)[0]) == 5
    assert catalogue.graphql_throttled >= 1


def test_an_empty_catalogue_is_one_empty_page(app, shopify):
    assert _pages(shopify) == [[]]

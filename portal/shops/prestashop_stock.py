"""A PrestaShop shop's stock levels, read for `shop sync` to reconcile our cache
(`PrestaShop.stock_pages`, portal/shops/stock_sync.py; docs/shops-prestashop.md, "Stock").

`stock_availables.quantity` is what the shop can still sell (PrestaShop's Stock FAQ: "the
remaining available quantity"; the units of orders not shipped yet are already taken out,
and so are the units `prestashop_holds.reserve` took for our exchanges). The webservice
shows neither `physical_quantity` nor `reserved_quantity`, and we need neither.

Paged by id (`filter[id]=[after,…]`, `sort=[id_ASC]`, `limit=0,<size>`), as the orders are.
For each page, one call to `products` and one to `combinations` (never one per row) give
the references that name the rows as the order writer names the variants:

- a combination: its own `reference`; without one and a product without one either,
  `prestashop-<product>-<combination>` (prestashop_mapping); without one but with a
  product reference, left out: PrestaShop writes the product's reference on the order
  rows of every such combination, so our one variant stands for several stock rows;
- a product without combinations (`id_product_attribute` 0): its `reference`, else
  `prestashop-<product>-0`; the 0 row of a product with combinations
  (`cache_default_attribute` not 0) is their sum, left out;
- a row whose product or combination is gone, or a name two rows of one page share
  (PrestaShop does not make references unique), left out.

When the shop's stock management is off (`PS_STOCK_MANAGEMENT` 0, read from
`configurations` when the key may), PrestaShop tracks no quantity: nothing is read.
"""

from __future__ import annotations

from collections.abc import Iterator

from portal.shops.platform import PlatformError, StockLevel
from portal.shops.prestashop import PrestaShopClient

MAX_ID = 4294967295
ROW = "[id,id_product,id_product_attribute,quantity]"


def _ids(values) -> str:
    return "[" + "|".join(sorted({str(v) for v in values if str(v).isdigit()})) + "]"


def managed(client: PrestaShopClient) -> bool:
    """Whether the shop manages stock (Shop Parameters › Product Settings › "Enable stock
    management"). A key not allowed to read `configurations` is not asked to be: that
    resource holds every setting of the shop, its secrets too; the default (on) is assumed."""
    try:
        rows = client.listing(
            "configurations", {"display": "[name,value]", "filter[name]": "[PS_STOCK_MANAGEMENT]"}
        )
    except PlatformError as exc:
        if exc.kind == "permission":
            return True
        raise
    values = [str(r.get("value") if r.get("value") is not None else "1") for r in rows]
    return not values or any(v != "0" for v in values)


def pages(client: PrestaShopClient, size: int) -> Iterator[list[StockLevel]]:
    if not managed(client):
        return
    after = 0
    while True:
        rows = client.listing(
            "stock_availables",
            {
                "display": ROW,
                "filter[id]": f"[{after + 1},{MAX_ID}]",
                "sort": "[id_ASC]",
                "limit": f"0,{size}",
            },
        )
        if not rows:
            return
        yield levels(client, rows)
        if len(rows) < size:
            return
        after = max(int(r["id"]) for r in rows if str(r.get("id", "")).isdigit())


def _by_id(client, resource: str, display: str, values) -> dict[str, dict]:
    wanted = _ids(values)
    if wanted == "[]":
        return {}
    found = client.listing(resource, {"display": display, "filter[id]": wanted})
    return {str(r.get("id")): r for r in found}


def _text(value) -> str:
    return " ".join(value.split())[:64] if isinstance(value, str) else ""


def _name(row: dict, products: dict, combinations: dict) -> str | None:
    product, attribute = str(row.get("id_product")), str(row.get("id_product_attribute") or "0")
    found = products.get(product)
    if found is None:
        return None
    reference = _text(found.get("reference"))
    if attribute == "0":
        if str(found.get("cache_default_attribute") or "0") != "0":
            return None  # the sum of the product's combinations
        return reference or f"prestashop-{product}-0"
    combination = combinations.get(attribute)
    if combination is None or str(combination.get("id_product")) != product:
        return None
    own = _text(combination.get("reference"))
    if own:
        return own
    return None if reference else f"prestashop-{product}-{attribute}"


def levels(client: PrestaShopClient, rows: list[dict]) -> list[StockLevel]:
    """One page of stock rows as StockLevels (two calls: products, combinations)."""
    products = _by_id(
        client,
        "products",
        "[id,reference,cache_default_attribute]",
        (r.get("id_product") for r in rows),
    )
    combinations = _by_id(
        client,
        "combinations",
        "[id,id_product,reference]",
        (r.get("id_product_attribute") for r in rows if str(r.get("id_product_attribute")) != "0"),
    )
    named: dict[str, int] = {}
    twice: set[str] = set()
    for row in rows:
        sku = _name(row, products, combinations)
        try:
            quantity = int(str(row.get("quantity")))
        except ValueError:
            continue
        if sku is None:
            continue
        if sku in named:
            twice.add(sku)
        named[sku] = quantity
    return [StockLevel(sku, quantity) for sku, quantity in named.items() if sku not in twice]

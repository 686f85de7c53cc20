"""Shopify's stock levels, read for `shop sync` to reconcile our cache (stock_sync.py).

GraphQL Admin API `productVariants` (docs/shops.md, "Stock"): every variant of the shop,
`first: 250` a page (the most a connection gives), the next page `after` the last
`pageInfo.endCursor` while `hasNextPage`. Of each node: `sku`, `inventoryQuantity` (Shopify:
"the total sellable quantity of the variant", its `available` units; the units a draft
order holds with `reserveInventoryUntil` are in the `reserved` state, not in `available`)
and `inventoryItem.tracked`. A variant Shopify does not track (`tracked: false`: it sells
without counting) is left out: there is no level to copy.

Names are the order writer's (shopify_mapping._line): the SKU as it cleans it, or
`shopify-variant-<id>` for a variant without one. Cost throttling and 429s are handled by
shopify_graphql.GraphQL and the REST client, as for the other GraphQL calls.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext as _

from portal.shops.platform import PlatformError, StockLevel
from portal.shops.shopify import ShopifyClient, ShopifyError
from portal.shops.shopify_answers import explained, tail
from portal.shops.shopify_graphql import DEFAULT_COST, GraphQL
from portal.shops.shopify_mapping import _text as sku_text
from portal.shops.shopify_queries import STOCK_PAGE

PAGE_SIZE = 250  # the most a GraphQL connection gives in one page


def level_of(node: object) -> StockLevel | None:
    """One variant node as our StockLevel, or None: untracked, or nothing to name it by."""
    if not isinstance(node, dict):
        return None
    item = node.get("inventoryItem")
    if not isinstance(item, dict) or item.get("tracked") is not True:
        return None
    quantity = node.get("inventoryQuantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return None
    sku = sku_text(node.get("sku"), 64)
    if not sku:
        variant_id = tail(node.get("id")) if isinstance(node.get("id"), str) else None
        if not variant_id or not variant_id.isdigit():
            return None
        sku = f"shopify-variant-{variant_id[:64]}"
    return StockLevel(sku, quantity)


def _page(data: dict) -> tuple[list[StockLevel], str | None]:
    connection = data.get("productVariants")
    if not isinstance(connection, dict) or not isinstance(connection.get("nodes"), list):
        raise ShopifyError("bad_response", "the answer has no productVariants nodes")
    levels = [level for node in connection["nodes"] if (level := level_of(node))]
    info = connection.get("pageInfo") or {}
    more = isinstance(info, dict) and info.get("hasNextPage") is True
    cursor = info.get("endCursor") if more else None
    if more and not (isinstance(cursor, str) and cursor):
        raise ShopifyError("bad_response", "a next page without an endCursor")
    return levels, cursor


def stock_problem(client: ShopifyClient) -> str | None:
    """For "test the connection": what stops the stock being read (one variant asked), or
    None when it can be."""
    try:
        GraphQL(client).run(STOCK_PAGE, {"first": 1, "after": None})
    except ShopifyError as exc:
        if exc.kind == "forbidden":
            return _(
                "Orders can be read, but the token lacks the read_products scope: Shopify's "
                "stock levels and the variants to exchange for cannot be read."
            )
        return str(explained(exc))
    return None


def stock_pages(client: ShopifyClient, page_size: int = PAGE_SIZE) -> Iterator[list[StockLevel]]:
    """Each page of tracked variants' levels, one at a time (never all held)."""
    graphql = GraphQL(client)
    after: str | None = None
    seen: set[str] = set()
    try:
        while True:
            variables = {"first": page_size, "after": after}
            data = graphql.run(STOCK_PAGE, variables, cost=graphql.requested or DEFAULT_COST)
            levels, after = _page(data)
            yield levels
            if after is None:
                return
            if after in seen:  # a cursor that does not move would never end
                raise ShopifyError("bad_response", "the variants' next page repeats a cursor")
            seen.add(after)
    except ShopifyError as exc:
        if exc.kind == "forbidden":
            raise PlatformError(
                "permission",
                _(
                    "The token lacks the read_products scope: Shopify's stock levels cannot "
                    "be read (%(why)s).",
                    why=exc.message,
                ),
                exc.status,
            ) from exc
        raise explained(exc) from exc

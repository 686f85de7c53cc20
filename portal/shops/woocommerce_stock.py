"""Holding an exchange's replacement in WooCommerce's stock.

WooCommerce documents stock on products and variations only (`manage_stock`,
`stock_quantity`; no reservation resource), so a reservation takes the units off
`stock_quantity` and notes them in the product's (or variation's) `meta_data` under
`_retours_hold_<key>`, in the same write: a retry sees the note and takes nothing twice.
Release gives the noted units back once and marks the note "released". A product whose
stock WooCommerce does not count (`manage_stock` false) is left alone. The REST API has no
atomic increment: between our read and our write (milliseconds) a sale could change the
count; the nightly sync's stock is WooCommerce's own, so a drift does not last.

Edits are POSTs: the WordPress REST API's EDITABLE routes take POST as well as PUT/PATCH.

A variation whose stock its parent product counts (`manage_stock: "parent"`, the parent's
`stock_quantity` shown) is held on the parent: its own count is not the one that sells.

`level_pages` reads what the store can still sell for `shop sync` (docs/shops-woocommerce.md,
"Stock"): `GET products` page by page, and for a variable product its
`GET products/{id}/variations`; each named as the order writer names it (the SKU the API
shows, else `woocommerce-product-<id>` / `woocommerce-variation-<id>`), those whose stock
WooCommerce does not count left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portal.shops.platform import (
    DONE,
    REFUSED,
    Answer,
    PlatformError,
    ReplacementLine,
    Reservation,
    StockLevel,
)
from portal.shops.woocommerce import WooClient

HOLD_META = "_retours_hold_"


def meta_value(obj: dict, key: str):
    for item in obj.get("meta_data") or []:
        if isinstance(item, dict) and item.get("key") == key:
            return item.get("value")
    return None


def product_ids(client: WooClient, line: ReplacementLine) -> tuple[int, int]:
    """(product_id, variation_id or 0) from "123" or "123:456", or from the SKU the sync
    gave a product without one ("woocommerce-product-123"), else found by its SKU."""
    given = (line.external_variant_id or "").strip()
    parts = given.split(":")
    if given and len(parts) <= 2 and all(p.isdigit() for p in parts):
        return int(parts[0]), int(parts[1]) if len(parts) == 2 else 0
    ours = re.fullmatch(r"woocommerce-product-(\d{1,18})", line.sku or "")
    if ours:
        return int(ours.group(1)), 0
    found = client.body(client.get("products", {"sku": line.sku}), list)
    product = next((p for p in found if isinstance(p, dict)), None)
    if product is None:
        raise PlatformError("bad_answer", f"no product with SKU {line.sku!r} in the store")
    parent = int(product.get("parent_id") or 0)
    return (parent, int(product["id"])) if parent else (int(product["id"]), 0)


def variant_id(sku: str, product_code: str) -> str:
    """The store's id of one of our variants the sync named itself (no SKU in the store):
    "<product>:<variation>" for `woocommerce-variation-<v>` of product
    `woocommerce-product-<p>`, "<product>" for `woocommerce-product-<p>`; "" for a SKU."""
    variation = re.fullmatch(r"woocommerce-variation-(\d{1,18})", sku or "")
    product = re.fullmatch(r"woocommerce-product-(\d{1,18})", product_code or "")
    if variation:
        return f"{product.group(1)}:{variation.group(1)}" if product else ""
    own = re.fullmatch(r"woocommerce-product-(\d{1,18})", sku or "")
    return own.group(1) if own else ""


def _resource(product_id: int, variation_id: int) -> str:
    if variation_id:
        return f"products/{product_id}/variations/{variation_id}"
    return f"products/{product_id}"


def _takes(product: dict, meta: str) -> bool:
    """WooCommerce counts this product's stock and this reservation has not taken it yet."""
    return product.get("manage_stock") is True and meta_value(product, meta) is None


def reserve(client: WooClient, reservation: Reservation) -> Answer:
    meta = f"{HOLD_META}{reservation.key}"
    plan = []
    for line in reservation.lines:
        product_id, variation_id = product_ids(client, line)
        resource = _resource(product_id, variation_id)
        product = client.body(client.get(resource))
        if variation_id and product.get("manage_stock") == "parent":
            resource = _resource(product_id, 0)
            product = client.body(client.get(resource))
        plan.append((resource, product, line.quantity))
    for resource, product, quantity in plan:
        stock = product.get("stock_quantity")
        if _takes(product, meta) and (not isinstance(stock, int) or stock < quantity):
            return Answer(REFUSED, reason=f"{resource}: only {stock} in stock")
    for resource, product, quantity in plan:
        if _takes(product, meta):
            body = {
                "stock_quantity": product["stock_quantity"] - quantity,
                "meta_data": [{"key": meta, "value": str(quantity)}],
            }
            client.post(resource, body)
    held = ",".join(resource for resource, _, _ in plan)
    return Answer(DONE, external_id=f"{reservation.key}|{held}")


def release(client: WooClient, external_id: str) -> Answer:
    key, _, held = (external_id or "").partition("|")
    meta = f"{HOLD_META}{key}"
    resources = [r for r in held.split(",") if r]
    if not key or not resources or not all(r.startswith("products/") for r in resources):
        return Answer(REFUSED, reason=f"not a WooCommerce reservation: {external_id[:80]!r}")
    for resource in resources:
        product = client.body(client.get(resource))
        value = meta_value(product, meta)
        if value is None or not str(value).isdigit():  # never taken, or given back already
            continue
        body = {
            "stock_quantity": int(product.get("stock_quantity") or 0) + int(value),
            "meta_data": [{"key": meta, "value": "released"}],
        }
        client.post(resource, body)
    return Answer(DONE, external_id=external_id)


# -- stock levels (shop sync) ---------------------------------------------------------------


def _name(sku, fallback: str) -> str:
    """As woocommerce_mapping names an order line's variant: its SKU (spaces folded, 64
    characters), else our own key."""
    text = " ".join(sku.split())[:64] if isinstance(sku, str) else ""
    return text or fallback


def _counted(obj: dict, parent: dict | None = None) -> int | None:
    """`stock_quantity` when WooCommerce counts this stock: `manage_stock` true, or "parent"
    for a variation (the parent's count, which the API shows); None when it does not."""
    manage, quantity = obj.get("manage_stock"), obj.get("stock_quantity")
    if manage == "parent" and parent is not None and not isinstance(quantity, int):
        quantity = parent.get("stock_quantity")
    if manage is not True and manage != "parent":
        return None
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return None
    return quantity


def _ident(obj: dict) -> int | None:
    value = obj.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _variation_levels(client: WooClient, product: dict, product_id: int) -> list[StockLevel]:
    """A variable product's variations. One without its own SKU shows its parent's (and the
    order line carries it): several under that one name are one level only when they sell
    the parent's count; each counting its own, which one a customer gets is not known, and
    the name is left out."""
    if product.get("variations") == []:
        return []
    named: dict[str, list[tuple[int | None, object]]] = {}
    try:
        for page in client.list_pages(f"products/{product_id}/variations"):
            for variation in page:
                ident = isinstance(variation, dict) and _ident(variation)
                if not ident:
                    continue
                name = _name(variation.get("sku"), f"woocommerce-variation-{ident}")
                entry = (_counted(variation, product), variation.get("manage_stock"))
                named.setdefault(name, []).append(entry)
    except PlatformError as exc:
        if exc.kind != "not_found":
            raise
        return []  # deleted since the products page was read: its next sync leaves it out
    levels = []
    for name, entries in named.items():
        counts = {count for count, _ in entries}
        shared = len(entries) > 1 and any(manage != "parent" for _, manage in entries)
        if len(counts) == 1 and None not in counts and not shared:
            levels.append(StockLevel(name, counts.pop()))
    return levels


def level_pages(client: WooClient) -> Iterator[list[StockLevel]]:
    """What the store can still sell, a page of products (and their variations) at a time."""
    for products in client.list_pages("products"):
        levels: list[StockLevel] = []
        for product in products:
            ident = isinstance(product, dict) and _ident(product)
            if not ident:
                continue
            if product.get("type") == "variable":
                levels.extend(_variation_levels(client, product, ident))
                continue
            count = _counted(product)
            if count is not None:
                levels.append(
                    StockLevel(_name(product.get("sku"), f"woocommerce-product-{ident}"), count)
                )
        if levels:
            yield levels

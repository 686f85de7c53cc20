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
"""

from __future__ import annotations

import re

from portal.shops.platform import DONE, REFUSED, Answer, PlatformError, ReplacementLine, Reservation
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
        plan.append((resource, client.body(client.get(resource)), line.quantity))
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

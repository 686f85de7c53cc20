"""Shopify orders into ours: create or update one order from its payload, or a page of
them (flushes, never commits). The writing is the shared writer's (`order_writer`: a page
read in a few queries and flushed once, fields assigned only when they changed, lines
matched on Shopify's line id, lines with returns kept); the reading is `shopify_mapping`.
A payload whose `updated_at` we already hold (or an older one, arriving late) changes
nothing and writes nothing: that is what makes a sync and a webhook replay safe to run
again.

A line without a SKU gets a variant of its own (`shopify-variant-<id>`, or
`shopify-line-<id>` for a custom item), returnable or not by
SHOPIFY_RETURN_LINES_WITHOUT_SKU. Gift-card lines are never returnable.
"""

from __future__ import annotations

from portal.shops import replacements
from portal.shops.order_writer import Page, write_one, write_page
from portal.shops.shopify_mapping import SOURCE, BadPayload, Settings, map_order


def apply_order(payload, settings: Settings) -> str:
    """'created', 'updated' or 'unchanged'; BadPayload when the order cannot be read."""
    if (ours := _replacement(payload)) is not None:
        return ours
    return write_one(Page, SOURCE, settings, map_order(payload, settings))


def apply_page(orders: list, settings: Settings, result) -> None:
    """A page of orders, counted in `result` (a SyncResult): one that cannot be read or
    written is named and skipped, the others land."""
    todo = []
    for payload in orders:
        try:
            if (ours := _replacement(payload)) is not None:
                setattr(result, ours, getattr(result, ours) + 1)
                continue
            todo.append((_label(payload), map_order(payload, settings)))
        except BadPayload as exc:
            result.errors.append(f"{_label(payload)}: {exc}")
    write_page(Page, SOURCE, settings, todo, result)


def _label(payload) -> str:
    if isinstance(payload, dict):
        return str(payload.get("name") or payload.get("id") or "?")[:40]
    return "?"


def _replacement(payload) -> str | None:
    """An exchange's replacement order we made (tagged `retours`): not imported; its
    fulfilment's tracking number goes to the exchange (portal/shops/replacements.py)."""
    if not isinstance(payload, dict):
        return None
    tags = payload.get("tags")
    if not isinstance(tags, str) or "retours" not in {t.strip() for t in tags.split(",")}:
        return None
    call = replacements.call_for(SOURCE, str(payload.get("id")))
    if call is None:
        return None
    tracking = None
    for fulfillment in payload.get("fulfillments") or []:
        if isinstance(fulfillment, dict) and fulfillment.get("tracking_number"):
            tracking = str(fulfillment["tracking_number"])
    return replacements.tracked(call, tracking)

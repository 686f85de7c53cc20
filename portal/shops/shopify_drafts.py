"""Shopify draft orders (GraphQL, docs/shops.md): a hold of an exchange's stock
(`reserveInventoryUntil`) or its zero-priced replacement (a 100 % `appliedDiscount`,
completed), found again by our key's tag before one is made, so a retry makes none."""

from __future__ import annotations

from portal.shops.platform import DONE, REFUSED, Answer, ReplacementLine
from portal.shops.shopify import ShopifyError
from portal.shops.shopify_answers import failed, gid, refused, tail
from portal.shops.shopify_graphql import GraphQL, user_errors
from portal.shops.shopify_queries import DRAFT_COMPLETE, DRAFT_CREATE, DRAFT_FIND, VARIANT_BY_SKU


def draft(graphql: GraphQL, key, lines, note, email, extra, *, complete: bool) -> Answer:
    try:
        draft = _draft_with_key(graphql, key)
        if draft is None:
            items = [
                {"variantId": _variant(graphql, line), "quantity": line.quantity} for line in lines
            ]
            if any(item["variantId"] is None for item in items):
                return Answer(REFUSED, reason="a variant to send is not in Shopify")
            draft_input = {"note": note, "tags": ["retours", key], "lineItems": items, **extra}
            if email:
                draft_input["email"] = email
            data = graphql.run(DRAFT_CREATE, {"input": draft_input})
            payload = data.get("draftOrderCreate") or {}
            if errors := user_errors(payload):
                return refused(errors)
            draft = payload.get("draftOrder") or {}
        if not complete:
            return Answer(DONE, external_id=tail(draft.get("id")))
        if draft.get("status") != "COMPLETED":
            data = graphql.run(DRAFT_COMPLETE, {"id": draft.get("id")})
            payload = data.get("draftOrderComplete") or {}
            if errors := user_errors(payload):
                return refused(errors)
            draft = payload.get("draftOrder") or {}
    except ShopifyError as exc:
        return failed(exc)
    made = draft.get("order") or {}
    return Answer(DONE, external_id=tail(made.get("id")), code=made.get("name"))


def _draft_with_key(graphql: GraphQL, key: str) -> dict | None:
    data = graphql.run(DRAFT_FIND, {"query": f"tag:'{key}'"})
    edges = ((data.get("draftOrders") or {}).get("edges")) or []
    return edges[0].get("node") if edges else None


def _variant(graphql: GraphQL, line: ReplacementLine) -> str | None:
    if line.external_variant_id:
        return gid("ProductVariant", line.external_variant_id)
    data = graphql.run(VARIANT_BY_SKU, {"query": f"sku:'{line.sku}'"})
    edges = ((data.get("productVariants") or {}).get("edges")) or []
    return edges[0]["node"]["id"] if edges else None

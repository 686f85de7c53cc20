"""The fake Shopify's catalogue stock, served by GraphQL `productVariants` without a query
(docs/shops.md, "Stock", cites the pages): `first` 1–250, `after` an opaque cursor, `nodes`
with `id`, `sku`, `inventoryQuantity` and `inventoryItem { tracked }`, and `pageInfo {
hasNextPage endCursor }`. The field needs the `read_products` scope; without it Shopify
answers an ACCESS_DENIED error naming the scope.

What is listed is the fake's `inventory` (variant gid -> available), the one draft holds,
their deletion and completed replacement orders change (shopify_out.py), so the levels
served always follow them. Mixed into ShopifyOut, whose `init_out` makes the state.
"""

from __future__ import annotations

import base64
import json

REQUIRED_SCOPES = {"productVariants": "read_products"}
MAX_PAGE = 250  # the pagination guide: "up to a maximum of 250 resources"


def _access_denied(name: str, scope: str) -> dict:
    """The error Shopify answers for a field the token's scopes do not cover."""
    return {
        "message": f"Access denied for {name} field. Required access: `{scope}` access scope.",
        "locations": [{"line": 2, "column": 3}],
        "path": [name],
        "extensions": {
            "code": "ACCESS_DENIED",
            "documentation": "https://shopify.dev/api/usage/access-scopes",
        },
    }


def _cursor(last: int) -> str:
    return base64.b64encode(json.dumps({"last": last}).encode()).decode()


class ShopifyCatalogue:
    inventory: dict[str, int]
    variants_by_sku: dict[str, str]
    untracked: set[str]
    skus: dict[str, str | None]
    scopes_out: set[str]

    def add_variant(
        self, variant_id: int, sku: str | None = None, available: int = 0, tracked: bool = True
    ) -> str:
        """A variant of the catalogue (its gid); `sku` None or "" for one without a SKU."""
        gid = f"gid://shopify/ProductVariant/{variant_id}"
        with self.lock:  # type: ignore[attr-defined]  # LoopbackFake's
            self.inventory[gid] = available
            self.skus[gid] = sku
            if sku:
                self.variants_by_sku[sku] = gid
            if not tracked:
                self.untracked.add(gid)
        return gid

    def refusal(self, name: str, variables: dict) -> dict | None:
        """The GraphQL error a call gets before it runs (a missing scope, a bad `first`)."""
        scope = REQUIRED_SCOPES.get(name)
        if scope and scope not in self.scopes_out:
            return _access_denied(name, scope)
        if name == "productVariants" and not variables.get("query"):
            first = variables.get("first")
            if not isinstance(first, int) or not 1 <= first <= MAX_PAGE:
                return {"message": f"first: give 1 to {MAX_PAGE} (fake)", "path": [name]}
        return None

    def catalogue_page(self, variables: dict) -> dict:
        after = variables.get("after")
        last = json.loads(base64.b64decode(after))["last"] if after else 0
        ids = sorted(n for n in (int(g.rsplit("/", 1)[-1]) for g in self.inventory) if n > last)
        page, more = ids[: variables["first"]], len(ids) > variables["first"]
        by_gid = {gid: sku for sku, gid in self.variants_by_sku.items()}
        nodes = []
        for number in page:
            gid = f"gid://shopify/ProductVariant/{number}"
            nodes.append(
                {
                    "id": gid,
                    "sku": self.skus[gid] if gid in self.skus else by_gid.get(gid),
                    "inventoryQuantity": self.inventory[gid],
                    "inventoryItem": {"tracked": gid not in self.untracked},
                }
            )
        cursor = _cursor(page[-1]) if page else None
        return {"nodes": nodes, "pageInfo": {"hasNextPage": more, "endCursor": cursor}}

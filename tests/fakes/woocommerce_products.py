"""The fake WooCommerce store's products and variations (tests/fakes/woocommerce.py mixes
this in), served as the REST API v3 documents them (docs/shops-woocommerce.md cites the
pages and the source):

    GET  /wp-json/wc/v3/products                       per_page (≤ 100), page, orderby=id,
                                                       order; sku (own SKU, products and
                                                       variations); X-WP-Total(Pages), Link
    GET  /wp-json/wc/v3/products/<id>/variations       the same paging
    GET|POST /wp-json/wc/v3/products/<id>[/variations/<id>]

Kept as WooCommerce keeps them (its own values, the "edit" context) and served as it shows
them (the "view" context, `WC_Product_Variation`): a variation without its own SKU shows
its parent's; a variation that does not manage its stock under a parent that does shows
`manage_stock: "parent"` and the parent's `stock_quantity`; with the store's "Enable stock
management" off (`store_manages_stock = False`, the `woocommerce_manage_stock` option) every
product shows `manage_stock: false`. A POST of `stock_quantity` on a "parent" variation sets
its own value, which the store does not show (the parent's count is the one that sells).
"""

from __future__ import annotations


def error(status: int, code: str, message: str):
    return status, {"code": code, "message": message, "data": {"status": status}}, {}


class ProductsMixin:
    """`products[(product id, variation id or 0)]` holds each as WooCommerce stores it."""

    def _init_products(self) -> None:
        self.products: dict[tuple[int, int], dict] = {}
        self.store_manages_stock = True

    def add_product(
        self,
        product_id: int,
        variation_id: int = 0,
        *,
        stock: int | None = 5,
        sku: str = "",
        kind: str = "simple",
    ) -> dict:
        """A product (`kind` simple, grouped, external) or, with `variation_id`, a variation
        of the variable product `product_id` (made, without stock of its own, when missing).
        `stock=None`: WooCommerce does not manage this one's stock."""
        record = {
            "id": variation_id or product_id,
            "parent_id": product_id if variation_id else 0,
            "sku": sku,
            "manage_stock": stock is not None,
            "stock_quantity": stock,
            "meta_data": [],
        }
        if variation_id:
            parent = self.products.get((product_id, 0))
            if parent is None:
                parent = self.add_product(product_id, stock=None)
            parent["type"] = "variable"
            if variation_id not in parent.setdefault("variations", []):
                parent["variations"].append(variation_id)
        else:
            record.update({"type": kind, "variations": []})
        self.products[(product_id, variation_id)] = record
        return record

    # -- the "view" context ---------------------------------------------------------------
    def _shown(self, record: dict) -> dict:
        shown = {k: v for k, v in record.items() if k != "variations"}
        if not record["parent_id"]:
            shown["variations"] = list(record.get("variations", []))
        manage = record["manage_stock"]
        parent = self.products.get((record["parent_id"], 0)) if record["parent_id"] else None
        if parent is not None:
            shown["sku"] = record["sku"] or parent["sku"]
            if manage is False and parent["manage_stock"] is True:
                manage = "parent"
                shown["stock_quantity"] = parent["stock_quantity"]
        if not self.store_manages_stock:
            manage = False
        shown["manage_stock"] = manage
        return shown

    # -- serving --------------------------------------------------------------------------
    def _listed(self, items: list[dict], query: dict, path: str):
        try:
            per_page, page = int(query.get("per_page", 10)), int(query.get("page", 1))
        except ValueError:
            return error(400, "rest_invalid_param", "Invalid parameter(s): per_page, page")
        if not 1 <= per_page <= 100:
            return error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        if query.get("orderby", "id") == "id":
            items = sorted(items, key=lambda p: p["id"], reverse=query.get("order") != "asc")
        chosen = items[(page - 1) * per_page : page * per_page]
        status, _, headers = self._page(chosen, len(items), query, path)
        return status, [self._shown(p) for p in chosen], headers

    def _products(self, match, query, body):
        sku = query.get("sku")
        if sku is not None:  # products and variations whose own SKU it is
            return 200, [self._shown(p) for p in self.products.values() if p["sku"] == sku], {}
        parents = [p for key, p in self.products.items() if key[1] == 0]
        return self._listed(parents, query, "/wp-json/wc/v3/products")

    def _variations(self, match, query, body):
        product_id = int(match["id"])
        if (product_id, 0) not in self.products:
            return error(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        kept = [p for (pid, vid), p in self.products.items() if pid == product_id and vid]
        return self._listed(kept, query, f"/wp-json/wc/v3/products/{product_id}/variations")

    def _product_at(self, match):
        return self.products.get((int(match["id"]), int(match["v"] or 0)))

    def _product(self, match, query, body):
        found = self._product_at(match)
        if found is None:
            return error(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        return 200, self._shown(found), {}

    def _edit(self, match, query, body):
        found = self._product_at(match)
        if found is None:
            return error(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        if "stock_quantity" in body:
            found["stock_quantity"] = body["stock_quantity"]
        for meta in body.get("meta_data", []):  # a key given again replaces its value
            found["meta_data"] = [m for m in found["meta_data"] if m["key"] != meta["key"]]
            found["meta_data"].append({"id": self._id(), **meta})
        return 200, self._shown(found), {}

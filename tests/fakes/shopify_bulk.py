"""A fake Shopify whose orders are generated page by page, never held: for the sync
benchmark (bench/bench_shop_sync.py). Order i (1…count) has id 10_000_000 + i, number
#(100000 + i), one to three lines (ids per order, SKUs among a few) in the shapes of
`tests.fakes.shopify.order` and `line`; the cursor is the last id, as orders.json pages
it (Link header with page_info)."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

from tests.fakes.shopify import FakeShopify, line, order

BASE_ID = 10_000_000
SKUS = tuple(f"BENCH-{size}" for size in ("XS", "S", "M", "L", "XL", "XXL"))


def generated(i: int) -> dict:
    lines = [
        line(BASE_ID * 10 + i * 3 + k, sku=SKUS[(i + k) % len(SKUS)], price="25.00", title="Tee")
        for k in range(1 + i % 3)
    ]
    return order(
        BASE_ID + i,
        100_000 + i,
        lines=lines,
        email=f"c{i}@bench.example",
        created_at="2026-11-20T10:00:00+01:00",
    )


class BulkShopify(FakeShopify):
    def __init__(self, count: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.count_orders = count

    def _matching(self, query: dict) -> list[dict]:  # only orders/count.json asks for all
        return range(self.count_orders)  # type: ignore[return-value]  # len() is all it needs

    def _page(self, version: str, query: dict, headers: dict):
        limit = int(query.get("limit") or 50)
        after = 0
        if "page_info" in query:
            after = json.loads(base64.urlsafe_b64decode(query["page_info"]))["after"]
        first = after - BASE_ID + 1 if after else 1
        last = min(first + limit - 1, self.count_orders)
        page = [generated(i) for i in range(first, last + 1)]
        if last < self.count_orders:
            info = base64.urlsafe_b64encode(
                json.dumps({"query": {}, "after": BASE_ID + last}).encode()
            ).decode()
            url = f"{self.base_url}/admin/api/{version}/orders.json?" + urlencode(
                {"limit": limit, "page_info": info}
            )
            headers = {**headers, "Link": f'<{url}>; rel="next"'}
        return 200, {"orders": page}, headers

"""A fake Shopify Admin REST API on loopback, for portal/shops/shopify.py to talk to.

What it serves, in the shapes of Shopify's REST reference (docs/shops.md cites each):

    GET /admin/api/<version>/shop.json           -> {"shop": {...}}
    GET /admin/api/<version>/orders/count.json   -> {"count": n}   (status, updated_at_min)
    GET /admin/api/<version>/orders.json         -> {"orders": [...]} + Link header
        first page: status=any, updated_at_min, limit (≤ 250); next pages: page_info and
        limit only, as the pagination guide says (other filters with page_info are a 400)

Every call needs `X-Shopify-Access-Token` (401 `{"errors": "[API] Invalid API key or
access token …"}` otherwise); order calls need the `read_orders` scope (403 otherwise).
`throttle(n)` answers the next n calls with 429 and `Retry-After`, as the rate-limit page
describes. Orders are added with `add_order` (see `order()` and `line()` for the shapes,
built from the reference's example payloads); `touch` changes one's `updated_at`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

from tests.fakes.loopback import LoopbackFake, Request
from tests.fakes.shopify_out import GRAPHQL_OPERATIONS, ShopifyOut

VERSION = r"(?P<version>\d{4}-\d{2})"
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
THROTTLED = (
    "Exceeded 2 calls per second for api client. "
    "Reduce request rates to resume uninterrupted service."
)


def sign(body: bytes, secret: str) -> str:
    """X-Shopify-Hmac-Sha256: base64 of the HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def money_set(amount: str, shop_currency: str, presentment: str | None = None, rate=None):
    shown = amount if presentment is None else f"{float(amount) * rate:.2f}"
    return {
        "shop_money": {"amount": amount, "currency_code": shop_currency},
        "presentment_money": {"amount": shown, "currency_code": presentment or shop_currency},
    }


def line(
    line_id: int,
    *,
    sku: str | None = "IPOD2008PINK",
    price: str = "199.00",
    quantity: int = 1,
    title: str = "IPod Nano - 8gb",
    variant_title: str | None = "green",
    variant_id: int | None = 39072856,
    product_id: int | None = 632910392,
    discounts: tuple[str, ...] = (),
    taxes: tuple[str, ...] = (),
    gift_card: bool = False,
    currency: str = "EUR",
) -> dict:
    """A line item as the Order reference shows one (the fields the connector reads)."""
    return {
        "id": line_id,
        "variant_id": variant_id,
        "product_id": product_id,
        "title": title,
        "variant_title": variant_title,
        "name": f"{title} - {variant_title}" if variant_title else title,
        "sku": sku,
        "quantity": quantity,
        "fulfillable_quantity": quantity,
        "price": price,
        "price_set": money_set(price, currency),
        "gift_card": gift_card,
        "requires_shipping": not gift_card,
        "taxable": True,
        "tax_lines": [
            {"price": t, "price_set": money_set(t, currency), "rate": 0.2, "title": "TVA"}
            for t in taxes
        ],
        "discount_allocations": [
            {"amount": d, "amount_set": money_set(d, currency), "discount_application_index": 0}
            for d in discounts
        ],
        "properties": [],
    }


def order(
    order_id: int,
    number: int,
    *,
    lines: list[dict] | None = None,
    email: str | None = "bob.norman@mail.example.com",
    currency: str = "EUR",
    presentment_currency: str | None = None,
    created_at: str = "2026-10-10T11:00:00+02:00",
    updated_at: str | None = None,
    taxes_included: bool = True,
    fulfillments: list[dict] | None = None,
    note_attributes: list[dict] | None = None,
    cancelled_at: str | None = None,
    shipping_address: dict | None = None,
) -> dict:
    """An order as orders.json and the orders/* webhooks send it."""
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{number}",
        "order_number": number,
        "number": number - 1000,
        "email": email,
        "contact_email": email,
        "created_at": created_at,
        "processed_at": created_at,
        "updated_at": updated_at or created_at,
        "cancelled_at": cancelled_at,
        "currency": currency,
        "presentment_currency": presentment_currency or currency,
        "taxes_included": taxes_included,
        "financial_status": "paid",
        "fulfillment_status": "fulfilled" if fulfillments else None,
        "payment_gateway_names": ["bogus"],
        "note": None,
        "note_attributes": note_attributes or [],
        "shipping_address": shipping_address
        or {
            "first_name": "Bob",
            "last_name": "Norman",
            "name": "Bob Norman",
            "address1": "12 rue de la Paix",
            "address2": None,
            "city": "Paris",
            "zip": "75002",
            "country": "France",
            "country_code": "FR",
        },
        "line_items": lines or [line(466157049)],
        "fulfillments": fulfillments or [],
    }


def fulfillment(
    fulfillment_id: int, created_at: str, *, shipment_status=None, updated_at=None
) -> dict:
    return {
        "id": fulfillment_id,
        "status": "success",
        "created_at": created_at,
        "updated_at": updated_at or created_at,
        "shipment_status": shipment_status,
        "tracking_company": "La Poste",
        "tracking_number": "6A12345678901",
    }


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


ORDER = r"orders/(?P<order_id>\d+)"


class FakeShopify(ShopifyOut, LoopbackFake):
    name = "shopify"
    routes = (
        ("GET", re.compile(rf"^/admin/api/{VERSION}/shop\.json$"), "shop"),
        ("GET", re.compile(rf"^/admin/api/{VERSION}/orders/count\.json$"), "count"),
        ("GET", re.compile(rf"^/admin/api/{VERSION}/orders\.json$"), "orders"),
        ("GET", re.compile(rf"^/admin/api/{VERSION}/{ORDER}/refunds\.json$"), "refunds"),
        ("POST", re.compile(rf"^/admin/api/{VERSION}/{ORDER}/refunds\.json$"), "refund"),
        (
            "POST",
            re.compile(rf"^/admin/api/{VERSION}/{ORDER}/refunds/calculate\.json$"),
            "calculate",
        ),
        ("GET", re.compile(rf"^/admin/api/{VERSION}/webhooks\.json$"), "webhooks"),
        ("POST", re.compile(rf"^/admin/api/{VERSION}/webhooks\.json$"), "webhooks"),
        ("POST", re.compile(rf"^/admin/api/{VERSION}/graphql\.json$"), "graphql"),
    )
    # a GraphQL call's endpoint is its operation, so a failure can be scripted for one
    endpoints = tuple(f"graphql:{name}" for name in GRAPHQL_OPERATIONS)
    OUT = ("refunds", "refund", "calculate", "webhooks", "graphql")

    def __init__(
        self,
        *,
        token: str = "shpat_fake_token",
        scopes: tuple[str, ...] = ("read_orders", "read_all_orders"),
        retry_after: str = "0.05",
    ) -> None:
        super().__init__()
        self.token, self.scopes, self.retry_after = token, set(scopes), retry_after
        self.orders: dict[int, dict] = {}
        self._throttle = 0
        self.throttled = 0
        self.init_out()

    # scripting -------------------------------------------------------------------------------
    def add_order(self, payload: dict) -> dict:
        with self.lock:
            self.orders[payload["id"]] = payload
        return payload

    def touch(self, order_id: int, updated_at: str, **changes) -> dict:
        with self.lock:
            payload = {**self.orders[order_id], **changes, "updated_at": updated_at}
            self.orders[order_id] = payload
        return payload

    def throttle(self, times: int = 1) -> None:
        with self.lock:
            self._throttle += times

    # serving ---------------------------------------------------------------------------------
    def refine(self, endpoint: str, request: Request) -> str | None:
        if endpoint == "graphql":
            name = self.operation(request.raw)
            return f"graphql:{name}" if name else endpoint
        return endpoint

    def handle(self, endpoint: str, match: re.Match, request: Request):
        if request.headers.get("X-Shopify-Access-Token") != self.token:
            return 401, {"errors": INVALID_TOKEN}, {}
        if self._throttle:
            self._throttle -= 1
            self.throttled += 1
            return 429, {"errors": THROTTLED}, {"Retry-After": self.retry_after}
        headers = {"X-Shopify-Shop-Api-Call-Limit": "1/40"}
        if endpoint.startswith("graphql"):
            return self.handle_out("graphql", match, request)
        if endpoint in self.OUT:
            return self.handle_out(endpoint, match, request)
        if endpoint == "shop":
            shop = {
                "id": 548380009,
                "name": "Maison Lin",
                "myshopify_domain": "maison-lin.myshopify.com",
            }
            return 200, {"shop": shop}, headers
        if "read_orders" not in self.scopes:
            message = "[API] This action requires merchant approval for read_orders scope."
            return 403, {"errors": message}, {}
        if endpoint == "count":
            return 200, {"count": len(self._matching(request.query))}, headers
        return self._page(match["version"], request.query, headers)

    def _matching(self, query: dict) -> list[dict]:
        since = query.get("updated_at_min")
        found = sorted(self.orders.values(), key=lambda o: o["id"])
        if since:
            found = [o for o in found if _when(o["updated_at"]) >= _when(since)]
        return found

    def _page(self, version: str, query: dict, headers: dict):
        limit = int(query.get("limit") or 50)
        if not 1 <= limit <= 250:
            return 400, {"errors": {"limit": ["must be between 1 and 250"]}}, {}
        if "page_info" in query:
            if set(query) - {"page_info", "limit", "fields"}:
                return (
                    400,
                    {"errors": {"page_info": ["only limit and fields go with page_info"]}},
                    {},
                )
            cursor = json.loads(base64.urlsafe_b64decode(query["page_info"]))
            query, after = cursor["query"], cursor["after"]
        else:
            after = 0
        found = [o for o in self._matching(query) if o["id"] > after]
        page = found[:limit]
        if len(found) > limit:
            cursor = {"query": query, "after": page[-1]["id"]}
            info = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode()
            url = f"{self.base_url}/admin/api/{version}/orders.json?" + urlencode(
                {"limit": limit, "page_info": info}
            )
            headers = {**headers, "Link": f'<{url}>; rel="next"'}
        return 200, {"orders": page}, headers

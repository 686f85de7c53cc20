"""A fake WooCommerce store (REST API v3) on loopback, for portal/shops/woocommerce*.py.

Built from the REST API documentation (docs/shops-woocommerce.md cites each page):

    GET  /wp-json/wc/v3/orders              modified_after, dates_are_gmt, per_page (≤ 100),
                                            page, orderby=id, order, parent; X-WP-Total,
                                            X-WP-TotalPages and Link headers
    GET  /wp-json/wc/v3/orders/<id>         POST /wp-json/wc/v3/orders
    GET|POST /wp-json/wc/v3/orders/<id>/refunds
    GET|POST /wp-json/wc/v3/coupons         (code filter; a code twice is a 400)
    GET  /wp-json/wc/v3/settings/general/woocommerce_currency
    GET  /wp-json/wc/v3/products, products/<id>/variations   (paged; woocommerce_products.py)
    GET|POST /wp-json/wc/v3/products/<id>[/variations/<id>]   GET products?sku=
    GET|POST /wp-json/wc/v3/webhooks

Errors in WooCommerce's shape {"code", "message", "data": {"status"}}: a wrong key 401
(`woocommerce_rest_authentication_error`), a read-only key asked to write 401 ("does not
have write permissions"), a key whose user may not read 403 (`woocommerce_rest_cannot_view`),
`not_woocommerce = True` makes every path a 404 `rest_no_route` (a WordPress without
WooCommerce); `throttle(n)` answers the next n calls 429 with Retry-After (what a host's
limiter does), loopback modes give 5xx, drops and slowness. `generate(n)` serves n more
orders computed on demand (the benchmark), never held.
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
from tests.fakes.woocommerce_products import ProductsMixin

BASE = "/wp-json/wc/v3"
KEY, SECRET = (
    "ck_4f1c2a5b6d7e8f90a1b2c3d4e5f6a7b8c9d0e1f2",
    "cs_0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b",
)
READ_ONLY_KEY = "ck_readonly"
NO_READ_KEY = "ck_noread"
GENERATED_FROM = 10_000_000  # ids of generated orders start here


def sign(body: bytes, secret: str) -> str:
    """X-WC-Webhook-Signature: base64 of the HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _error(status: int, code: str, message: str):
    return status, {"code": code, "message": message, "data": {"status": status}}, {}


def line(
    line_id: int,
    *,
    sku: str = "WOO-TSHIRT-M",
    name: str = "T-shirt - M",
    product_id: int = 93,
    variation_id: int = 0,
    quantity: int = 1,
    subtotal: str = "20.00",
    subtotal_tax: str = "4.00",
    total: str | None = None,
    total_tax: str | None = None,
    meta: tuple[tuple[str, str], ...] = (),
) -> dict:
    """A line item as the Order properties table shows one."""
    total = subtotal if total is None else total
    total_tax = subtotal_tax if total_tax is None else total_tax
    return {
        "id": line_id,
        "name": name,
        "product_id": product_id,
        "variation_id": variation_id,
        "quantity": quantity,
        "tax_class": "",
        "subtotal": subtotal,
        "subtotal_tax": subtotal_tax,
        "total": total,
        "total_tax": total_tax,
        "taxes": [{"id": 75, "total": total_tax, "subtotal": subtotal_tax}],
        "meta_data": [{"id": 1000 + i, "key": k, "value": v} for i, (k, v) in enumerate(meta)],
        "sku": sku,
        "price": float(total) / quantity,
    }


def order(
    order_id: int,
    number: str | None = None,
    *,
    lines: list[dict] | None = None,
    currency: str = "EUR",
    status: str = "processing",
    created_gmt: str = "2026-11-10T09:30:00",
    modified_gmt: str | None = None,
    local_offset_hours: int = 1,
    completed_gmt: str | None = None,
    email: str = "john.doe@example.com",
    meta: tuple[tuple[str, object], ...] = (),
    discount_total: str = "0.00",
) -> dict:
    """An order as `GET orders/<id>` shows one (the fields the connector reads, and the
    local `date_*` the site's timezone gives, which the connector must not read)."""
    modified_gmt = modified_gmt or created_gmt

    def local(gmt: str | None) -> str | None:
        if gmt is None:
            return None
        moment = datetime.fromisoformat(gmt).timestamp() + local_offset_hours * 3600
        return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S")

    address = {
        "first_name": "John",
        "last_name": "Doe",
        "company": "",
        "address_1": "969 Market",
        "address_2": "",
        "city": "Lyon",
        "state": "",
        "postcode": "69002",
        "country": "FR",
    }
    return {
        "id": order_id,
        "parent_id": 0,
        "number": number if number is not None else str(order_id),
        "order_key": f"wc_order_{order_id}",
        "created_via": "checkout",
        "status": status,
        "currency": currency,
        "date_created": local(created_gmt),
        "date_created_gmt": created_gmt,
        "date_modified": local(modified_gmt),
        "date_modified_gmt": modified_gmt,
        "date_completed": local(completed_gmt),
        "date_completed_gmt": completed_gmt,
        "discount_total": discount_total,
        "prices_include_tax": False,
        "customer_id": 0,
        "billing": {**address, "email": email, "phone": "(555) 555-5555"},
        "shipping": address,
        "payment_method": "bacs",
        "payment_method_title": "Direct Bank Transfer",
        "transaction_id": "",
        "meta_data": [{"id": 500 + i, "key": k, "value": v} for i, (k, v) in enumerate(meta)],
        "line_items": lines if lines is not None else [line(order_id * 10 + 1)],
        "refunds": [],
    }


def generated(order_id: int) -> dict:
    """The benchmark's order `order_id`, the same every time it is asked for."""
    n = order_id - GENERATED_FROM
    return order(
        order_id,
        f"B{n}",
        lines=[line(order_id * 10 + 1, sku=f"BENCH-{n % 50}"), line(order_id * 10 + 2, sku="")],
        created_gmt="2026-11-10T09:30:00",
    )


class FakeWooCommerce(ProductsMixin, LoopbackFake):
    name = "woocommerce"
    routes = (
        ("GET", re.compile(rf"{BASE}/orders$"), "orders"),
        ("POST", re.compile(rf"{BASE}/orders$"), "create_order"),
        ("GET", re.compile(rf"{BASE}/orders/(?P<id>\d+)$"), "order"),
        ("GET", re.compile(rf"{BASE}/orders/(?P<id>\d+)/refunds$"), "refunds"),
        ("POST", re.compile(rf"{BASE}/orders/(?P<id>\d+)/refunds$"), "create_refund"),
        ("GET", re.compile(rf"{BASE}/coupons$"), "coupons"),
        ("POST", re.compile(rf"{BASE}/coupons$"), "create_coupon"),
        ("GET", re.compile(rf"{BASE}/settings/general/woocommerce_currency$"), "currency"),
        ("GET", re.compile(rf"{BASE}/products$"), "products"),
        ("GET", re.compile(rf"{BASE}/products/(?P<id>\d+)/variations$"), "variations"),
        ("GET", re.compile(rf"{BASE}/products/(?P<id>\d+)(/variations/(?P<v>\d+))?$"), "product"),
        ("POST", re.compile(rf"{BASE}/products/(?P<id>\d+)(/variations/(?P<v>\d+))?$"), "edit"),
        ("GET", re.compile(rf"{BASE}/webhooks$"), "webhooks"),
        ("POST", re.compile(rf"{BASE}/webhooks$"), "create_webhook"),
        ("GET", re.compile(r"/wp-json/?.*$"), "no_route"),
        ("POST", re.compile(r"/wp-json/?.*$"), "no_route"),
    )
    WRITES = {"create_order", "create_refund", "create_coupon", "edit", "create_webhook"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.orders: dict[int, dict] = {}
        self.refunds: dict[int, list[dict]] = {}
        self.coupons: list[dict] = []
        self._init_products()
        self.webhooks: list[dict] = []
        self.store_currency = "EUR"
        self.generated = 0
        self.not_woocommerce = False
        self.strip_paging_headers = False  # a proxy that drops X-WP-Total(Pages) and Link
        self.refund_failure: str | None = None  # a gateway's refusal, as WooCommerce words it
        self._throttled = 0
        self._next_id = 5000

    # -- scripting ------------------------------------------------------------------------
    def add_order(self, payload: dict) -> dict:
        with self.lock:
            self.orders[payload["id"]] = payload
        return payload

    def generate(self, n: int) -> None:
        self.generated = n

    def throttle(self, n: int) -> None:
        with self.lock:
            self._throttled += n

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    # -- serving --------------------------------------------------------------------------
    def _auth(self, request: Request, endpoint: str):
        given = request.headers.get("Authorization", "")
        try:
            user = base64.b64decode(given.removeprefix("Basic ")).decode().split(":", 1)
        except (ValueError, UnicodeDecodeError):
            user = []
        if len(user) != 2 or user[0] not in (KEY, READ_ONLY_KEY, NO_READ_KEY) or user[1] != SECRET:
            return _error(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
        if user[0] == NO_READ_KEY:
            return _error(403, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        if user[0] == READ_ONLY_KEY and endpoint in self.WRITES:
            return _error(
                401,
                "woocommerce_rest_authentication_error",
                "The API key provided does not have write permissions.",
            )
        return None

    def handle(self, endpoint, match, request):
        if self.not_woocommerce or endpoint == "no_route":
            return _error(
                404, "rest_no_route", "No route was found matching the URL and request method."
            )
        refused = self._auth(request, endpoint)
        if refused:
            return refused
        if self._throttled:
            self._throttled -= 1
            return (
                429,
                {"code": "too_many_requests", "message": "Too many requests."},
                {"Retry-After": "1"},
            )
        body = json.loads(request.raw or b"{}") if request.method == "POST" else {}
        return getattr(self, f"_{endpoint}")(match, request.query, body)

    def _page(self, items: list, total: int, query: dict, path: str):
        per_page = int(query.get("per_page", 10))
        page = int(query.get("page", 1))
        pages = max(1, -(-total // per_page))
        links = []
        if page < pages:
            links.append(
                f'<{self.base_url}{path}?{urlencode({**query, "page": page + 1})}>; rel="next"'
            )
        links.append(f'<{self.base_url}{path}?{urlencode({**query, "page": pages})}>; rel="last"')
        headers = {
            "X-WP-Total": str(total),
            "X-WP-TotalPages": str(pages),
            "Link": ", ".join(links),
        }
        return 200, items, {} if self.strip_paging_headers else headers

    def _orders(self, match, query, body):
        per_page = int(query.get("per_page", 10))
        if not 1 <= per_page <= 100:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        page = int(query.get("page", 1))
        if "parent" in query:
            kept = [o for o in self.orders.values() if str(o["parent_id"]) == query["parent"]]
        else:
            since = query.get("modified_after")
            if since and query.get("dates_are_gmt") != "true":
                return _error(400, "fake_needs_gmt", "the fake only serves dates_are_gmt=true")
            kept = [
                o
                for o in self.orders.values()
                if not since or o["date_modified_gmt"] > since.replace("Z", "")
            ]
            kept.sort(key=lambda o: o["id"], reverse=query.get("order") == "desc")
        stored = len(kept)
        total = stored + self.generated
        start = (page - 1) * per_page
        items = kept[start : start + per_page]
        if len(items) < per_page and self.generated:
            first = max(start - stored, 0)
            last = min(start + per_page - stored, self.generated)
            items += [generated(GENERATED_FROM + i + 1) for i in range(first, last)]
        return self._page(items, total, query, f"{BASE}/orders")

    def _order(self, match, query, body):
        found = self.orders.get(int(match["id"]))
        if found is None:
            return _error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
        return 200, found, {}

    def _create_order(self, match, query, body):
        made = order(self._id(), None, lines=[], status=body.get("status", "pending"))
        made.update({k: v for k, v in body.items() if k not in ("line_items", "meta_data")})
        made["number"] = str(made["id"])
        made["line_items"] = [
            {
                **line(
                    self._id(),
                    sku="",
                    subtotal=i.get("subtotal", "0"),
                    subtotal_tax="0.00",
                    total=i.get("total", "0"),
                    total_tax="0.00",
                    quantity=i["quantity"],
                ),
                "product_id": i["product_id"],
                "variation_id": i.get("variation_id", 0),
            }
            for i in body.get("line_items", [])
        ]
        made["meta_data"] = [{"id": self._id(), **m} for m in body.get("meta_data", [])]
        self.orders[made["id"]] = made
        return 201, made, {}

    def _refunds(self, match, query, body):
        if int(match["id"]) not in self.orders:
            return _error(404, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
        return 200, self.refunds.get(int(match["id"]), []), {}

    def _create_refund(self, match, query, body):
        order_id = int(match["id"])
        if order_id not in self.orders:  # the refunds controller's prepare_object_for_database
            return _error(404, "woocommerce_rest_invalid_order_id", "Invalid order ID.")
        if self.refund_failure:
            return _error(500, "woocommerce_rest_cannot_create_order_refund", self.refund_failure)
        if float(body.get("amount", 0)) < 0:  # its check is `0 > amount`
            return _error(
                400,
                "woocommerce_rest_invalid_order_refund",
                "Refund amount must be greater than zero.",
            )
        refund = {
            "id": self._id(),
            "date_created_gmt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "amount": body["amount"],
            "reason": body.get("reason", ""),
            "refunded_by": 1,
            "refunded_payment": bool(body.get("api_refund", True)),
            "meta_data": [{"id": self._id(), **m} for m in body.get("meta_data", [])],
            "line_items": body.get("line_items", []),
        }
        self.refunds.setdefault(order_id, []).append(refund)
        self.orders[order_id]["refunds"].append({"id": refund["id"], "total": f"-{body['amount']}"})
        return 201, refund, {}

    def _coupons(self, match, query, body):
        code = query.get("code")
        return 200, [c for c in self.coupons if code is None or c["code"] == code.lower()], {}

    def _create_coupon(self, match, query, body):
        if not body.get("code"):
            return _error(400, "rest_missing_callback_param", "Missing parameter(s): code")
        code = str(body.get("code", "")).lower()  # WooCommerce keeps codes in lower case
        if any(c["code"] == code for c in self.coupons):
            return _error(
                400, "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists"
            )
        coupon = {**body, "id": self._id(), "code": code, "usage_count": 0}
        coupon["meta_data"] = [{"id": self._id(), **m} for m in body.get("meta_data", [])]
        self.coupons.append(coupon)
        return 201, coupon, {}

    def _currency(self, match, query, body):
        return (
            200,
            {"id": "woocommerce_currency", "label": "Currency", "value": self.store_currency},
            {},
        )

    def _webhooks(self, match, query, body):
        return 200, self.webhooks, {}

    def _create_webhook(self, match, query, body):
        hook = {
            "id": self._id(),
            "name": body.get("name", ""),
            "status": body.get("status", "active"),
            "topic": body["topic"],
            "delivery_url": body["delivery_url"],
            "secret": body.get("secret", ""),
        }
        self.webhooks.append(hook)
        return 201, hook, {}

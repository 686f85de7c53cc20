"""What the fake Shopify does for the calls that leave from us (docs/shops.md cites each).

REST, in the shapes of the Refund and Webhook references:
    GET  orders/<id>/refunds.json            -> {"refunds": [...]}
    POST orders/<id>/refunds/calculate.json  -> {"refund": {... "transactions": [suggested_refund]}}
    POST orders/<id>/refunds.json            -> 201 {"refund": {...}}; 422 {"errors": …}
    GET  webhooks.json / POST webhooks.json  -> {"webhooks": [...]} / 201 {"webhook": {...}}
GraphQL (POST graphql.json), the operation named by its root field: giftCardCreate,
draftOrderCreate (with reserveInventoryUntil: the variant's stock is held), draftOrders
(query "tag:'…'"), draftOrderComplete (makes an order), draftOrderDelete (gives the stock
back), productVariants (query "sku:'…'"; without one, the stock: shopify_catalogue.py).
Every answer carries `extensions.cost` with a
`throttleStatus` of a leaky bucket (`maximum`, `restore_rate` points/s, `cost` a call);
a call the bucket cannot pay is answered `THROTTLED`, as the rate-limit page shows.
"""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal

from tests.fakes.shopify_catalogue import ShopifyCatalogue

GRAPHQL_OPERATIONS = (
    "giftCardCreate",
    "draftOrderCreate",
    "draftOrders",
    "draftOrderComplete",
    "draftOrderDelete",
    "productVariants",
)


def _money(value) -> Decimal:
    return Decimal(str(value or "0"))


class ShopifyOut(ShopifyCatalogue):
    """Mixed into FakeShopify: state and handlers for refunds, gift cards, drafts, hooks."""

    def init_out(self) -> None:
        self.refunds: dict[int, list[dict]] = {}
        self.gift_cards: dict[str, dict] = {}
        self.drafts: dict[int, dict] = {}
        self.made_orders: list[dict] = []
        self.webhooks: list[dict] = []
        self.inventory: dict[str, int] = {}  # variant gid -> available
        self.variants_by_sku: dict[str, str] = {}
        self.untracked: set[str] = set()  # variant gids whose inventory Shopify does not track
        self.skus: dict[str, str | None] = {}  # variant gid -> its sku as listed (add_variant)
        scopes = ("write_orders", "write_gift_cards", "write_draft_orders", "read_products")
        self.scopes_out = set(scopes)
        self.next_id = 900000
        # the GraphQL bucket
        self.maximum, self.restore_rate, self.cost = 1000.0, 50.0, 10.0
        self.available = self.maximum
        self._filled_at = time.monotonic()
        self.graphql_throttled = 0
        self.graphql_calls: list[tuple[str, dict]] = []  # (operation, variables) as sent

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    # -- REST refunds --------------------------------------------------------------------------
    def _paid(self, order: dict) -> Decimal:
        total = Decimal(0)
        for line in order["line_items"]:
            total += _money(line["price"]) * line["quantity"]
            total -= sum((_money(d["amount"]) for d in line["discount_allocations"]), Decimal(0))
        return total

    def _refunded(self, order_id: int) -> Decimal:
        return sum(
            (
                _money(t["amount"])
                for r in self.refunds.get(order_id, [])
                for t in r["transactions"]
            ),
            Decimal(0),
        )

    def _line_problems(self, order: dict, lines: list) -> str | None:
        known = {line["id"]: line for line in order["line_items"]}
        for asked in lines:
            line = known.get(asked.get("line_item_id"))
            if line is None:
                return f"line item {asked.get('line_item_id')} is not on this order"
            done = sum(
                rl["quantity"]
                for r in self.refunds.get(order["id"], [])
                for rl in r["refund_line_items"]
                if rl["line_item_id"] == line["id"]
            )
            if asked.get("quantity", 0) + done > line["quantity"]:
                return "cannot refund more items than were purchased"
        return None

    def handle_out(self, endpoint: str, match: re.Match, request) -> tuple[int, dict, dict]:
        if endpoint == "graphql":
            return self._graphql(request)
        if endpoint == "webhooks":
            return self._webhooks(request)
        order = self.orders.get(int(match["order_id"]))
        if order is None:
            return 404, {"errors": "Not Found"}, {}
        if endpoint == "refunds" and request.method == "GET":
            return 200, {"refunds": self.refunds.get(order["id"], [])}, {}
        if "write_orders" not in self.scopes_out:
            return (
                403,
                {"errors": "[API] This action requires merchant approval for write_orders scope."},
                {},
            )
        body = json.loads(request.raw or b"{}").get("refund") or {}
        lines = body.get("refund_line_items") or []
        if problem := self._line_problems(order, lines):
            return 422, {"errors": {"refund_line_items": [problem]}}, {}
        if endpoint == "calculate":
            return 200, {"refund": self._calculate(order, lines)}, {}
        return self._create_refund(order, body)

    def _calculate(self, order: dict, lines: list) -> dict:
        left = self._paid(order) - self._refunded(order["id"])
        return {
            "currency": order["currency"],
            "shipping": {"amount": "0.00", "tax": "0.00", "maximum_refundable": "0.00"},
            "refund_line_items": [{**line, "price": "0.00"} for line in lines],
            "transactions": [
                {
                    "order_id": order["id"],
                    "kind": "suggested_refund",
                    "gateway": "bogus",
                    "parent_id": order["id"] * 10 + 1,
                    "amount": f"{left:.2f}",
                    "maximum_refundable": f"{left:.2f}",
                    "currency": order["currency"],
                }
            ],
        }

    def _create_refund(self, order: dict, body: dict):
        transactions = body.get("transactions") or []
        asked = sum((_money(t.get("amount")) for t in transactions), Decimal(0))
        if asked > self._paid(order) - self._refunded(order["id"]):
            return 422, {"errors": {"base": ["Refund amount exceeds the refundable amount"]}}, {}
        refund = {
            "id": self._id(),
            "order_id": order["id"],
            "note": body.get("note"),
            "created_at": "2026-12-01T10:00:00-05:00",
            "refund_line_items": [
                {
                    "line_item_id": rl["line_item_id"],
                    "quantity": rl["quantity"],
                    "restock_type": rl.get("restock_type"),
                }
                for rl in body.get("refund_line_items") or []
            ],
            "transactions": [
                {
                    "id": self._id(),
                    "kind": "refund",
                    "status": "success",
                    "amount": t.get("amount"),
                    "parent_id": t.get("parent_id"),
                    "gateway": t.get("gateway"),
                }
                for t in transactions
            ],
        }
        self.refunds.setdefault(order["id"], []).append(refund)
        return 201, {"refund": refund}, {}

    # -- REST webhooks ---------------------------------------------------------------------------
    def _webhooks(self, request):
        if request.method == "GET":
            return 200, {"webhooks": self.webhooks}, {}
        hook = json.loads(request.raw or b"{}").get("webhook") or {}
        if any(
            h["topic"] == hook.get("topic") and h["address"] == hook.get("address")
            for h in self.webhooks
        ):
            return 422, {"errors": {"address": ["for this topic has already been taken"]}}, {}
        made = {
            "id": self._id(),
            "topic": hook.get("topic"),
            "address": hook.get("address"),
            "format": hook.get("format", "json"),
        }
        self.webhooks.append(made)
        return 201, {"webhook": made}, {}

    # -- GraphQL ---------------------------------------------------------------------------------
    def operation(self, raw: bytes) -> str | None:
        try:
            query = json.loads(raw or b"{}").get("query") or ""
        except ValueError:
            return None
        for name in GRAPHQL_OPERATIONS:
            if re.search(rf"\b{name}\s*\(", query.split("{", 1)[-1]):
                return name
        return None

    def drain(self, to: float = 0.0) -> None:
        with self.lock:
            self.available, self._filled_at = to, time.monotonic()

    def _bucket(self) -> float:
        now = time.monotonic()
        self.available = min(
            self.maximum, self.available + (now - self._filled_at) * self.restore_rate
        )
        self._filled_at = now
        return self.available

    def _cost(self, actual: float | None) -> dict:
        return {
            "cost": {
                "requestedQueryCost": self.cost,
                "actualQueryCost": actual,
                "throttleStatus": {
                    "maximumAvailable": self.maximum,
                    "currentlyAvailable": self.available,
                    "restoreRate": self.restore_rate,
                },
            }
        }

    def _graphql(self, request):
        body = json.loads(request.raw or b"{}")
        name = self.operation(request.raw)
        if name is None:
            return 200, {"errors": [{"message": "Field doesn't exist on type 'Mutation'"}]}, {}
        self.graphql_calls.append((name, body.get("variables") or {}))
        if refusal := self.refusal(name, body.get("variables") or {}):
            return 200, {"errors": [refusal]}, {}
        if self._bucket() < self.cost:
            self.graphql_throttled += 1
            errors = [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]
            return 200, {"errors": errors, "extensions": self._cost(None)}, {}
        self.available -= self.cost
        data = getattr(self, f"_gql_{name}")(body.get("variables") or {})
        return 200, {"data": {name: data}, "extensions": self._cost(self.cost)}, {}

    def _gql_giftCardCreate(self, variables: dict) -> dict:
        given = variables.get("input") or {}
        code = given.get("code") or f"GC{self._id()}"
        if not re.fullmatch(r"[A-Za-z0-9]{8,20}", code):
            return {
                "giftCard": None,
                "giftCardCode": None,
                "userErrors": [
                    {"field": ["input", "code"], "message": "Code is invalid", "code": "INVALID"}
                ],
            }
        if code in self.gift_cards:
            return {
                "giftCard": None,
                "giftCardCode": None,
                "userErrors": [
                    {
                        "field": ["input", "code"],
                        "message": "Code has already been taken",
                        "code": "TAKEN",
                    }
                ],
            }
        if _money(given.get("initialValue")) <= 0:
            return {
                "giftCard": None,
                "giftCardCode": None,
                "userErrors": [
                    {
                        "field": ["input", "initialValue"],
                        "message": "Initial value must be greater than 0",
                        "code": "GREATER_THAN",
                    }
                ],
            }
        card = {
            "id": f"gid://shopify/GiftCard/{self._id()}",
            "initialValue": {"amount": given["initialValue"], "currencyCode": "EUR"},
            "note": given.get("note"),
            "expiresOn": given.get("expiresOn"),
        }
        self.gift_cards[code] = card
        return {"giftCard": card, "giftCardCode": code, "userErrors": []}

    def _gql_draftOrderCreate(self, variables: dict) -> dict:
        given = variables.get("input") or {}
        items = given.get("lineItems") or []
        if not items:
            return {
                "draftOrder": None,
                "userErrors": [{"field": ["lineItems"], "message": "Add at least 1 product"}],
            }
        hold = bool(given.get("reserveInventoryUntil"))
        for item in items:
            if item.get("variantId") not in self.inventory:
                return {
                    "draftOrder": None,
                    "userErrors": [
                        {"field": ["lineItems"], "message": "Product variant does not exist"}
                    ],
                }
            if hold and self.inventory[item["variantId"]] < item.get("quantity", 1):
                return {
                    "draftOrder": None,
                    "userErrors": [
                        {"field": ["lineItems"], "message": "Not enough inventory to reserve"}
                    ],
                }
        if hold:
            for item in items:
                self.inventory[item["variantId"]] -= item.get("quantity", 1)
        draft_id = self._id()
        draft = {
            "id": f"gid://shopify/DraftOrder/{draft_id}",
            "name": f"#D{draft_id}",
            "status": "OPEN",
            "order": None,
            "input": given,
            "holds": hold,
        }
        self.drafts[draft_id] = draft
        return {"draftOrder": _shown(draft), "userErrors": []}

    def _gql_draftOrders(self, variables: dict) -> dict:
        match = re.fullmatch(r"tag:'([^']+)'", variables.get("query") or "")
        found = [
            d for d in self.drafts.values() if match and match[1] in (d["input"].get("tags") or [])
        ]
        return {"edges": [{"node": _shown(d)} for d in found[:1]]}

    def _gql_draftOrderComplete(self, variables: dict) -> dict:
        draft = self.drafts.get(int(str(variables.get("id", "0")).rsplit("/", 1)[-1] or 0))
        if draft is None:
            return {
                "draftOrder": None,
                "userErrors": [{"field": ["id"], "message": "Draft order does not exist"}],
            }
        if draft["status"] != "COMPLETED":
            order_id = self._id()
            discount = draft["input"].get("appliedDiscount") or {}
            full = (
                discount.get("valueType") == "PERCENTAGE" and float(discount.get("value", 0)) >= 100
            )
            made = {
                "id": f"gid://shopify/Order/{order_id}",
                "name": f"#{order_id}",
                "total": "0.00" if full else "unpaid",
                "tags": draft["input"].get("tags"),
                "note": draft["input"].get("note"),
                "lineItems": draft["input"].get("lineItems"),
            }
            if not draft["holds"]:
                for item in draft["input"].get("lineItems") or []:
                    self.inventory[item["variantId"]] = self.inventory.get(
                        item["variantId"], 0
                    ) - item.get("quantity", 1)
            self.made_orders.append(made)
            draft.update(status="COMPLETED", order={"id": made["id"], "name": made["name"]})
        return {"draftOrder": _shown(draft), "userErrors": []}

    def _gql_draftOrderDelete(self, variables: dict) -> dict:
        gid = (variables.get("input") or {}).get("id") or ""
        draft = (
            self.drafts.get(int(gid.rsplit("/", 1)[-1] or 0))
            if gid.rsplit("/", 1)[-1].isdigit()
            else None
        )
        if draft is None:
            return {
                "deletedId": None,
                "userErrors": [{"field": ["id"], "message": "Draft order does not exist"}],
            }
        if draft["holds"] and draft["status"] != "COMPLETED":
            for item in draft["input"].get("lineItems") or []:
                self.inventory[item["variantId"]] += item.get("quantity", 1)
        del self.drafts[int(gid.rsplit("/", 1)[-1])]
        return {"deletedId": gid, "userErrors": []}

    def _gql_productVariants(self, variables: dict) -> dict:
        if not variables.get("query"):
            return self.catalogue_page(variables)
        match = re.fullmatch(r"sku:'([^']+)'", variables.get("query") or "")
        gid = self.variants_by_sku.get(match[1]) if match else None
        return {"edges": [{"node": {"id": gid, "sku": match[1]}}] if gid else []}


def _shown(draft: dict) -> dict:
    return {k: draft[k] for k in ("id", "name", "status", "order")}

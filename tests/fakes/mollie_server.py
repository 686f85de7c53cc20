"""A fake Mollie API v2 (payment refunds) on loopback, for `mollie-api-python` to talk to.

Only what portal/payments/mollie_provider.py uses, in the shapes of docs/payments.md:

    GET  /v2/payments/<tr_>/refunds?limit=&from=   -> {"_embedded": {"refunds": []}, "count",
                                                       "_links": {"self", "previous", "next"}}
    POST /v2/payments/<tr_>/refunds  JSON {amount: {currency, value}, description, metadata}
                                                   -> 201 Refund (status "pending")
    GET  /v2/payments/<tr_>/refunds/<re_>          -> Refund

Errors are `{"status", "title", "detail", "field"?, "_links": {"documentation"}}` with
content type application/hal+json. `Idempotency-Key` is honoured unless
`honour_idempotency=False` (to show that the look-up alone keeps refunds single); a replay
carries `Idempotent-Replayed`, the header the official SDK looks for (docs/payments.md [M8]).
Payments are registered with `add_payment`; `refuse="…"` answers 422 to any new refund.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tests.fakes.loopback import LoopbackFake, Request

HAL = {"Content-Type": "application/hal+json"}
TITLES = {
    400: "Bad Request",
    401: "Unauthorized Request",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def _error(status: int, detail: str, field: str | None = None):
    body: dict[str, Any] = {
        "status": status,
        "title": TITLES.get(status, "Error"),
        "detail": detail,
        "_links": {
            "documentation": {
                "href": "https://docs.mollie.com/overview/handling-errors",
                "type": "text/html",
            }
        },
    }
    if field:
        body["field"] = field
    return status, body, HAL


class FakeMollie(LoopbackFake):
    name = "mollie"
    routes = (
        ("GET", re.compile(r"^/v2/payments/(?P<payment>tr_\w+)/refunds$"), "list_refunds"),
        ("POST", re.compile(r"^/v2/payments/(?P<payment>tr_\w+)/refunds$"), "create_refund"),
        (
            "GET",
            re.compile(r"^/v2/payments/(?P<payment>tr_\w+)/refunds/(?P<id>re_\w+)$"),
            "get_refund",
        ),
    )

    def __init__(
        self,
        *,
        api_key: str = "test_fakefakefakefakefakefakefake",
        slow_seconds: float = 2.0,
        honour_idempotency: bool = True,
    ) -> None:
        super().__init__(slow_seconds=slow_seconds)
        self.api_key = api_key
        self.honour_idempotency = honour_idempotency
        self.payments: dict[str, dict[str, Any]] = {}
        self._refunds: dict[str, dict[str, Any]] = {}
        self._saved: dict[str, tuple[int, dict]] = {}

    @property
    def url(self) -> str:
        """The API endpoint to give the client (`Client(api_endpoint=url)`)."""
        return self.base_url

    def add_payment(
        self, payment_id: str, amount: str, currency: str = "EUR", *, refuse: str | None = None
    ) -> None:
        with self.lock:
            self.payments[payment_id] = {
                "amount": Decimal(amount),
                "currency": currency,
                "refunded": Decimal(0),
                "refuse": refuse,
            }

    @property
    def refunds(self) -> list[dict[str, Any]]:
        with self.lock:
            return json.loads(json.dumps(list(self._refunds.values())))

    def refunds_for(self, key: str) -> int:
        return sum(1 for r in self.refunds if (r["metadata"] or {}).get("retours_refund") == key)

    def set_refund_status(self, refund_id: str, status: str) -> None:
        with self.lock:
            self._refunds[refund_id]["status"] = status

    # HTTP --------------------------------------------------------------------------------
    def not_found(self):
        return _error(404, "The resource could not be found.")

    def server_error(self, status: int):
        return _error(status, "An internal server error occurred while processing your request.")

    # Mollie's documented 409 [M7] and 429 [M13][M14] (docs/payments.md), as
    # `fail(endpoint, "409"|"429")`: answered
    # with Mollie's error body, the request not carried out
    SCRIPTED = {
        "409": "A duplicate request was detected.",
        "429": "Your request has hit a rate limit. Please wait and try again.",
    }

    def accepts(self, mode: str) -> bool:
        return mode in self.SCRIPTED

    def scripted(self, endpoint: str, mode: str, request: Request):
        return _error(int(mode), self.SCRIPTED[mode])

    def _href(self, path: str) -> dict[str, str]:
        return {"href": f"{self.base_url}{path}", "type": "application/hal+json"}

    def handle(self, endpoint: str, match: re.Match, request: Request):
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "Missing authentication, or failed to authenticate")
        payment_id = match["payment"]
        payment = self.payments.get(payment_id)
        if payment is None:
            return _error(404, f"No payment exists with token {payment_id}.")
        if endpoint == "get_refund":
            refund = self._refunds.get(match["id"])
            if refund is None or refund["paymentId"] != payment_id:
                return _error(404, f"No refund exists with token {match['id']}.")
            return 200, refund, HAL
        if endpoint == "list_refunds":
            return self._list(payment_id, request.query)
        key = request.headers.get("Idempotency-Key")
        if self.honour_idempotency and key and key in self._saved:
            status, body = self._saved[key]
            return status, body, {**HAL, "Idempotent-Replayed": "true"}
        result = self._create(payment_id, payment, request.raw)
        if self.honour_idempotency and key:
            self._saved[key] = (result[0], result[1])
        return result

    def _list(self, payment_id: str, query: dict[str, str]):
        mine = [r for r in self._refunds.values() if r["paymentId"] == payment_id]
        limit = max(1, min(int(query.get("limit") or 50), 250))
        start = 0
        if query.get("from"):
            ids = [r["id"] for r in mine]
            start = ids.index(query["from"]) if query["from"] in ids else len(ids)
        page = mine[start : start + limit]
        base = f"/v2/payments/{payment_id}/refunds"
        following = mine[start + limit : start + limit + 1]
        return (
            200,
            {
                "count": len(page),
                "_embedded": {"refunds": page},
                "_links": {
                    "self": self._href(f"{base}?limit={limit}"),
                    "previous": None,
                    "next": self._href(f"{base}?from={following[0]['id']}&limit={limit}")
                    if following
                    else None,
                    "documentation": {
                        "href": "https://docs.mollie.com/reference/list-refunds",
                        "type": "text/html",
                    },
                },
            },
            HAL,
        )

    def _create(self, payment_id: str, payment: dict[str, Any], raw: bytes):
        try:
            body = json.loads(raw or b"{}")
            amount = body["amount"]
            value = Decimal(amount["value"])
        except (ValueError, KeyError, TypeError, ArithmeticError):
            return _error(422, "The amount is invalid.", "amount")
        if amount.get("currency") != payment["currency"]:
            return _error(422, "The currency does not match the payment's.", "amount.currency")
        if not body.get("description"):
            return _error(422, "The description is missing.", "description")
        if payment["refuse"]:
            return _error(422, payment["refuse"])
        if value <= 0 or value > payment["amount"] - payment["refunded"]:
            return _error(
                422, "The amount is higher than the amount remaining for this payment.", "amount"
            )
        payment["refunded"] += value
        refund_id = f"re_{secrets.token_hex(5)}"
        refund = {
            "resource": "refund",
            "id": refund_id,
            "mode": "test",
            "amount": {"currency": amount["currency"], "value": amount["value"]},
            "description": body["description"],
            "metadata": body.get("metadata"),
            "status": "pending",
            "paymentId": payment_id,
            "createdAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "_links": {
                "self": self._href(f"/v2/payments/{payment_id}/refunds/{refund_id}"),
                "payment": self._href(f"/v2/payments/{payment_id}"),
                "documentation": {
                    "href": "https://docs.mollie.com/reference/get-refund",
                    "type": "text/html",
                },
            },
        }
        self._refunds[refund_id] = refund
        return 201, refund, HAL

"""A fake Stripe API (v1 refunds) on loopback, for the official `stripe` SDK to talk to.

Only what portal/payments/stripe_provider.py uses, in the shapes of docs/payments.md:

    POST /v1/refunds         form: amount, payment_intent | charge, reason, metadata[…]
                             header Idempotency-Key              -> 200 Refund
    GET  /v1/refunds/<id>                                        -> 200 Refund

Idempotency as Stripe documents it: the status and body of the first request with a key are
saved and replayed for every retry with that key (the key echoed in an `Idempotency-Key`
response header, as Stripe's own stripe-mock does); the same key with other parameters is a
400 `idempotency_error`. Errors are
`{"error": {"type", "code", "message", "param"}}`. Payments are registered with
`add_payment`; a payment can refuse refunds (`refuse=(code, message)`) or give refunds a
status (`refund_status`, `failure_reason`). `refunds` lists every refund the fake created.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes.loopback import LoopbackFake, Request


def _error(status: int, type_: str, message: str, code: str | None = None, param=None):
    body: dict[str, Any] = {"type": type_, "message": message}
    if code:
        body["code"] = code
        body["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
    if param:
        body["param"] = param
    return status, {"error": body}, {}


def _form(raw: bytes) -> dict[str, Any]:
    """amount=1&metadata[k]=v → {"amount": "1", "metadata": {"k": "v"}}."""
    params: dict[str, Any] = {}
    for key, value in parse_qsl(raw.decode(), keep_blank_values=True):
        if match := re.fullmatch(r"(\w+)\[(\w+)\]", key):
            params.setdefault(match[1], {})[match[2]] = value
        else:
            params[key] = value
    return params


class FakeStripe(LoopbackFake):
    name = "stripe"
    routes = (
        ("POST", re.compile(r"^/v1/refunds$"), "create_refund"),
        ("GET", re.compile(r"^/v1/refunds/(?P<id>re_\w+)$"), "retrieve_refund"),
    )

    def __init__(self, *, api_key: str = "sk_test_fake", slow_seconds: float = 2.0) -> None:
        super().__init__(slow_seconds=slow_seconds)
        self.api_key = api_key
        self.payments: dict[str, dict[str, Any]] = {}
        self._refunds: dict[str, dict[str, Any]] = {}
        self._saved: dict[str, tuple[dict, int, dict]] = {}

    @property
    def url(self) -> str:
        """The api base to give the SDK (`base_addresses={"api": url}`)."""
        return self.base_url

    def add_payment(
        self,
        payment_id: str,
        amount: int,
        currency: str = "eur",
        *,
        refund_status: str = "succeeded",
        failure_reason: str | None = None,
        refuse: tuple[str, str] | None = None,
    ) -> None:
        with self.lock:
            self.payments[payment_id] = {
                "amount": amount,
                "currency": currency.lower(),
                "refunded": 0,
                "refund_status": refund_status,
                "failure_reason": failure_reason,
                "refuse": refuse,
            }

    @property
    def refunds(self) -> list[dict[str, Any]]:
        with self.lock:
            return json.loads(json.dumps(list(self._refunds.values())))

    def refunds_for(self, key: str) -> int:
        """How many refunds the fake created carrying our metadata key."""
        return sum(1 for r in self.refunds if r["metadata"].get("retours_refund") == key)

    def set_refund_status(self, refund_id: str, status: str, failure_reason=None) -> dict:
        """A later change on Stripe's side (e.g. the card was closed: `failed`)."""
        with self.lock:
            refund = self._refunds[refund_id]
            refund["status"] = status
            refund["failure_reason"] = failure_reason
            return json.loads(json.dumps(refund))

    # HTTP --------------------------------------------------------------------------------
    def not_found(self):
        return _error(404, "invalid_request_error", "Unrecognized request URL.")

    def server_error(self, status: int):
        return _error(status, "api_error", "Something went wrong on Stripe's end.")

    # Stripe's documented 409 and 429 ([S4]: HTTP status code summary; error types), as
    # `fail(endpoint, "409"|"429")`: the request is answered without being carried out
    SCRIPTED = {
        "409": (
            409,
            "idempotency_error",
            "The request conflicts with another request (perhaps due to using the same "
            "idempotent key).",
        ),
        "429": (429, "api_error", "Too many requests hit the API too quickly."),
    }

    def accepts(self, mode: str) -> bool:
        return mode in self.SCRIPTED

    def scripted(self, endpoint: str, mode: str, request: Request):
        return _error(*self.SCRIPTED[mode])

    def handle(self, endpoint: str, match: re.Match, request: Request):
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "invalid_request_error", "Invalid API Key provided.")
        if endpoint == "retrieve_refund":
            refund = self._refunds.get(match["id"])
            if refund is None:
                return _error(
                    404,
                    "invalid_request_error",
                    f"No such refund: '{match['id']}'",
                    "resource_missing",
                    "id",
                )
            return 200, refund, {}
        params = _form(request.raw)
        key = request.headers.get("Idempotency-Key")
        if key and key in self._saved:
            saved_params, status, body = self._saved[key]
            if saved_params != params:
                return _error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters "
                    "they were first used with.",
                )
            return status, body, {"Idempotency-Key": key}  # echoed, as Stripe does [S14]
        status, body, headers = self._create(params)
        if key:
            self._saved[key] = (params, status, body)
            headers = {**headers, "Idempotency-Key": key}
        return status, body, headers

    def _create(self, params: dict[str, Any]):
        payment_id = params.get("payment_intent") or params.get("charge")
        param = "payment_intent" if params.get("payment_intent") else "charge"
        payment = self.payments.get(payment_id or "")
        if payment is None:
            kind = "payment_intent" if param == "payment_intent" else "charge"
            return _error(
                400,
                "invalid_request_error",
                f"No such {kind}: '{payment_id}'",
                "resource_missing",
                param,
            )
        if payment["refuse"]:
            code, message = payment["refuse"]
            return _error(400, "invalid_request_error", message, code)
        try:
            amount = int(params.get("amount", payment["amount"] - payment["refunded"]))
        except ValueError:
            return _error(
                400,
                "invalid_request_error",
                "Invalid integer",
                "parameter_invalid_integer",
                "amount",
            )
        remaining = payment["amount"] - payment["refunded"]
        if remaining <= 0:
            return _error(
                400,
                "invalid_request_error",
                f"Charge {payment_id} has already been refunded.",
                "charge_already_refunded",
            )
        if amount <= 0 or amount > remaining:
            return _error(
                400,
                "invalid_request_error",
                f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                f"({remaining})",
                "amount_too_large",
                "amount",
            )
        payment["refunded"] += amount
        refund_id = f"re_{secrets.token_hex(12)}"
        status = payment["refund_status"]
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "balance_transaction": f"txn_{secrets.token_hex(12)}",
            "charge": payment_id if param == "charge" else f"ch_{payment_id[3:]}",
            "created": int(time.time()),
            "currency": payment["currency"],
            "failure_reason": payment["failure_reason"] if status == "failed" else None,
            "metadata": params.get("metadata") or {},
            "payment_intent": payment_id if param == "payment_intent" else None,
            "reason": params.get("reason"),
            "receipt_number": None,
            "source_transfer_reversal": None,
            "status": status,
            "transfer_reversal": None,
        }
        self._refunds[refund_id] = refund
        return 200, refund, {"Request-Id": f"req_{secrets.token_hex(8)}"}


def event(event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    """A Stripe Event (v1 webhook payload) carrying `obj` as data.object."""
    return {
        "id": f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": "2024-10-28.acacia",
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header: t=<unix time>,v1=<HMAC-SHA256 of "t.payload">."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"

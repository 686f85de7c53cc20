"""A fake EasyPost v2 HTTP API on loopback, for the real SDK to talk to.

It implements only what `portal.carriers.easypost_carrier` uses (paths and JSON shapes
read from the easypost 10.x SDK):

    POST /v2/shipments               body {"shipment": {...}}      -> 201 Shipment with rates
    GET  /v2/shipments/<id>                                        -> Shipment
    POST /v2/shipments/<id>/buy      body {"rate": {"id": ...}}    -> Shipment with postage_label
    POST /v2/shipments/<id>/refund                                 -> Shipment, refund_status
    GET  /v2/shipments/<id>/label?file_format=PDF                  -> Shipment with label_pdf_url
    GET  /labels/<id>.pdf                                          -> the label (reportlab PDF)

Errors use EasyPost's shape: {"error": {"code": ..., "message": ..., "errors": []}}.

Failures can be scripted per endpoint for the next N requests with `fail()`:
    "slow"        process the request, then wait `slow_seconds` before answering (a buy that
                  succeeded server-side but timed out client-side)
    "drop"        close the connection without an answer, without processing
    "drop_after"  process the request, then close the connection without an answer
    "500", "503"  server errors; "429" rate limited with Retry-After: 3 (`retry_after`);
    "402"         payment required (the account has no funds)
Note that the SDK's requests adapter retries idempotent GETs on timeouts and dropped
connections (3 retries), so a failure on "retrieve" may consume several of `times`.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reportlab.pdfgen import canvas

from tests.fakes.loopback import LoopbackFake, Request

ENDPOINTS = ("create", "retrieve", "buy", "refund", "convert", "label_pdf")
MODES = ("slow", "drop", "drop_after", "500", "503", "429", "402")
DEFAULT_RATES: tuple[tuple[str, str, str], ...] = (
    ("LaPoste", "Colissimo", "7.90"),
    ("ColisPrive", "Relais", "5.20"),
    ("UPS", "Standard", "12.40"),
)
_ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("POST", re.compile(r"^/v2/shipments$"), "create"),
    ("GET", re.compile(r"^/v2/shipments/(?P<id>shp_\w+)$"), "retrieve"),
    ("POST", re.compile(r"^/v2/shipments/(?P<id>shp_\w+)/buy$"), "buy"),
    ("POST", re.compile(r"^/v2/shipments/(?P<id>shp_\w+)/refund$"), "refund"),
    ("GET", re.compile(r"^/v2/shipments/(?P<id>shp_\w+)/label$"), "convert"),
    ("GET", re.compile(r"^/labels/(?P<id>shp_\w+)\.pdf$"), "label_pdf"),
)
_SET_ON_BUY = ("selected_rate", "postage_label", "tracking_code", "refund_status")
_FAILURES: dict[str, tuple[int, str, str]] = {
    "500": (500, "INTERNAL_SERVER_ERROR", "We're sorry, something went wrong."),
    "503": (503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable."),
    "429": (429, "RATE_LIMITED", "You have exceeded the rate limit."),
    "402": (402, "PAYMENT_REQUIRED", "Insufficient funds. Please add funds to your account."),
}


@dataclass(frozen=True)
class Purchase:
    shipment_id: str
    rate_id: str
    carrier: str
    service: str
    rate: str


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _oid(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(16)}"


def render_label_pdf(tracking_code: str, carrier: str, service: str) -> bytes:
    """A small but real PDF with the tracking code as text."""
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(288, 432))
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(20, 390, f"{carrier} {service}")
    pdf.setFont("Helvetica", 12)
    pdf.drawString(20, 360, tracking_code)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "errors": []}}


class FakeEasyPost(LoopbackFake):
    """Start with `FakeEasyPost().start()` (or `with FakeEasyPost() as fake:`); give the SDK
    `fake.url` as api_base and `fake.api_key` as key."""

    name = "easypost"
    routes = _ROUTES

    def __init__(
        self,
        *,
        api_key: str = "EZTKfake0000",
        rates: tuple[tuple[str, str, str], ...] = DEFAULT_RATES,
        slow_seconds: float = 2.5,
        pdf_at_purchase: bool = True,
    ) -> None:
        super().__init__(slow_seconds=slow_seconds)
        self.api_key = api_key
        self.rates = rates
        # False: the bought label is a PNG; a PDF only after GET .../label?file_format=PDF.
        self.pdf_at_purchase = pdf_at_purchase
        self.retry_after = 3  # seconds, the Retry-After of a scripted 429
        self._lock = self.lock
        self._shipments: dict[str, dict[str, Any]] = {}
        self._purchases: list[Purchase] = []

    # the loopback server's hooks -------------------------------------------------------------
    def refine(self, endpoint: str, request: Request) -> str | None:
        """The API key is checked before anything else (the label PDF's URL needs none)."""
        authorized = request.headers.get("Authorization") == f"Bearer {self.api_key}"
        return endpoint if endpoint == "label_pdf" or authorized else None

    def unrouted(self, request: Request) -> tuple[int, dict, dict]:
        return 401, _error("APIKEY.REQUIRED", "Invalid or missing API key."), {}

    def not_found(self) -> tuple[int, dict, dict]:
        return 404, _error("NOT_FOUND", "The requested resource could not be found."), {}

    def server_error(self, status: int) -> tuple[int, dict, dict]:
        _, code, message = _FAILURES.get(str(status), _FAILURES["500"])
        return status, _error(code, message), {}

    def accepts(self, mode: str) -> bool:
        return mode in ("429", "402")

    def scripted(self, endpoint: str, mode: str, request: Request) -> tuple[int, dict, dict]:
        status, code, message = _FAILURES[mode]
        return (
            status,
            _error(code, message),
            {"Retry-After": str(self.retry_after)} if mode == "429" else {},
        )

    def handle(self, endpoint: str, match: re.Match, request: Request):
        try:
            body = json.loads(request.raw) if request.raw else {}
        except ValueError:
            return 400, _error("BAD_REQUEST", "Malformed JSON."), {}
        shipment_id = match.groupdict().get("id") or ""
        status, payload = self._process(endpoint, shipment_id, body, request.query)
        headers = {"Content-Type": "application/pdf"} if isinstance(payload, bytes) else {}
        return status, payload, headers

    @property
    def url(self) -> str:
        """The api_base to give the SDK."""
        return f"{self.base_url}/v2"

    # scripting and inspection ------------------------------------------------------------
    @property
    def purchases(self) -> list[Purchase]:
        with self._lock:
            return list(self._purchases)

    def purchases_of(self, shipment_id: str) -> int:
        return sum(1 for p in self.purchases if p.shipment_id == shipment_id)

    @property
    def shipments(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return json.loads(json.dumps(self._shipments))

    @property
    def requests(self) -> list[tuple[str, str]]:  # type: ignore[override]
        """Every routed request as (endpoint, path)."""
        return [(endpoint, path) for endpoint, _, path in super().requests]

    def count(self, endpoint: str) -> int:
        return sum(1 for name, _ in self.requests if name == endpoint)

    # internals -----------------------------------------------------------------------------

    def _process(
        self, endpoint: str, shipment_id: str, body: dict[str, Any], params: dict[str, str]
    ) -> tuple[int, dict[str, Any] | bytes]:
        with self._lock:
            if endpoint == "create":
                return self._create(body.get("shipment") or {})
            shipment = self._shipments.get(shipment_id)
            if shipment is None:
                return 404, _error("NOT_FOUND", "The requested resource could not be found.")
            if endpoint == "retrieve":
                return 200, shipment
            if endpoint == "buy":
                return self._buy(shipment, body)
            if endpoint == "refund":
                return self._refund(shipment)
            if endpoint == "convert":
                return self._convert(shipment, params)
            return self._label_pdf(shipment)

    def _create(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        missing = [
            f"{role}.{field}"
            for role in ("to_address", "from_address")
            for field in ("street1", "city", "zip", "country")
            if not (data.get(role) or {}).get(field)
        ]
        if missing:
            error = _error("PARAMETER.REQUIRED", f"Missing required parameter: {missing[0]}.")
            error["error"]["errors"] = [{"field": f, "message": "cannot be blank"} for f in missing]
            return 422, error
        to_address = dict(data.get("to_address") or {}, id=_oid("adr"), object="Address")
        from_address = dict(data.get("from_address") or {}, id=_oid("adr"), object="Address")
        is_return = bool(data.get("is_return"))
        if is_return:
            # EasyPost: "leave the addresses the same as the initial Shipment's creation request
            # and we switch the to_address and from_address for the return Shipment".
            to_address, from_address = from_address, to_address
        sid = _oid("shp")
        rates = [
            {"id": _oid("rate"), "object": "Rate", "shipment_id": sid, "currency": "EUR"}
            | {"carrier": carrier, "service": service, "rate": rate}
            for carrier, service, rate in self.rates
        ]
        shipment = {"id": sid, "object": "Shipment", "mode": "test", "created_at": _now()} | {
            "is_return": is_return,
            "reference": data.get("reference"),
            "to_address": to_address,
            "from_address": from_address,
            "parcel": dict(data.get("parcel") or {}, id=_oid("prcl"), object="Parcel"),
            "options": data.get("options") or {},
            "rates": rates,
            "messages": [],
        }
        shipment.update(dict.fromkeys(_SET_ON_BUY))
        self._shipments[sid] = shipment
        return 201, shipment

    def _buy(self, shipment: dict[str, Any], body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if shipment["postage_label"] is not None:
            return 422, _error("SHIPMENT.POSTAGE.EXISTS", "Shipment already has postage.")
        rate_id = (body.get("rate") or {}).get("id")
        rate = next((r for r in shipment["rates"] if r["id"] == rate_id), None)
        if rate is None:
            return 422, _error("SHIPMENT.RATE.INVALID", f"Rate {rate_id!r} is not available.")
        sid = shipment["id"]
        tracking_code = f"{rate['carrier'][:2].upper()}{secrets.randbelow(10**10):010d}FR"
        pdf_url = f"{self.base_url}/labels/{sid}.pdf"
        wants_pdf = (shipment["options"].get("label_format") or "PNG").upper() == "PDF"
        pdf = wants_pdf and self.pdf_at_purchase
        label = {"id": _oid("pl"), "object": "PostageLabel", "label_date": _now()} | {
            "label_file_type": "application/pdf" if pdf else "image/png",
            "label_url": pdf_url if pdf else f"{self.base_url}/labels/{sid}.png",
            "label_pdf_url": pdf_url if pdf else None,
        }
        shipment.update(selected_rate=rate, tracking_code=tracking_code, postage_label=label)
        self._purchases.append(
            Purchase(sid, rate["id"], rate["carrier"], rate["service"], rate["rate"])
        )
        return 200, shipment

    def _refund(self, shipment: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if shipment["postage_label"] is None:
            return 422, _error("SHIPMENT.REFUND.UNAVAILABLE", "Shipment has no postage.")
        if shipment["refund_status"] is None:
            shipment["refund_status"] = "submitted"
        return 200, shipment

    def _convert(self, shipment: dict[str, Any], params: dict[str, str]) -> tuple[int, dict]:
        if shipment["postage_label"] is None:
            return 422, _error("SHIPMENT.POSTAGE.REQUIRED", "Shipment has no postage.")
        if params.get("file_format", "").upper() == "PDF":
            url = f"{self.base_url}/labels/{shipment['id']}.pdf"
            shipment["postage_label"]["label_pdf_url"] = url
        return 200, shipment

    def _label_pdf(self, shipment: dict[str, Any]) -> tuple[int, dict[str, Any] | bytes]:
        if shipment["postage_label"] is None:
            return 404, _error("NOT_FOUND", "No label.")
        rate = shipment["selected_rate"]
        return 200, render_label_pdf(shipment["tracking_code"], rate["carrier"], rate["service"])


# webhooks ------------------------------------------------------------------------------------
def sign_webhook(body: bytes, secret: str) -> dict[str, str]:
    """The headers EasyPost sends with a webhook, as `easypost.util.validate_webhook` checks
    them: HMAC-SHA256 of the raw body, keyed with the NFKD-normalised secret."""
    key = unicodedata.normalize("NFKD", secret).encode("utf-8")
    digest = hmac.new(key, body, hashlib.sha256).hexdigest()
    return {"X-Hmac-Signature": f"hmac-sha256-hex={digest}", "Content-Type": "application/json"}


def tracker_event(
    tracking_code: str,
    status: str,
    event_id: str | None = None,
    *,
    description: str = "tracker.updated",
    occurred_at: str = "2025-03-04T10:15:00Z",
    carrier: str = "LaPoste",
) -> bytes:
    """An EasyPost Event JSON carrying a Tracker, as webhooks deliver it."""
    detail = {"object": "TrackingDetail", "status": status, "datetime": occurred_at}
    tracker = {"id": _oid("trk"), "object": "Tracker", "mode": "test", "carrier": carrier} | {
        "tracking_code": tracking_code,
        "status": status,
        "updated_at": occurred_at,
        "tracking_details": [detail | {"message": f"Status: {status}", "source": carrier}],
    }
    event = {"id": event_id or _oid("evt"), "object": "Event", "mode": "test"} | {
        "description": description,
        "previous_attributes": {"status": "pre_transit"},
        "created_at": occurred_at,
        "result": tracker,
    }
    return json.dumps(event).encode("utf-8")

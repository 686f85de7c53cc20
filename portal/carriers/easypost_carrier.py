"""EasyPost carrier: buys a prepaid return label through the EasyPost API (the official SDK).

Never buys twice: a shipment id from an earlier attempt whose outcome is unknown is looked
up first and its label reused when it was bought. Every failure after the shipment exists
carries its id (`CarrierError.shipment_id`) so the caller can store it and retry.
See docs/easypost.md. No Flask in here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import ROUND_UP, Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import easypost
import requests
from easypost import errors as ep_errors

from portal.carriers.base import CarrierError, IssuedLabel, LabelRequest, TrackingUpdate
from portal.carriers.easypost_webhook import parse_webhook

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0
GRAMS_PER_OUNCE = Decimal("28.349523125")
DEFAULT_WEIGHT_GRAMS = 1000  # when the items have no weight: better a label than none
# A shoebox-sized parcel, 35 x 25 x 15 cm, in inches (EasyPost's unit).
DEFAULT_PARCEL_INCHES = {"length": 13.8, "width": 9.8, "height": 5.9}


def _failed(
    message: str, shipment_id: str | None, retryable: bool, retry_after: float | None = None
) -> CarrierError:
    return CarrierError(
        message, retryable=retryable, shipment_id=shipment_id, retry_after=retry_after
    )


class EasyPostCarrier:
    name = "easypost"
    display_name = "EasyPost"

    def __init__(
        self,
        api_key: str,
        *,
        api_base: str | None = None,
        carriers: tuple[str, ...] = (),
        services: tuple[str, ...] = (),
        timeout: float = DEFAULT_TIMEOUT,
        shop_name: str = "",
    ) -> None:
        if not api_key:
            raise ValueError("EasyPost needs an API key (EASYPOST_API_KEY)")
        self.carriers = frozenset(c.strip().lower() for c in carriers if c.strip())
        self.services = frozenset(s.strip().lower() for s in services if s.strip())
        self.timeout = float(timeout)
        self.shop_name = shop_name
        options: dict[str, Any] = {"timeout": self.timeout}
        if api_base:
            options["api_base"] = api_base.rstrip("/")
        self._client = easypost.EasyPostClient(api_key, **options)
        # The SDK keeps response headers (Retry-After) and the status of non-JSON error
        # bodies to itself; its hooks let us see them. Per thread, in case one instance is
        # shared.
        self._last = threading.local()
        self._client.subscribe_to_request_hook(self._on_request)
        self._client.subscribe_to_response_hook(self._on_response)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> EasyPostCarrier:
        return cls(
            config.get("EASYPOST_API_KEY") or "",
            api_base=config.get("EASYPOST_API_BASE") or None,
            carriers=_as_tuple(config.get("EASYPOST_CARRIERS")),
            services=_as_tuple(config.get("EASYPOST_SERVICES")),
            timeout=float(config.get("EASYPOST_TIMEOUT") or DEFAULT_TIMEOUT),
            shop_name=config.get("SHOP_NAME") or "",
        )

    # the interface ---------------------------------------------------------------------------
    def issue_label(self, request: LabelRequest) -> IssuedLabel:
        shipment = None
        if request.previous_shipment_id:
            shipment = self._previous_shipment(request.previous_shipment_id, request.rma)
        if shipment is None:
            params = self.shipment_params(request)
            shipment = self._call(
                "create the shipment", None, self._client.shipment.create, **params
            )
        shipment_id: str = shipment.id
        try:
            if not shipment.get("postage_label"):
                shipment = self._buy(shipment)
            return self._issued(shipment)
        except CarrierError:
            raise
        except Exception as exc:  # a surprise after the shipment exists: keep its id
            message = f"EasyPost: unexpected error after creating shipment {shipment_id}: {exc!r}"
            raise _failed(message, shipment_id, retryable=False) from exc

    def void_label(self, tracking_code: str, shipment_id: str | None) -> None:
        if not shipment_id:
            message = f"EasyPost: cannot void label {tracking_code} without its shipment id"
            raise _failed(message, None, retryable=False)
        shipment = self._call(
            "refund the label", shipment_id, self._client.shipment.refund, shipment_id
        )
        if shipment.get("refund_status") == "rejected":
            message = f"EasyPost rejected the refund of shipment {shipment_id} ({tracking_code})"
            raise _failed(message, shipment_id, retryable=False)

    @staticmethod
    def parse_webhook(
        raw_body: bytes, headers: Mapping[str, str], secret: str
    ) -> TrackingUpdate | None:
        return parse_webhook(raw_body, headers, secret)

    # the steps ---------------------------------------------------------------------------------
    def shipment_params(self, request: LabelRequest) -> dict[str, Any]:
        """The body of POST /shipments for a return.

        With is_return=True EasyPost wants the addresses *as on the outbound shipment* (shop ->
        customer) and swaps them itself, so the label runs customer -> warehouse."""
        grams = request.weight_grams if request.weight_grams > 0 else DEFAULT_WEIGHT_GRAMS
        ounces = (Decimal(grams) / GRAMS_PER_OUNCE).quantize(Decimal("0.1"), rounding=ROUND_UP)
        return {
            "to_address": _address(request.sender),
            "from_address": _address(request.recipient, company=self.shop_name),
            "parcel": {**DEFAULT_PARCEL_INCHES, "weight": float(ounces)},
            "is_return": True,
            "reference": request.rma,
            "options": {"label_format": "PDF"},
        }

    def _previous_shipment(self, shipment_id: str, rma: str) -> Any | None:
        """The earlier attempt's shipment if it can still be used, else None (make a new one)."""
        try:
            shipment = self._client.shipment.retrieve(shipment_id)
        except ep_errors.NotFoundError:
            log.warning("EasyPost shipment %s not found; creating a new one", shipment_id)
            return None
        except (ep_errors.EasyPostError, requests.RequestException) as exc:
            raise self._error(exc, "look up the earlier shipment", shipment_id) from exc
        if shipment.get("reference") not in (None, rma):
            message = f"EasyPost shipment {shipment_id} belongs to {shipment.reference}, not {rma}"
            raise _failed(message, shipment_id, retryable=False)
        if shipment.get("refund_status"):
            log.warning("EasyPost shipment %s was refunded; creating a new one", shipment_id)
            return None
        return shipment

    def _buy(self, shipment: Any) -> Any:
        rate = self.cheapest_rate(shipment)
        try:
            return self._client.shipment.buy(shipment.id, rate=rate)
        except (ep_errors.InvalidRequestError, ep_errors.BadRequestError) as exc:
            # An earlier buy whose answer we lost may have gone through in the meantime.
            again = self._call(
                "look up the shipment", shipment.id, self._client.shipment.retrieve, shipment.id
            )
            if again.get("postage_label") and not again.get("refund_status"):
                return again
            raise self._error(exc, "buy the label", shipment.id) from exc
        except (ep_errors.EasyPostError, requests.RequestException) as exc:
            raise self._error(exc, "buy the label", shipment.id) from exc

    def cheapest_rate(self, shipment: Any) -> Any:
        """The cheapest rate among the allowed carriers and services (Decimal, never float)."""
        best: tuple[tuple[Decimal, str, str], Any] | None = None
        offered = []
        for rate in shipment.get("rates") or []:
            carrier, service = str(rate.get("carrier") or ""), str(rate.get("service") or "")
            offered.append(f"{carrier}/{service} {rate.get('rate')}")
            if self.carriers and carrier.lower() not in self.carriers:
                continue
            if self.services and service.lower() not in self.services:
                continue
            try:
                price = Decimal(str(rate.get("rate")))
            except InvalidOperation:
                continue
            key = (price, carrier, service)
            if price.is_finite() and (best is None or key < best[0]):
                best = (key, rate)
        if best is None:
            message = (
                "EasyPost offered no rate for the allowed carriers "
                f"{sorted(self.carriers) or 'any'} and services {sorted(self.services) or 'any'}"
                f" (offered: {', '.join(offered) or 'none'})"
            )
            raise _failed(message, shipment.id, retryable=False)
        return best[1]

    def _issued(self, shipment: Any) -> IssuedLabel:
        shipment_id: str = shipment.id
        tracking_code = shipment.get("tracking_code")
        if not tracking_code:
            message = f"EasyPost shipment {shipment_id} was bought but has no tracking code yet"
            raise _failed(message, shipment_id, retryable=True)
        url = _pdf_url(shipment.get("postage_label"))
        if not url:
            converted = self._call(
                "convert the label to PDF",
                shipment_id,
                self._client.shipment.label,
                shipment_id,
                file_format="PDF",
            )
            url = _pdf_url(converted.get("postage_label"))
        if not url:
            raise _failed(f"EasyPost shipment {shipment_id} has no PDF label", shipment_id, True)
        return IssuedLabel(
            carrier=self.name,
            tracking_code=tracking_code,
            pdf=self._download(url, shipment_id),
            shipment_id=shipment_id,
        )

    def _download(self, url: str, shipment_id: str) -> bytes:
        # The label URL is a public file; the API key is not sent there.
        try:
            response = requests.get(url, timeout=self.timeout)
            response.raise_for_status()
        except requests.RequestException as exc:
            message = f"EasyPost: could not download the label of shipment {shipment_id}: {exc}"
            raise _failed(message, shipment_id, retryable=True) from exc
        if not response.content.startswith(b"%PDF-"):
            message = f"EasyPost: the label of shipment {shipment_id} is not a PDF"
            raise _failed(message, shipment_id, retryable=True)
        return response.content

    # errors ------------------------------------------------------------------------------------
    def _call(
        self, action: str, shipment_id: str | None, fn: Callable[..., T], *a: Any, **kw: Any
    ) -> T:
        try:
            return fn(*a, **kw)
        except (ep_errors.EasyPostError, requests.RequestException) as exc:
            raise self._error(exc, action, shipment_id) from exc

    def _on_request(self, **_: Any) -> None:
        self._last.status, self._last.headers = None, {}

    def _on_response(self, **kw: Any) -> None:
        self._last.status, self._last.headers = kw.get("http_status"), kw.get("headers") or {}

    def _error(self, exc: Exception, action: str, shipment_id: str | None) -> CarrierError:
        where = f"EasyPost could not {action}" + (
            f" (shipment {shipment_id})" if shipment_id else ""
        )
        detail = getattr(exc, "message", None) or str(exc)
        if isinstance(exc, ep_errors.PaymentError):
            message = f"{where}: the EasyPost account needs funds (payment required)"
            return _failed(message, shipment_id, retryable=False)
        if isinstance(exc, ep_errors.RateLimitError):
            wait = _retry_after(getattr(self._last, "headers", {}).get("Retry-After"))
            return _failed(f"{where}: rate limited by EasyPost", shipment_id, True, wait)
        if isinstance(exc, ep_errors.TimeoutError | requests.Timeout):
            return _failed(f"{where}: no answer within {self.timeout:g} s", shipment_id, True)
        if isinstance(exc, ep_errors.HttpError | requests.ConnectionError):
            return _failed(f"{where}: connection failed: {detail}", shipment_id, True)
        if isinstance(exc, ep_errors.ApiError):
            status = exc.http_status or getattr(self._last, "status", None)
            if status is None or status >= 500:
                message = f"{where}: EasyPost is unavailable ({status or 'unreadable answer'})"
                return _failed(message, shipment_id, retryable=True)
            if status in (401, 403):
                message = f"{where}: the API key was refused (EASYPOST_API_KEY): {detail}"
                return _failed(message, shipment_id, retryable=False)
            return _failed(f"{where}: {detail}", shipment_id, retryable=False)
        retryable = isinstance(exc, requests.RequestException)
        return _failed(f"{where}: {detail}", shipment_id, retryable)


# small helpers ---------------------------------------------------------------------------------
def _as_tuple(value: Any) -> tuple[str, ...]:
    """A config list, or a comma-separated string (from the environment)."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    return tuple(str(item).strip() for item in items if str(item).strip())


def _address(address: Any, *, company: str = "") -> dict[str, str]:
    fields = {
        "name": address.name,
        "company": company,
        "street1": address.line1,
        "street2": getattr(address, "line2", None),
        "zip": address.postcode,
        "city": address.city,
        "country": getattr(address, "country", None) or "FR",
    }
    return {key: value for key, value in fields.items() if value}


def _pdf_url(label: Any) -> str | None:
    if not label:
        return None
    if label.get("label_pdf_url"):
        return str(label.get("label_pdf_url"))
    url = label.get("label_url")
    is_pdf = label.get("label_file_type") == "application/pdf"
    if url and (is_pdf or str(url).lower().split("?")[0].endswith(".pdf")):
        return str(url)
    return None


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())

"""Colissimo carrier: a France return label (product CORE) through the SLS web service (REST).

`POST <COLISSIMO_API_URL>/generateLabel` with the contract number and password, the output
format `PDF_10x15_300dpi`, and a `letter`: service (product CORE, deposit date, our RMA as
order number), parcel (weight in kg), sender (the customer) and addressee (the warehouse). The
answer is `multipart/related`: a JSON part `<jsonInfos>` (`labelV2Response.parcelNumber`) and
the PDF part `<label>`; an error is HTTP 400 with `messages[]` of type ERROR (docs/carriers.md).
The customer drops the parcel at any post office or Colissimo pickup point, or — where the
account allows it (`COLISSIMO_LETTERBOX`) — leaves it in their own letterbox for a Colissimo
agent to collect (*retour en boîte aux lettres*): `getListMailBoxPickingDates` says whether the
address is eligible and which days, `generateLabel` carries `mailBoxPicking` and the chosen
`mailBoxPickingDate`, and `planPickup` confirms the collection for that parcel. No Flask here.

Never two labels for one return: like Mondial Relay, the service has no idempotency key; an
attempt whose outcome is unknown (timeout, dropped connection) is blocked for staff to check.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_UP, Decimal
from typing import Any

import requests
from requests_toolbelt.multipart.decoder import (
    ImproperBodyPartContentException,
    MultipartDecoder,
    NonMultipartContentTypeException,
)

from portal.carriers.base import CarrierError, IssuedLabel, LabelRequest

logger = logging.getLogger(__name__)
DEFAULT_API_URL = "https://ws.colissimo.fr/sls-ws/SlsServiceWSRest/2.0"
DEFAULT_TIMEOUT = 10.0
DEFAULT_WEIGHT_GRAMS = 1000
PRODUCT = "CORE"  # Colissimo return, France
OUTPUT = "PDF_10x15_300dpi"
# Message ids about the customer's (the sender's) address or postcode.
SENDER_MESSAGES = frozenset({"30109"})


@dataclass(frozen=True)
class Settings:
    contract_number: str
    password: str
    api_url: str = DEFAULT_API_URL
    timeout: float = DEFAULT_TIMEOUT
    letterbox: bool = False  # the contract includes letterbox collection

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        return cls(
            contract_number=str(config.get("COLISSIMO_CONTRACT_NUMBER") or "").strip(),
            password=str(config.get("COLISSIMO_PASSWORD") or ""),
            api_url=str(config.get("COLISSIMO_API_URL") or DEFAULT_API_URL).rstrip("/"),
            timeout=float(config.get("COLISSIMO_TIMEOUT") or DEFAULT_TIMEOUT),
            letterbox=str(config.get("COLISSIMO_LETTERBOX") or "").lower() in ("1", "true", "yes"),
        )


class ColissimoCarrier:
    name = "colissimo"
    display_name = "Colissimo"

    def __init__(self, settings: Settings, *, shop_name: str = "", today: date | None = None):
        if not (settings.contract_number and settings.password):
            raise ValueError("Colissimo needs COLISSIMO_CONTRACT_NUMBER and COLISSIMO_PASSWORD")
        self.settings = settings
        self.shop_name = shop_name
        self._today = today

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ColissimoCarrier:
        return cls(Settings.from_config(config), shop_name=config.get("SHOP_NAME") or "")

    # the interface ---------------------------------------------------------------------------
    def issue_label(self, request: LabelRequest) -> IssuedLabel:
        body = self.label_body(request)
        try:
            response = requests.post(
                f"{self.settings.api_url}/generateLabel",
                json=body,
                headers={"Accept": "*/*"},
                timeout=self.settings.timeout,
            )
        except requests.exceptions.ConnectTimeout as exc:
            raise CarrierError(f"Colissimo is unavailable: {exc}", retryable=True) from exc
        except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as exc:
            if isinstance(exc, requests.exceptions.ConnectionError) and not _sent(exc):
                raise CarrierError(f"Colissimo is unavailable: {exc}", retryable=True) from exc
            raise CarrierError(
                f"Colissimo did not answer the label request ({exc}); it may have made the "
                "label. Check the Colissimo account for this RMA before "
                "`flask labels retry --unblock`: a retry would make a second one.",
                retryable=False,
            ) from exc
        if response.status_code >= 500:
            raise CarrierError(
                f"Colissimo is unavailable (HTTP {response.status_code})", retryable=True
            )
        parts = _parts(response)
        info = parts.get("<jsonInfos>")
        if not isinstance(info, dict):
            info = _json(response.content)
        errors = [
            m for m in (info or {}).get("messages") or [] if str(m.get("type")).upper() == "ERROR"
        ]
        if errors or response.status_code >= 400:
            raise self._rejected(response.status_code, errors)
        number = str(((info or {}).get("labelV2Response") or {}).get("parcelNumber") or "")
        pdf = parts.get("<label>")
        if not number or not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
            raise CarrierError(
                "Colissimo answered without a parcel number or a PDF label", retryable=True
            )
        booked = None
        if request.collection_date is not None:
            booked = self.plan_pickup(number, request)
        return IssuedLabel(
            carrier=self.name,
            tracking_code=number,
            pdf=pdf,
            shipment_id=number,
            collection_booked=booked,
        )

    # letterbox collection ----------------------------------------------------------------------
    def mailbox_picking_dates(self, sender: Any) -> list[date]:
        """The days a Colissimo agent can collect a parcel from `sender`'s letterbox; [] when the
        account does not allow it, the address is not eligible, or the service fails."""
        if not self.settings.letterbox or (sender.country or "FR").upper() != "FR":
            return []
        body = {
            "contractNumber": self.settings.contract_number,
            "password": self.settings.password,
            "sender": _mailbox_address(sender),
        }
        try:
            response = requests.post(
                f"{self.settings.api_url}/getListMailBoxPickingDates",
                json=body,
                timeout=self.settings.timeout,
            )
        except requests.exceptions.RequestException:
            return []
        info = _json(response.content) if response.status_code == 200 else None
        days = []
        for raw in (info or {}).get("mailBoxPickingDates") or []:
            try:  # a date-time as written by the service; its own calendar day is the day
                days.append(date.fromisoformat(str(raw)[:10]))
            except ValueError:
                continue
        return sorted(set(days))

    def plan_pickup(self, parcel_number: str, request: LabelRequest) -> bool:
        """Confirm the letterbox collection of the labelled parcel (planPickup). The label is
        valid either way (a post office takes it too); False when it was not confirmed."""
        body = {
            "contractNumber": self.settings.contract_number,
            "password": self.settings.password,
            "parcelNumber": parcel_number,
            "mailBoxPickingDate": request.collection_date.isoformat(),
            "sender": _mailbox_address(request.sender, request.contact_email)
            | {"lastName": request.sender.name},
        }
        try:
            response = requests.post(
                f"{self.settings.api_url}/planPickup", json=body, timeout=self.settings.timeout
            )
        except requests.exceptions.RequestException as exc:
            logger.warning("Colissimo planPickup for %s failed: %s", parcel_number, exc)
            return False
        info = _json(response.content) or {}
        errors = [m for m in info.get("messages") or [] if str(m.get("type")).upper() == "ERROR"]
        if response.status_code != 200 or errors:
            logger.warning(
                "Colissimo planPickup for %s refused: HTTP %s %s",
                parcel_number,
                response.status_code,
                errors,
            )
            return False
        return True

    def void_label(self, tracking_code: str, shipment_id: str | None) -> None:
        """generateLabel has no cancellation counterpart in the SLS service: nothing to call."""

    # the request -------------------------------------------------------------------------------
    def label_body(self, request: LabelRequest) -> dict[str, Any]:
        grams = request.weight_grams if request.weight_grams > 0 else DEFAULT_WEIGHT_GRAMS
        kilos = (Decimal(grams) / 1000).quantize(Decimal("0.01"), rounding=ROUND_UP)
        sender, recipient = request.sender, request.recipient
        today = self._today or date.today()
        service = {
            "productCode": PRODUCT,
            "depositDate": today.isoformat(),
            "orderNumber": request.rma,
            "commercialName": self.shop_name or recipient.name,
        }
        if request.collection_date is not None:
            service |= {
                "mailBoxPicking": True,
                "mailBoxPickingDate": request.collection_date.isoformat(),
            }
        return {
            "contractNumber": self.settings.contract_number,
            "password": self.settings.password,
            "outputFormat": {"x": 0, "y": 0, "outputPrintingType": OUTPUT},
            "letter": {
                "service": service,
                "parcel": {"weight": float(kilos)},
                "sender": {
                    "senderParcelRef": request.rma,
                    "address": _address(
                        sender, email=request.contact_email, language=request.locale
                    ),
                },
                "addressee": {
                    "addresseeParcelRef": request.rma,
                    "address": _address(recipient, company=self.shop_name),
                },
            },
        }

    def _rejected(self, status: int, errors: list[dict[str, Any]]) -> CarrierError:
        details = (
            "; ".join(
                f"{m.get('id') or ''} {m.get('messageContent') or ''}".strip() for m in errors
            )
            or f"HTTP {status}"
        )
        ids = {str(m.get("id") or "") for m in errors}
        problem = "sender_address" if ids & SENDER_MESSAGES else None
        code = next(iter(sorted(i for i in ids if i)), None)
        return CarrierError(
            f"Colissimo refused the label: {details}", retryable=False, problem=problem, code=code
        )


def _address(
    address: Any, *, company: str = "", email: str = "", language: str = "fr"
) -> dict[str, str]:
    fields = {
        "companyName": company,
        "lastName": address.name,
        "line2": address.line1,
        "line3": getattr(address, "line2", None) or "",
        "countryCode": (address.country or "FR").upper(),
        "city": address.city,
        "zipCode": address.postcode,
        "email": email,
        "language": "FR" if (language or "fr").lower().startswith("fr") else "EN",
    }
    return {key: value for key, value in fields.items() if value}


def _mailbox_address(address: Any, email: str = "") -> dict[str, str]:
    """The sender block of getListMailBoxPickingDates / planPickup (line2 = number and street)."""
    fields = {
        "line2": address.line1,
        "line3": getattr(address, "line2", None) or "",
        "city": address.city,
        "zipCode": address.postcode,
        "countryCode": "FR",
        "email": email,
    }
    return {key: value for key, value in fields.items() if value}


def _parts(response: requests.Response) -> dict[str, Any]:
    """The multipart answer's parts by Content-ID: JSON decoded, the rest as bytes."""
    if "multipart" not in response.headers.get("Content-Type", ""):
        return {}
    try:
        decoder = MultipartDecoder.from_response(response)
    except (ImproperBodyPartContentException, NonMultipartContentTypeException, ValueError):
        return {}
    parts: dict[str, Any] = {}
    for part in decoder.parts:
        content_id = part.headers.get(b"Content-ID", b"").decode("ascii", "replace").strip()
        content_type = part.headers.get(b"Content-Type", b"").decode("ascii", "replace")
        parts[content_id] = _json(part.content) if "json" in content_type else part.content
    return parts


def _json(data: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _sent(exc: requests.exceptions.ConnectionError) -> bool:
    """A dropped connection after sending (the label may exist), not a refused one."""
    text = str(exc)
    return "aborted" in text or "RemoteDisconnected" in text

"""Mondial Relay carrier: a return expedition through WSI2_CreationEtiquette.

The customer drops the parcel at a relay point or locker (`ModeCol=REL`: at the point they chose,
`COL_Rel=<its number>`, or at any point, `COL_Rel=AUTO`); Mondial Relay delivers it to the shop
(`ModeLiv=LCC`). The customer is the sender, the warehouse the recipient, our RMA the file number
(`NDossier`). The label is the 10x15 PDF behind the URL the service returns.

Never two expeditions for one return: the service has no idempotency key and no way to find an
expedition by our reference, so an attempt whose outcome is unknown (a timeout or a connection
dropped after sending) is not retried by itself: it is blocked for staff to check the Mondial
Relay account first (docs/carriers.md). An expedition that exists but whose PDF could not be
fetched keeps its number (`CarrierError.shipment_id`); the retry asks WSI3_GetEtiquettes for its
label instead of creating another. No Flask in here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

import requests

from portal.carriers.base import CarrierError, IssuedLabel, LabelRequest
from portal.carriers.mondial_relay_client import (
    POINT_STATS,
    SENDER_STATS,
    SERVICE_STATS,
    Client,
    Settings,
    SoapFailure,
    stat_of,
    stat_text,
)

log = logging.getLogger(__name__)

DEFAULT_WEIGHT_GRAMS = 1000  # when the items have no weight: better a label than none
ANY_POINT = "AUTO"
NAME = "mondial_relay"
DISPLAY_NAME = "Mondial Relay"


class MondialRelayCarrier:
    name = NAME
    display_name = DISPLAY_NAME

    def __init__(self, settings: Settings, *, shop_name: str = "") -> None:
        self.settings = settings
        self.shop_name = shop_name
        self._client = Client(settings)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MondialRelayCarrier:
        return cls(Settings.from_config(config), shop_name=config.get("SHOP_NAME") or "")

    # the interface ---------------------------------------------------------------------------
    def issue_label(self, request: LabelRequest) -> IssuedLabel:
        if request.previous_shipment_id:
            url = self._existing_label_url(request.previous_shipment_id)
            if url:
                return self._issued(request.previous_shipment_id, url)
        params = self.expedition_params(request)
        try:
            result = self._client.call("WSI2_CreationEtiquette", params)
        except SoapFailure as exc:
            raise self._unanswered(exc) from exc
        stat = stat_of(result)
        if stat != 0:
            raise self._rejected(stat)
        number = str(result.get("ExpeditionNum") or "").strip()
        url = str(result.get("URL_Etiquette") or "").strip()
        if not number:
            raise CarrierError(
                "Mondial Relay answered STAT 0 without an expedition number", retryable=True
            )
        if not url:
            raise CarrierError(
                f"Mondial Relay expedition {number} came without a label URL",
                retryable=True,
                shipment_id=number,
            )
        return self._issued(number, url)

    def void_label(self, tracking_code: str, shipment_id: str | None) -> None:
        """The web service has no operation to cancel an expedition: the label simply stops
        being ours (the return's label is void), and a parcel never dropped off goes nowhere."""
        log.info("Mondial Relay expedition %s voided on our side only", tracking_code)

    # the steps ---------------------------------------------------------------------------------
    def expedition_params(self, request: LabelRequest) -> dict[str, str]:
        """WSI2_CreationEtiquette's parameters for a return (Security is added by the client)."""
        grams = request.weight_grams if request.weight_grams > 0 else DEFAULT_WEIGHT_GRAMS
        sender, recipient = request.sender, request.recipient
        point = request.relay_point_code or ANY_POINT
        params = {
            "ModeCol": "REL",
            "ModeLiv": "LCC",
            "NDossier": request.rma,
            "Expe_Langage": "FR",
            "Expe_Ad1": sender.name,
            "Expe_Ad3": sender.line1,
            "Expe_Ad4": sender.line2 or "",
            "Expe_Ville": sender.city,
            "Expe_CP": sender.postcode,
            "Expe_Pays": (sender.country or "FR").upper(),
            "Expe_Tel1": self.settings.phone,
            "Expe_Mail": request.contact_email,
            "Dest_Langage": "FR",
            "Dest_Ad1": recipient.name,
            "Dest_Ad2": self.shop_name if self.shop_name != recipient.name else "",
            "Dest_Ad3": recipient.line1,
            "Dest_Ad4": recipient.line2 or "",
            "Dest_Ville": recipient.city,
            "Dest_CP": recipient.postcode,
            "Dest_Pays": (recipient.country or "FR").upper(),
            "Poids": str(grams),
            "NbColis": "1",
            "CRT_Valeur": "0",
            "CRT_Devise": "EUR",
            "Exp_Devise": "EUR",
            "COL_Rel_Pays": (request.relay_point_country or "FR").upper(),
            "COL_Rel": point,
        }
        return {key: value for key, value in params.items() if value}

    def label_url(self, returned: str) -> str:
        """The 10x15 PDF: the URL the service returns is relative and asks for A4."""
        url = urljoin(self.settings.label_base + "/", returned.lstrip("/"))
        if "format=A4" in url:
            return url.replace("format=A4", "format=10x15")
        separator = "&" if "?" in url else "?"
        return url if "format=" in url else f"{url}{separator}format=10x15"

    def _existing_label_url(self, number: str) -> str | None:
        """The label of an expedition created earlier (WSI3_GetEtiquettes), or None."""
        try:
            result = self._client.call(
                "WSI3_GetEtiquettes", {"Expeditions": number, "Langue": "FR"}
            )
        except SoapFailure as exc:
            raise CarrierError(
                f"Mondial Relay could not look up expedition {number}: {exc}",
                retryable=True,
                shipment_id=number,
            ) from exc
        stat = stat_of(result)
        if stat == 0 and result.get("URL_PDF_10x15"):
            return str(result["URL_PDF_10x15"])
        if stat in SERVICE_STATS:
            raise CarrierError(
                f"Mondial Relay could not look up expedition {number}: STAT {stat} "
                f"({stat_text(stat)})",
                retryable=True,
                shipment_id=number,
            )
        log.warning("Mondial Relay expedition %s has no label (STAT %s): new one", number, stat)
        return None

    def _issued(self, number: str, returned_url: str) -> IssuedLabel:
        url = returned_url if "format=10x15" in returned_url else self.label_url(returned_url)
        if url.startswith("/"):
            url = urljoin(self.settings.label_base + "/", url.lstrip("/"))
        try:
            response = requests.get(url, timeout=self.settings.timeout)
            response.raise_for_status()
        except requests.RequestException as exc:
            raise CarrierError(
                f"Mondial Relay: could not download the label of expedition {number}: {exc}",
                retryable=True,
                shipment_id=number,
            ) from exc
        if not response.content.startswith(b"%PDF-"):
            raise CarrierError(
                f"Mondial Relay: the label of expedition {number} is not a PDF",
                retryable=True,
                shipment_id=number,
            )
        return IssuedLabel(
            carrier=self.name, tracking_code=number, pdf=response.content, shipment_id=number
        )

    # errors ------------------------------------------------------------------------------------
    def _unanswered(self, exc: SoapFailure) -> CarrierError:
        if exc.maybe_processed:
            return CarrierError(
                f"Mondial Relay did not answer the expedition request ({exc}); it may have "
                "created the expedition. Check the Mondial Relay account for this RMA before "
                "`flask labels retry --unblock`: the service cannot tell us, and a retry would "
                "create a second one.",
                retryable=False,
            )
        return CarrierError(f"Mondial Relay is unavailable: {exc}", retryable=True)

    def _rejected(self, stat: int | None) -> CarrierError:
        where = f"Mondial Relay refused the expedition: STAT {stat} ({stat_text(stat or -1)})"
        if stat is None:
            return CarrierError("Mondial Relay answered without a STAT code", retryable=True)
        if stat in SERVICE_STATS:
            return CarrierError(where, retryable=True, code=str(stat))
        if stat in SENDER_STATS:
            return CarrierError(where, retryable=False, problem="sender_address", code=str(stat))
        if stat in POINT_STATS:
            return CarrierError(where, retryable=False, problem="relay_point", code=str(stat))
        if stat in (1, 2, 3, 8, 95, 96, 97):
            message = f"{where}: check MONDIAL_RELAY_ENSEIGNE and MONDIAL_RELAY_PRIVATE_KEY"
            return CarrierError(message, retryable=False, code=str(stat))
        return CarrierError(where, retryable=False, code=str(stat))

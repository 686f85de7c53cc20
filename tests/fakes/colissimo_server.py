"""A fake Colissimo SLS web service (REST) and La Poste tracking API on loopback.

It follows the recorded real exchanges (docs/carriers.md):

    POST /sls-ws/SlsServiceWSRest/2.0/generateLabel   JSON body          -> "label"
         200 multipart/related; type="application/json"; boundary="uuid:…"; start="<jsonInfos>"
             part <jsonInfos>: {"messages": [{"id": "0", "type": "INFOS", …}],
                                "labelV2Response": {"parcelNumber": …, …}}
             part <label>: application/octet-stream, the PDF
         400 application/json {"messages": [{"id": …, "type": "ERROR", "messageContent": …}]}
    POST /sls-ws/SlsServiceWSRest/2.0/getListMailBoxPickingDates  {contractNumber, password,
         sender{line0-3, city, zipCode, countryCode}}                    -> "picking_dates"
         200 {"messages", "mailBoxPickingDateMaxHour", "mailBoxPickingDates": [date-time…],
              "validityTime"}   (no dates: the address is not eligible)
    POST /sls-ws/SlsServiceWSRest/2.0/planPickup  {contractNumber, password, parcelNumber,
         mailBoxPickingDate, sender{…}}                                  -> "pickup"
         200 {"messages": [...]}
    GET  /suivi/v2/idships/<number>   X-Okapi-Key                       -> "tracking"
         200 {"lang", "scope", "returnCode": 200, "shipment": {"idShip", "event": [...]}}

The letterbox operations follow the SLS OpenAPI document (docs/carriers.md, "Letterbox").
The HTTP plumbing is tests/fakes/loopback.py's. Failures are scripted per endpoint with
`fail(endpoint, mode)`: "slow", "drop", "drop_after", "500", "503", or "error:<id>:<message>"
(a 400 with that ERROR message, without processing).
"""

from __future__ import annotations

import io
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from reportlab.pdfgen import canvas

from tests.fakes.loopback import LoopbackFake, Request

ENDPOINTS = ("label", "tracking", "picking_dates", "pickup")
SLS = "/sls-ws/SlsServiceWSRest/2.0"
LABEL_PATH = f"{SLS}/generateLabel"
TRACKING_PREFIX = "/suivi/v2/idships/"
JSON = "application/json;charset=UTF-8"
# What getListMailBoxPickingDates proposes by default (its items are "date-time" strings).
MAILBOX_DATES = ("2026-12-03T00:00:00.000+01:00", "2026-12-04T00:00:00.000+01:00")
SUCCESS = "La requête a été traitée avec succès"


@dataclass(frozen=True)
class Parcel:
    number: str
    body: dict[str, Any]


@dataclass(frozen=True)
class Pickup:
    parcel_number: str
    date: str
    body: dict[str, Any]


def _errors(message_id: str, text: str) -> dict[str, Any]:
    return {
        "messages": [
            {"id": message_id, "type": "ERROR", "messageContent": text, "replacementValues": []}
        ]
    }


def render_label_pdf(number: str) -> bytes:
    """A real PDF, 10x15 cm (283.46 x 425.2 pt as in the recorded label), with the number."""
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(283.46, 425.2))
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(20, 390, "Colissimo Retour")
    pdf.setFont("Helvetica", 12)
    pdf.drawString(20, 360, number)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


class FakeColissimo(LoopbackFake):
    name = "colissimo"
    routes = (
        ("POST", re.compile(re.escape(LABEL_PATH) + "$"), "label"),
        ("POST", re.compile(re.escape(f"{SLS}/getListMailBoxPickingDates") + "$"), "picking_dates"),
        ("POST", re.compile(re.escape(f"{SLS}/planPickup") + "$"), "pickup"),
        ("GET", re.compile(re.escape(TRACKING_PREFIX) + "(?P<number>[^/]+)$"), "tracking"),
    )

    def __init__(
        self,
        *,
        contract_number: str = "800000",
        password: str = "test-pass",
        okapi_key: str = "okapi-test-key",
        slow_seconds: float = 2.5,
    ) -> None:
        super().__init__(slow_seconds=slow_seconds)
        self.contract_number = contract_number
        self.password = password
        self.okapi_key = okapi_key
        self.events: dict[str, list[dict[str, str]]] = {}
        self.mailbox_dates: list[str] = list(MAILBOX_DATES)
        self.no_mailbox_for: set[str] = set()  # postcodes not eligible for letterbox collection
        self._parcels: list[Parcel] = []
        self._pickups: list[Pickup] = []
        self._bodies: list[tuple[str, dict[str, Any]]] = []
        self._next = 34929818514

    # the loopback server's hooks ------------------------------------------------------------
    def not_found(self) -> tuple[int, bytes, dict]:
        return 404, b"", {"Content-Type": "text/plain"}

    def server_error(self, status: int) -> tuple[int, bytes, dict]:
        return status, b"<html><body>Error</body></html>", {"Content-Type": "text/html"}

    def accepts(self, mode: str) -> bool:
        return mode.startswith("error:") and mode.count(":") >= 2

    def scripted(self, endpoint: str, mode: str, request: Request) -> tuple[int, dict, dict]:
        _, message_id, text = mode.split(":", 2)
        return 400, _errors(message_id, text), {"Content-Type": JSON}

    def handle(self, endpoint: str, match: re.Match, request: Request):
        if endpoint == "tracking":
            return self._tracking(match["number"], request)
        try:
            body = json.loads(request.raw)
        except ValueError:
            # 422: "The JSON input to the service is badly formatted" (the SLS OpenAPI)
            return 422, _errors("", "JSON mal formaté"), {"Content-Type": JSON}
        self._bodies.append((endpoint, body))
        if body.get("contractNumber") != self.contract_number or body.get("password") != (
            self.password
        ):
            return (  # 403: "Token KO or Unauthorized access" (the SLS OpenAPI)
                403,
                _errors("", "Identifiant ou mot de passe incorrect"),
                {"Content-Type": JSON},
            )
        if endpoint == "picking_dates":
            return self._picking_dates(body)
        if endpoint == "pickup":
            return self._pickup(body)
        return self._label(body)

    # scripting and inspection ---------------------------------------------------------------
    def config(self, **extra: Any) -> dict[str, Any]:
        return {
            "COLISSIMO_CONTRACT_NUMBER": self.contract_number,
            "COLISSIMO_PASSWORD": self.password,
            "COLISSIMO_API_URL": f"{self.base_url}/sls-ws/SlsServiceWSRest/2.0",
            "COLISSIMO_TIMEOUT": 1,
            "LAPOSTE_TRACKING_API_KEY": self.okapi_key,
            "LAPOSTE_TRACKING_API_URL": f"{self.base_url}/suivi/v2/idships",
        } | extra

    def event(self, number: str, code: str, label: str, date: str) -> None:
        """Add a tracking event (oldest first); the API lists them newest first."""
        with self.lock:
            self.events.setdefault(number, []).append({"code": code, "label": label, "date": date})

    @property
    def parcels(self) -> list[Parcel]:
        with self.lock:
            return list(self._parcels)

    @property
    def pickups(self) -> list[Pickup]:
        with self.lock:
            return list(self._pickups)

    def bodies(self, endpoint: str) -> list[dict[str, Any]]:
        """The JSON bodies the endpoint received, in order."""
        with self.lock:
            return [body for name, body in self._bodies if name == endpoint]

    # the endpoints --------------------------------------------------------------------------
    def _tracking(self, number: str, request: Request) -> tuple[int, dict, dict]:
        if request.headers.get("X-Okapi-Key") != self.okapi_key:
            return 401, {"code": "UNAUTHORIZED"}, {}
        events = self.events.get(number)
        if events is None:
            return 404, {"lang": "fr_FR", "returnCode": 404, "idShip": number}, {}
        shipment = {"idShip": number, "product": "colissimo", "event": list(reversed(events))}
        return 200, {"lang": "fr_FR", "scope": "open", "returnCode": 200, "shipment": shipment}, {}

    def _picking_dates(self, body: dict[str, Any]) -> tuple[int, dict, dict]:
        sender = body.get("sender") or {}
        zipcode = str(sender.get("zipCode") or "")
        eligible = zipcode not in self.no_mailbox_for and sender.get("countryCode", "FR") == "FR"
        answer = {
            "messages": [
                {"id": "0", "type": "INFOS", "messageContent": SUCCESS, "replacementValues": []}
            ],
            "mailBoxPickingDateMaxHour": "08:00" if eligible else None,
            "mailBoxPickingDates": list(self.mailbox_dates) if eligible else [],
            "validityTime": "30" if eligible else None,
        }
        return 200, answer, {"Content-Type": JSON}

    def _pickup(self, body: dict[str, Any]) -> tuple[int, dict, dict]:
        number = str(body.get("parcelNumber") or "")
        when = str(body.get("mailBoxPickingDate") or "")
        # The fake's own refusals (no published id for them: the id is left empty).
        if not any(p.number == number for p in self._parcels):
            return 400, _errors("", "colis inconnu"), {"Content-Type": JSON}
        if not when or not ((body.get("sender") or {}).get("zipCode")):
            return (
                400,
                _errors("", "mailBoxPickingDate et sender.zipCode sont obligatoires"),
                {"Content-Type": JSON},
            )
        self._pickups.append(Pickup(number, when, body))
        ok = {"messages": [{"id": "0", "type": "INFOS", "messageContent": SUCCESS}]}
        return 200, ok, {"Content-Type": JSON}

    def _label(self, body: dict[str, Any]) -> tuple[int, Any, dict]:
        def error(message_id: str, text: str) -> tuple[int, dict, dict]:
            return 400, _errors(message_id, text), {"Content-Type": JSON}

        letter = body.get("letter") or {}
        service = letter.get("service") or {}
        if service.get("productCode") not in ("CORE", "DOM", "DOS", "COL"):
            return error("", "Le code produit est incorrect")
        sender = ((letter.get("sender") or {}).get("address")) or {}
        zipcode = str(sender.get("zipCode") or "")
        if sender.get("countryCode") == "FR" and not (len(zipcode) == 5 and zipcode.isdigit()):
            return error(
                "30109", "Le pays ou code postal expéditeur ne permet pas d’effectuer un envoi"
            )
        if not (letter.get("parcel") or {}).get("weight"):
            return error("", "Le poids du colis est incorrect")
        number = f"8R{self._next}"
        self._next += 1
        self._parcels.append(Parcel(number, body))
        boundary = f"uuid:{uuid.uuid4()}"
        info = {
            "messages": [
                {"id": "0", "type": "INFOS", "messageContent": SUCCESS, "replacementValues": []}
            ],
            "labelXmlV2Reponse": None,
            "labelV2Response": {
                "parcelNumber": number,
                "parcelNumberPartner": None,
                "pdfUrl": None,
                "fields": None,
            },
        }
        pdf = render_label_pdf(number)
        payload = (
            f"\r\n--{boundary}\r\nContent-Type: application/json;charset=UTF-8\r\n"
            "Content-Transfer-Encoding: binary\r\nContent-ID: <jsonInfos>\r\n\r\n"
        ).encode() + json.dumps(info, ensure_ascii=False).encode()
        payload += (
            f"\r\n--{boundary}\r\nContent-Type: application/octet-stream\r\n"
            "Content-Transfer-Encoding: binary\r\nContent-ID: <label>\r\n\r\n"
        ).encode() + pdf
        payload += f"\r\n--{boundary}--".encode()
        content_type = (
            f'multipart/related; type="application/json"; boundary="{boundary}"; '
            'start="<jsonInfos>"'
        )
        return 200, payload, {"Content-Type": content_type}

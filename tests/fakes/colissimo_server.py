"""A fake Colissimo SLS web service (REST) and La Poste tracking API on loopback.

It follows the recorded real exchanges (docs/carriers.md):

    POST /sls-ws/SlsServiceWSRest/2.0/generateLabel   JSON body          -> "label"
         200 multipart/related; type="application/json"; boundary="uuid:…"; start="<jsonInfos>"
             part <jsonInfos>: {"messages": [{"id": "0", "type": "INFOS", …}],
                                "labelV2Response": {"parcelNumber": …, …}}
             part <label>: application/octet-stream, the PDF
         400 application/json {"messages": [{"id": …, "type": "ERROR", "messageContent": …}]}
    GET  /suivi/v2/idships/<number>   X-Okapi-Key                       -> "tracking"
         200 {"lang", "scope", "returnCode": 200, "shipment": {"idShip", "event": [...]}}

Failures are scripted per endpoint with `fail(endpoint, mode)`: "slow", "drop", "drop_after",
"500", "503", or "error:<id>:<message>" (a 400 with that ERROR message, without processing).
"""

from __future__ import annotations

import io
import json
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from reportlab.pdfgen import canvas

ENDPOINTS = ("label", "tracking")
LABEL_PATH = "/sls-ws/SlsServiceWSRest/2.0/generateLabel"
TRACKING_PREFIX = "/suivi/v2/idships/"
SUCCESS = "La requête a été traitée avec succès"


@dataclass(frozen=True)
class Parcel:
    number: str
    body: dict[str, Any]


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


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_POST(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if urlsplit(self.path).path != LABEL_PATH:
            self._send(404, b"", "text/plain")
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._error(400, "30000", "Requête invalide")
            return
        fake._log("label", body)
        mode = fake._take_failure("label")
        if self._failed(mode):
            return
        status, payload, content_type = fake._label(body)
        if mode == "drop_after":
            return
        if mode == "slow":
            fake._stopping.wait(fake.slow_seconds)
        self._send(status, payload, content_type)

    def do_GET(self) -> None:
        fake = self.server.fake
        path = urlsplit(self.path).path
        if not path.startswith(TRACKING_PREFIX):
            self._send(404, b"", "text/plain")
            return
        number = path[len(TRACKING_PREFIX) :]
        fake._log("tracking", {"number": number})
        if self.headers.get("X-Okapi-Key") != fake.okapi_key:
            self._send(401, json.dumps({"code": "UNAUTHORIZED"}).encode(), "application/json")
            return
        mode = fake._take_failure("tracking")
        if self._failed(mode):
            return
        events = fake.events.get(number)
        if events is None:
            body = {"lang": "fr_FR", "returnCode": 404, "idShip": number}
            self._send(404, json.dumps(body).encode(), "application/json")
            return
        shipment = {"idShip": number, "product": "colissimo", "event": list(reversed(events))}
        body = {"lang": "fr_FR", "scope": "open", "returnCode": 200, "shipment": shipment}
        self._send(200, json.dumps(body).encode(), "application/json")

    def _failed(self, mode: str | None) -> bool:
        if mode == "drop":
            return True
        if mode in ("500", "503"):
            self._send(int(mode), b"<html><body>Error</body></html>", "text/html")
            return True
        if mode and mode.startswith("error:"):
            _, message_id, text = mode.split(":", 2)
            self._error(400, message_id, text)
            return True
        return False

    def _error(self, status: int, message_id: str, text: str) -> None:
        body = {
            "messages": [
                {"id": message_id, "type": "ERROR", "messageContent": text, "replacementValues": []}
            ]
        }
        self._send(status, json.dumps(body).encode(), "application/json;charset=UTF-8")

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeColissimo


class FakeColissimo:
    def __init__(
        self,
        *,
        contract_number: str = "800000",
        password: str = "test-pass",
        okapi_key: str = "okapi-test-key",
        slow_seconds: float = 2.5,
    ) -> None:
        self.contract_number = contract_number
        self.password = password
        self.okapi_key = okapi_key
        self.slow_seconds = slow_seconds
        self.events: dict[str, list[dict[str, str]]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._failures: dict[str, list[str]] = {}
        self._parcels: list[Parcel] = []
        self._requests: list[tuple[str, dict[str, Any]]] = []
        self._next = 34929818514
        self._httpd: _Server | None = None

    def start(self) -> FakeColissimo:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fake-colissimo",
            daemon=True,
        ).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeColissimo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the fake Colissimo server is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def config(self, **extra: Any) -> dict[str, Any]:
        return {
            "COLISSIMO_CONTRACT_NUMBER": self.contract_number,
            "COLISSIMO_PASSWORD": self.password,
            "COLISSIMO_API_URL": f"{self.base_url}/sls-ws/SlsServiceWSRest/2.0",
            "COLISSIMO_TIMEOUT": 1,
            "LAPOSTE_TRACKING_API_KEY": self.okapi_key,
            "LAPOSTE_TRACKING_API_URL": f"{self.base_url}/suivi/v2/idships",
        } | extra

    def fail(self, endpoint: str, mode: str, times: int = 1) -> None:
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}")
        with self._lock:
            self._failures.setdefault(endpoint, []).extend([mode] * times)

    def event(self, number: str, code: str, label: str, date: str) -> None:
        """Add a tracking event (oldest first); the API lists them newest first."""
        with self._lock:
            self.events.setdefault(number, []).append({"code": code, "label": label, "date": date})

    @property
    def parcels(self) -> list[Parcel]:
        with self._lock:
            return list(self._parcels)

    def count(self, endpoint: str) -> int:
        with self._lock:
            return sum(1 for name, _ in self._requests if name == endpoint)

    def _log(self, endpoint: str, body: dict[str, Any]) -> None:
        with self._lock:
            self._requests.append((endpoint, body))

    def _take_failure(self, endpoint: str) -> str | None:
        with self._lock:
            queue = self._failures.get(endpoint)
            return queue.pop(0) if queue else None

    def _label(self, body: dict[str, Any]) -> tuple[int, bytes, str]:
        def error(message_id: str, text: str) -> tuple[int, bytes, str]:
            payload = {
                "messages": [
                    {"id": message_id, "type": "ERROR", "messageContent": text,
                     "replacementValues": []}
                ]
            }  # fmt: skip
            return 400, json.dumps(payload).encode(), "application/json;charset=UTF-8"

        if body.get("contractNumber") != self.contract_number or body.get("password") != (
            self.password
        ):
            return error("30000", "Identifiant ou mot de passe incorrect")
        letter = body.get("letter") or {}
        service = letter.get("service") or {}
        if service.get("productCode") not in ("CORE", "DOM", "DOS", "COL"):
            return error("30100", "Le code produit est incorrect")
        sender = ((letter.get("sender") or {}).get("address")) or {}
        zipcode = str(sender.get("zipCode") or "")
        if sender.get("countryCode") == "FR" and not (len(zipcode) == 5 and zipcode.isdigit()):
            return error(
                "30109", "Le pays ou code postal expéditeur ne permet pas d’effectuer un envoi"
            )
        if not (letter.get("parcel") or {}).get("weight"):
            return error("30500", "Le poids du colis est incorrect")
        with self._lock:
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
        return 200, payload, content_type

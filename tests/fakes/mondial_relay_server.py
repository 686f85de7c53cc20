"""A fake Mondial Relay web service (SOAP 1.1, Web_Services.asmx) on loopback, for zeep.

It follows the published contract (docs/carriers.md): the request and response elements, their
namespace and order are those of api.mondialrelay.com/Web_Services.asmx?WSDL; each request's
`Security` is checked the way Mondial Relay documents it (upper-case MD5 of the non-empty
parameters in WSDL order, then the private key) against its own copy of the WSDL order, so a
client that signs wrongly gets STAT 97 as it would from the real service. Responses are shaped
like the recorded real ones (relative URL_Etiquette asking for format=A4, comma decimals in
Latitude/Longitude, Distance in metres, four HHMM strings per day, "LOCKER" in Information).

    POST /Web_Services.asmx   SOAPAction .../WSI2_CreationEtiquette      -> "creation"
                                         .../WSI3_GetEtiquettes          -> "labels"
                                         .../WSI4_PointRelais_Recherche  -> "search"
                                         .../WSI2_TracingColisDetaille   -> "tracing"
    GET  /ww2/PDF/StickerMaker2.aspx?ens=..&expedition=..&format=..     -> "label_pdf"

The HTTP plumbing is tests/fakes/loopback.py's (the SOAP operation is the endpoint, named from
the SOAPAction header). Failures are scripted per endpoint for the next N requests with
`fail(endpoint, mode)`:
    "slow"        process, then wait `slow_seconds` before answering (created, but timed out)
    "drop"        close the connection without an answer, without processing
    "drop_after"  process, then close the connection without an answer
    "500"         a SOAP fault with HTTP 500 (as ASP.NET answers an exception); "503" plain 503
    "stat:NN"     answer STAT NN (one of Mondial Relay's codes) without processing
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree
from reportlab.pdfgen import canvas

from tests.fakes.loopback import LoopbackFake, Request

NS = "http://www.mondialrelay.fr/webservice/"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XML = "text/xml; charset=utf-8"
ENDPOINTS = ("creation", "labels", "search", "tracing", "label_pdf")
OPERATIONS = {
    "WSI2_CreationEtiquette": "creation",
    "WSI3_GetEtiquettes": "labels",
    "WSI4_PointRelais_Recherche": "search",
    "WSI2_TracingColisDetaille": "tracing",
}
# The request elements in the published WSDL's order (Security excluded: it is the signature).
ORDER = {
    "WSI2_CreationEtiquette": [
        "Enseigne",
        "ModeCol",
        "ModeLiv",
        "NDossier",
        "NClient",
        "Expe_Langage",
        "Expe_Ad1",
        "Expe_Ad2",
        "Expe_Ad3",
        "Expe_Ad4",
        "Expe_Ville",
        "Expe_CP",
        "Expe_Pays",
        "Expe_Tel1",
        "Expe_Tel2",
        "Expe_Mail",
        "Dest_Langage",
        "Dest_Ad1",
        "Dest_Ad2",
        "Dest_Ad3",
        "Dest_Ad4",
        "Dest_Ville",
        "Dest_CP",
        "Dest_Pays",
        "Dest_Tel1",
        "Dest_Tel2",
        "Dest_Mail",
        "Poids",
        "Longueur",
        "Taille",
        "NbColis",
        "CRT_Valeur",
        "CRT_Devise",
        "Exp_Valeur",
        "Exp_Devise",
        "COL_Rel_Pays",
        "COL_Rel",
        "LIV_Rel_Pays",
        "LIV_Rel",
        "TAvisage",
        "TReprise",
        "Montage",
        "TRDV",
        "Assurance",
        "Instructions",
        "Texte",
    ],
    "WSI3_GetEtiquettes": ["Enseigne", "Expeditions", "Langue"],
    "WSI4_PointRelais_Recherche": [
        "Enseigne",
        "Pays",
        "NumPointRelais",
        "Ville",
        "CP",
        "Latitude",
        "Longitude",
        "Taille",
        "Poids",
        "Action",
        "DelaiEnvoi",
        "RayonRecherche",
        "TypeActivite",
        "NACE",
        "NombreResultats",
    ],
    "WSI2_TracingColisDetaille": ["Enseigne", "Expedition", "Langue"],
}
DAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
RESULT = {
    "WSI2_CreationEtiquette": "WSI2_CreationEtiquetteResult",
    "WSI3_GetEtiquettes": "WSI3_GetEtiquettesResult",
    "WSI4_PointRelais_Recherche": "WSI4_PointRelais_RechercheResult",
    "WSI2_TracingColisDetaille": "WSI2_TracingColisDetailleResult",
}


@dataclass
class FakePoint:
    num: str
    name: str
    street: str
    postcode: str
    city: str
    latitude: float
    longitude: float
    locker: bool = False
    # Mondial Relay's shape: per day four HHMM strings (two slots), "0000" for none.
    hours: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    country: str = "FR"


def _week(*slots: str, sunday: tuple[str, ...] = ("0000",) * 4) -> dict[str, tuple]:
    week = {day: tuple(slots) for day in DAYS[:6]}
    week["Dimanche"] = tuple(sunday)
    return week  # type: ignore[return-value]


# Around Paris 11e (75011), the project's postcode table puts it at 48.8594, 2.3787.
DEFAULT_POINTS: tuple[FakePoint, ...] = (
    FakePoint(
        "020811",
        "TABAC DE LA ROQUETTE",
        "61 RUE DE LA ROQUETTE",
        "75011",
        "PARIS",
        48.8557,
        2.3752,
        hours=_week("0900", "1230", "1400", "1900"),
    ),
    FakePoint(
        "031384",
        "LOCKER 24/7 MONOPRIX VOLTAIRE",
        "98 BOULEVARD VOLTAIRE",
        "75011",
        "PARIS",
        48.8610,
        2.3800,
        locker=True,
        hours=_week("0001", "2359", "0000", "0000", sunday=("0001", "2359", "0000", "0000")),
    ),
    FakePoint(
        "024313",
        "PRESSING OBERKAMPF",
        "12 RUE OBERKAMPF",
        "75011",
        "PARIS",
        48.8650,
        2.3720,
        hours=_week("0930", "2000", "0000", "0000"),
    ),
)


@dataclass(frozen=True)
class Expedition:
    number: str
    params: dict[str, str]


@dataclass(frozen=True)
class Scan:
    label: str
    date: str  # dd/mm/yy, as the service writes it
    time: str  # HH:MM
    place: str = ""
    relay_num: str = ""
    relay_country: str = ""


def security(operation: str, params: dict[str, str], private_key: str) -> str:
    values = [params.get(name, "") for name in ORDER[operation]]
    joined = "".join(v for v in values if v) + private_key
    return hashlib.md5(joined.encode("iso-8859-1", "replace")).hexdigest().upper()


def render_label_pdf(number: str, fmt: str) -> bytes:
    """A small but real PDF: 10x15 cm (A6-like) or A4, with the expedition number as text."""
    size = (283.46, 425.2) if fmt == "10x15" else (595.28, 841.89)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=size)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(20, size[1] - 40, "Mondial Relay")
    pdf.setFont("Helvetica", 12)
    pdf.drawString(20, size[1] - 70, number)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _envelope(inner: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>{inner}</soap:Body>'
        "</soap:Envelope>"
    ).encode()


def _result(operation: str, body: str) -> bytes:
    result = RESULT[operation]
    return _envelope(
        f'<{operation}Response xmlns="{NS}"><{result}>{body}</{result}></{operation}Response>'
    )


def _tag(name: str, value: Any) -> str:
    text = "" if value is None else str(value)
    return f"<{name}>{escape(text)}</{name}>" if text else f"<{name} />"


def _fault(message: str) -> tuple[int, bytes, dict[str, str]]:
    body = _envelope(
        "<soap:Fault><faultcode>soap:Server</faultcode>"
        f"<faultstring>{escape(message)}</faultstring><detail /></soap:Fault>"
    )
    return 500, body, {"Content-Type": XML}


def _params(raw: bytes, operation: str) -> dict[str, str]:
    try:
        root = etree.fromstring(raw)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"malformed XML: {exc}") from exc
    body = root.find(f"{{{SOAP_ENV}}}Body")
    call = body.find(f"{{{NS}}}{operation}") if body is not None else None
    if call is None:
        raise ValueError(f"no {operation} element in the SOAP body")
    order = [*ORDER[operation], "Security"]
    params: dict[str, str] = {}
    position = -1
    for child in call:
        name = etree.QName(child).localname
        if etree.QName(child).namespace != NS or name not in order:
            raise ValueError(f"unexpected element {child.tag}")
        if order.index(name) < position:
            raise ValueError(f"element {name} out of the WSDL's order")
        position = order.index(name)
        params[name] = (child.text or "").strip()
    return params


class FakeMondialRelay(LoopbackFake):
    """`with FakeMondialRelay() as fake:`; point MONDIAL_RELAY_API_URL at `fake.api_url` and
    MONDIAL_RELAY_LABEL_BASE at `fake.base_url`."""

    name = "mondial-relay"
    routes = (
        ("POST", re.compile(r"/Web_Services\.asmx$"), "soap"),
        ("GET", re.compile(r"/ww2/PDF/StickerMaker2\.aspx$"), "label_pdf"),
    )
    endpoints = ENDPOINTS

    def __init__(
        self,
        *,
        enseigne: str = "BDTEST13",
        private_key: str = "TestAPI1key",
        slow_seconds: float = 2.5,
        points: tuple[FakePoint, ...] = DEFAULT_POINTS,
    ) -> None:
        super().__init__(slow_seconds=slow_seconds)
        self.enseigne = enseigne
        self.private_key = private_key
        self.points = list(points)
        self._lock = self.lock
        self._expeditions: dict[str, Expedition] = {}
        self._scans: dict[str, tuple[int, list[Scan]]] = {}
        self._calls: list[tuple[str, dict[str, str]]] = []
        self._formats: list[str] = []
        self._next = 50554860

    # the loopback server's hooks -------------------------------------------------------------
    def refine(self, endpoint: str, request: Request) -> str | None:
        """A SOAP call's endpoint from its SOAPAction; its parameters checked and kept."""
        if endpoint == "label_pdf":
            self._calls.append(("label_pdf", {}))
            return endpoint
        action = (request.headers.get("SOAPAction") or "").strip('"')
        operation = action.rsplit("/", 1)[-1]
        if operation not in OPERATIONS or action != f"{NS}{operation}":
            request.problem = (
                f"Server did not recognize the value of HTTP Header SOAPAction: {action}."
            )
            return None
        try:
            request.params = _params(request.raw, operation)
        except ValueError as exc:
            request.problem = str(exc)
            return None
        request.operation = operation
        with self.lock:
            self._calls.append((OPERATIONS[operation], request.params))
        return OPERATIONS[operation]

    def unrouted(self, request: Request) -> tuple[int, bytes, dict[str, str]]:
        return _fault(getattr(request, "problem", "bad request"))

    def not_found(self) -> tuple[int, bytes, dict[str, str]]:
        return 404, b"not found", {"Content-Type": "text/plain"}

    def server_error(self, status: int) -> tuple[int, bytes, dict[str, str]]:
        if status == 500:  # as ASP.NET answers an exception
            return _fault("System.Exception: Server was unable to process request.")
        return (
            status,
            b"<html><body>Service Unavailable</body></html>",
            {"Content-Type": "text/html"},
        )

    def accepts(self, mode: str) -> bool:
        return mode.startswith("stat:") and mode[5:].isdigit()

    def scripted(self, endpoint: str, mode: str, request: Request):
        return 200, _result(request.operation, _tag("STAT", mode[5:])), {"Content-Type": "text/xml"}

    def handle(self, endpoint: str, match: re.Match, request: Request):
        if endpoint == "label_pdf":
            number = request.query.get("expedition", "")
            if number not in self._expeditions:
                return 404, b"<html>unknown expedition</html>", {"Content-Type": "text/html"}
            fmt = request.query.get("format", "")
            self._formats.append(fmt)
            return 200, render_label_pdf(number, fmt or "A4"), {"Content-Type": "application/pdf"}
        return 200, self._process(request.operation, request.params), {"Content-Type": XML}

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/Web_Services.asmx"

    def config(self, **extra: Any) -> dict[str, Any]:
        """The app settings that point Mondial Relay at this fake."""
        return {
            "MONDIAL_RELAY_ENSEIGNE": self.enseigne,
            "MONDIAL_RELAY_PRIVATE_KEY": self.private_key,
            "MONDIAL_RELAY_API_URL": self.api_url,
            "MONDIAL_RELAY_LABEL_BASE": self.base_url,
            "MONDIAL_RELAY_TIMEOUT": 1,
        } | extra

    # scripting and inspection ------------------------------------------------------------
    def scan(self, number: str, stat: int, *scans: Scan) -> None:
        """Set an expedition's tracing: its STAT (80 registered, 81 handled, 82 delivered,
        83 anomaly) and its scans, oldest first."""
        with self._lock:
            self._scans[number] = (stat, list(scans))

    @property
    def expeditions(self) -> list[Expedition]:
        with self._lock:
            return list(self._expeditions.values())

    @property
    def label_formats(self) -> list[str]:
        with self._lock:
            return list(self._formats)

    def requests(self, endpoint: str) -> list[dict[str, str]]:  # type: ignore[override]
        """The parameters of each call the endpoint received, in order."""
        with self.lock:
            return [params for name, params in self._calls if name == endpoint]

    def count(self, endpoint: str) -> int:
        return len(self.requests(endpoint))

    # internals -----------------------------------------------------------------------------

    def _process(self, operation: str, params: dict[str, str]) -> bytes:
        with self._lock:
            if params.get("Enseigne") != self.enseigne:
                return _result(operation, _tag("STAT", 2))
            expected = security(operation, params, self.private_key)
            if params.get("Security") != expected:
                return _result(operation, _tag("STAT", 97))
            if operation == "WSI2_CreationEtiquette":
                return self._create(params)
            if operation == "WSI3_GetEtiquettes":
                return self._labels(params)
            if operation == "WSI4_PointRelais_Recherche":
                return self._search(params)
            return self._tracing(params)

    def _create(self, p: dict[str, str]) -> bytes:
        op = "WSI2_CreationEtiquette"
        checks = (
            (p.get("ModeCol") in ("CCC", "CDR", "CDS", "REL"), 10),
            (p.get("ModeLiv") in ("LCC", "24R", "24L", "HOM"), 13),  # the cited ModeLiv values
            (bool(p.get("Expe_Ad1")), 30),
            (bool(p.get("Expe_Ad3")), 33),
            (bool(p.get("Expe_Ville")), 35),
            (_postcode_ok(p.get("Expe_CP", ""), p.get("Expe_Pays", "")), 36),
            (len(p.get("Expe_Pays", "")) == 2, 37),
            (bool(p.get("Dest_Ad1")), 50),
            (_postcode_ok(p.get("Dest_CP", ""), p.get("Dest_Pays", "")), 56),
            (p.get("Poids", "").isdigit() and int(p["Poids"]) >= 10, 20),
        )
        for ok, stat in checks:
            if not ok:
                return _result(op, _tag("STAT", stat))
        if p.get("ModeCol") == "REL":
            point = p.get("COL_Rel", "")
            if point != "AUTO" and not any(pt.num == point for pt in self.points):
                return _result(op, _tag("STAT", 11))
        number = f"{self._next:08d}"
        self._next += 1
        self._expeditions[number] = Expedition(number, dict(p))
        crc = hashlib.md5(number.encode()).hexdigest().upper()
        url = (
            f"/ww2/PDF/StickerMaker2.aspx?ens={self.enseigne}11&expedition={number}"
            f"&lg=FR&format=A4&crc={crc}"
        )
        answer = _tag("STAT", 0) + _tag("ExpeditionNum", number) + _tag("URL_Etiquette", url)
        return _result(op, answer)

    def _labels(self, p: dict[str, str]) -> bytes:
        op = "WSI3_GetEtiquettes"
        number = p.get("Expeditions", "")
        if number not in self._expeditions:
            return _result(op, _tag("STAT", 24))
        crc = hashlib.md5(number.encode()).hexdigest().upper()
        base = f"/ww2/PDF/StickerMaker2.aspx?ens={self.enseigne}11&expedition={number}&lg=FR"
        return _result(
            op,
            _tag("STAT", 0)
            + _tag("URL_PDF_A4", f"{base}&format=A4&crc={crc}")
            + _tag("URL_PDF_A5", f"{base}&format=A5&crc={crc}")
            + _tag("URL_PDF_10x15", f"{base}&format=10x15&crc={crc}"),
        )

    def _search(self, p: dict[str, str]) -> bytes:
        op = "WSI4_PointRelais_Recherche"
        country, postcode = p.get("Pays", ""), p.get("CP", "")
        if len(country) != 2:
            return _result(op, _tag("STAT", 16))
        if not postcode and not p.get("Ville") and not p.get("Latitude"):
            return _result(op, _tag("STAT", 40))
        if postcode and not _postcode_ok(postcode, country):
            return _result(op, _tag("STAT", 19))
        limit = int(p.get("NombreResultats") or 10)
        origin = next((pt for pt in self.points if pt.postcode == postcode), None)
        lat, lon = (origin.latitude, origin.longitude) if origin else (48.8594, 2.3787)
        ranked = sorted(
            ((round(_metres(lat, lon, pt.latitude, pt.longitude)), pt) for pt in self.points),
            key=lambda item: item[0],
        )[:limit]
        details = "".join(_point_xml(pt, metres) for metres, pt in ranked)
        return _result(op, _tag("STAT", 0) + f"<PointsRelais>{details}</PointsRelais>")

    def _tracing(self, p: dict[str, str]) -> bytes:
        op = "WSI2_TracingColisDetaille"
        number = p.get("Expedition", "")
        if number not in self._expeditions:
            return _result(op, _tag("STAT", 94))
        stat, scans = self._scans.get(number, (80, []))
        lines = "".join(
            "<ret_WSI2_sub_TracingColisDetaille>"
            + _tag("Libelle", s.label)
            + _tag("Date", s.date)
            + _tag("Heure", s.time)
            + _tag("Emplacement", s.place)
            + _tag("Relais_Num", s.relay_num)
            + _tag("Relais_Pays", s.relay_country)
            + "</ret_WSI2_sub_TracingColisDetaille>"
            for s in scans
        )
        last = scans[-1] if scans else None
        return _result(
            op,
            _tag("STAT", stat)
            + _tag("Libelle01", last.label if last else "")
            + _tag("Relais_Libelle", "")
            + _tag("Relais_Num", last.relay_num if last else "")
            + _tag("Libelle02", "")
            + (f"<Tracing>{lines}</Tracing>" if lines else "<Tracing />"),
        )


def _postcode_ok(postcode: str, country: str) -> bool:
    if country.upper() == "FR":
        return len(postcode) == 5 and postcode.isdigit() and postcode[:2] != "00"
    return 2 <= len(postcode) <= 10


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(a))


def _coordinate(value: float, width: int) -> str:
    # "45,7728450", "04,8630410": comma decimals, seven places, two-digit longitude
    whole, frac = f"{abs(value):.7f}".split(".")
    return ("-" if value < 0 else "") + whole.zfill(width) + "," + frac


def _point_xml(pt: FakePoint, metres: int) -> str:
    hours = "".join(
        f"<Horaires_{day}>"
        + "".join(f"<string>{v}</string>" for v in pt.hours.get(day, ("0000",) * 4))
        + f"</Horaires_{day}>"
        for day in DAYS
    )
    return (
        "<PointRelais_Details><STAT />"
        + _tag("Num", pt.num)
        + _tag("LgAdr1", pt.name.ljust(32))
        + "<LgAdr2 />"
        + _tag("LgAdr3", pt.street.ljust(32))
        + "<LgAdr4 />"
        + _tag("CP", pt.postcode)
        + _tag("Ville", pt.city.ljust(26))
        + _tag("Pays", pt.country)
        + "<Localisation1 /><Localisation2 />"
        + _tag("Latitude", _coordinate(pt.latitude, 2))
        + _tag("Longitude", _coordinate(pt.longitude, 2))
        + _tag("TypeActivite", "000")
        + _tag("Information", "LOCKER" if pt.locker else "")
        + hours
        + "<Informations_Dispo />"
        + _tag("URL_Photo", "")
        + _tag("URL_Plan", "")
        + _tag("Distance", metres)
        + "</PointRelais_Details>"
    )

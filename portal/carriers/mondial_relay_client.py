"""Mondial Relay's SOAP web service (api.mondialrelay.com/Web_Services.asmx) through zeep.

The WSDL is ours (`wsdl/mondial_relay.wsdl`, the published one reduced to the operations we
call); zeep reads it once per process and settings, never at import time. Every call is signed:
`Security` is the upper-case hex MD5 of the non-empty parameters, in the order the WSDL declares
them, followed by the private key (docs/carriers.md, checked against two requests Mondial Relay
accepted). Failures become `SoapFailure`, which says whether the request may have been processed
(a timeout or a dropped connection after sending) or certainly was not. No Flask in here.
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import requests
import zeep
from lxml import etree
from zeep import exceptions as zeep_errors
from zeep.helpers import serialize_object
from zeep.transports import Transport

NAMESPACE = "http://www.mondialrelay.fr/webservice/"
WSDL_PATH = Path(__file__).resolve().parent / "wsdl" / "mondial_relay.wsdl"
BINDING = f"{{{NAMESPACE}}}Web_ServicesSoap"
DEFAULT_API_URL = "https://api.mondialrelay.com/Web_Services.asmx"
DEFAULT_LABEL_BASE = "https://www.mondialrelay.com"
DEFAULT_TIMEOUT = 10.0

# STAT codes (docs/carriers.md: Mondial Relay's list, as PrestaShop's module carries it).
STAT_TEXT: dict[int, str] = {
    1: "invalid merchant (Enseigne)",
    2: "merchant number empty or unknown",
    3: "invalid merchant account number",
    5: "invalid merchant file number",
    7: "invalid merchant customer number",
    8: "invalid password or hash",
    9: "city not recognised or not unique",
    10: "invalid collection type",
    11: "invalid collection relay point number",
    12: "invalid collection relay point country",
    13: "invalid delivery type",
    14: "invalid delivery relay point number",
    15: "invalid delivery relay point country",
    16: "invalid country code",
    17: "invalid address",
    18: "invalid city",
    19: "invalid postcode",
    20: "invalid parcel weight",
    21: "invalid parcel size (length + height)",
    22: "invalid parcel size",
    24: "invalid Mondial Relay parcel number",
    29: "invalid delivery mode",
    30: "invalid sender address (line 1)",
    31: "invalid sender address (line 2)",
    33: "invalid sender address (line 3)",
    34: "invalid sender address (line 4)",
    35: "invalid sender city",
    36: "invalid sender postcode",
    37: "invalid sender country",
    38: "invalid sender phone number",
    39: "invalid sender e-mail address",
    40: "no action possible without a city or a postcode",
    41: "invalid delivery mode",
    42: "invalid cash-on-delivery amount",
    43: "invalid cash-on-delivery currency",
    44: "invalid parcel value",
    45: "invalid parcel value currency",
    46: "expedition number range exhausted",
    47: "invalid number of parcels",
    48: "multi-parcel not allowed at relay points",
    49: "invalid collection or delivery mode",
    50: "invalid recipient address (line 1)",
    51: "invalid recipient address (line 2)",
    53: "invalid recipient address (line 3)",
    54: "invalid recipient address (line 4)",
    55: "invalid recipient city",
    56: "invalid recipient postcode",
    57: "invalid recipient country",
    58: "invalid recipient phone number",
    59: "invalid recipient e-mail address",
    60: "invalid free text field",
    61: "invalid notification flag",
    62: "invalid delivery instruction",
    63: "invalid insurance",
    64: "invalid assembly time",
    65: "invalid appointment flag",
    66: "invalid take-back flag",
    70: "invalid relay point number",
    72: "invalid sender language",
    73: "invalid recipient language",
    74: "invalid language",
    80: "tracing: parcel registered",
    81: "tracing: parcel being handled by Mondial Relay",
    82: "tracing: parcel delivered",
    83: "tracing: anomaly",
    90: "AS400 unavailable",
    91: "invalid expedition number",
    94: "unknown parcel",
    95: "merchant account not activated",
    96: "wrong merchant type in the database",
    97: "invalid security key",
    98: "service unavailable",
    99: "generic service error",
}
# The service itself failed: try again later.
SERVICE_STATS = frozenset({90, 98, 99})
# The customer's own input: their address (we send it as the sender), or the chosen point.
SENDER_STATS = frozenset({9, 16, 17, 18, 19, 30, 31, 33, 34, 35, 36, 37, 38, 39, 40, 72})
POINT_STATS = frozenset({11, 12, 70})


@dataclass(frozen=True)
class Settings:
    enseigne: str
    private_key: str
    api_url: str = DEFAULT_API_URL
    label_base: str = DEFAULT_LABEL_BASE
    timeout: float = DEFAULT_TIMEOUT
    phone: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        return cls(
            enseigne=str(config.get("MONDIAL_RELAY_ENSEIGNE") or "").strip(),
            private_key=str(config.get("MONDIAL_RELAY_PRIVATE_KEY") or "").strip(),
            api_url=str(config.get("MONDIAL_RELAY_API_URL") or DEFAULT_API_URL).strip(),
            label_base=str(config.get("MONDIAL_RELAY_LABEL_BASE") or DEFAULT_LABEL_BASE).rstrip(
                "/"
            ),
            timeout=float(config.get("MONDIAL_RELAY_TIMEOUT") or DEFAULT_TIMEOUT),
            phone=str(config.get("MONDIAL_RELAY_SENDER_PHONE") or "").strip(),
        )

    @property
    def configured(self) -> bool:
        return bool(self.enseigne and self.private_key)


class SoapFailure(Exception):
    """A call that gave no usable answer.

    maybe_processed: the request was sent and the answer lost (read timeout, connection dropped
    after sending): the service may have done the work. False: it certainly did not (could not
    connect, or it answered with an HTTP error or a SOAP fault)."""

    def __init__(self, message: str, *, maybe_processed: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.maybe_processed = maybe_processed
        self.status = status


def stat_text(stat: int) -> str:
    return STAT_TEXT.get(stat, "unknown status")


def plain(value: Any) -> str:
    """A parameter as sent and signed: accents removed (the service takes plain letters)."""
    text = "" if value is None else str(value)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def security_key(order: tuple[str, ...], params: Mapping[str, Any], private_key: str) -> str:
    """MD5 (upper-case hex) of the non-empty parameters in WSDL order, then the private key."""
    values = [plain(params[name]) for name in order if name in params]
    joined = "".join(v for v in values if v) + private_key
    return hashlib.md5(joined.encode("iso-8859-1", "replace")).hexdigest().upper()


@lru_cache(maxsize=8)
def _client(api_url: str, timeout: float) -> tuple[zeep.Client, Any]:
    transport = Transport(session=requests.Session(), timeout=timeout, operation_timeout=timeout)
    client = zeep.Client(str(WSDL_PATH), transport=transport)
    return client, client.create_service(BINDING, api_url)


_client_lock = threading.Lock()


class Client:
    """Signs and sends one operation; returns its result as plain dicts and lists."""

    def __init__(self, settings: Settings, timeout: float | None = None) -> None:
        if not settings.configured:
            raise ValueError(
                "Mondial Relay needs MONDIAL_RELAY_ENSEIGNE and MONDIAL_RELAY_PRIVATE_KEY"
            )
        self.settings = settings
        self.timeout = float(timeout if timeout is not None else settings.timeout)

    def parameter_order(self, operation: str) -> tuple[str, ...]:
        client, _ = self._zeep()
        element = client.get_element(f"{{{NAMESPACE}}}{operation}")
        return tuple(name for name, _ in element.type.elements if name != "Security")

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        order = self.parameter_order(operation)
        sent = {"Enseigne": self.settings.enseigne} | {
            name: plain(value) for name, value in params.items() if name != "Enseigne"
        }
        sent = {name: value for name, value in sent.items() if value not in (None, "")}
        unknown = set(sent) - set(order)
        if unknown:
            raise ValueError(f"{operation} has no parameter {sorted(unknown)}")
        sent["Security"] = security_key(order, sent, self.settings.private_key)
        _, service = self._zeep()
        try:
            result = getattr(service, operation)(**sent)
        except requests.exceptions.ConnectTimeout as exc:
            message = f"could not connect within {self.timeout:g} s"
            raise SoapFailure(message, maybe_processed=False) from exc
        except requests.exceptions.Timeout as exc:
            raise SoapFailure(f"no answer within {self.timeout:g} s", maybe_processed=True) from exc
        except requests.exceptions.ConnectionError as exc:
            dropped = "aborted" in str(exc) or "RemoteDisconnected" in str(exc)
            reason = "the connection was dropped" if dropped else "could not connect"
            raise SoapFailure(f"{reason}: {exc}", maybe_processed=dropped) from exc
        except zeep_errors.TransportError as exc:
            raise SoapFailure(
                f"HTTP {exc.status_code}", maybe_processed=False, status=exc.status_code
            ) from exc
        except zeep_errors.Fault as exc:
            raise SoapFailure(f"SOAP fault: {exc.message}", maybe_processed=False) from exc
        except (zeep_errors.Error, etree.XMLSyntaxError) as exc:
            raise SoapFailure(f"unreadable answer: {exc}", maybe_processed=False) from exc
        except requests.exceptions.RequestException as exc:
            raise SoapFailure(str(exc), maybe_processed=True) from exc
        data = serialize_object(result, dict)
        return data if isinstance(data, dict) else {}

    def _zeep(self) -> tuple[zeep.Client, Any]:
        with _client_lock:
            return _client(self.settings.api_url, self.timeout)


def stat_of(result: Mapping[str, Any]) -> int | None:
    raw = result.get("STAT")
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return None

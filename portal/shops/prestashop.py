"""A small client of PrestaShop's Webservice API: the calls the connector makes, nothing else.

Plain HTTPS with `requests` (docs/shops-prestashop.md has the sources):
    GET  /api/                       the resources the key may use and with which methods
                                     (XML: the root has no JSON form in the reference)
    GET  /api/<resource>?output_format=JSON&display=…&filter[…]=…&sort=…&limit=…
    POST /api/<resource>?output_format=JSON       an XML body, as the reference documents
    PUT  /api/<resource>/<id>?output_format=JSON  an XML body, the whole object

Authentication is HTTP Basic with the webservice key as the user name and no password
(the reference's recommended way: the key never appears in a URL or a log).

A GET is retried a few times on a dropped connection, a 5xx or a 429; a POST or PUT is
never retried here (the platform module looks first for what an earlier attempt made).
401, 404 and the rest become `PlatformError` kinds the staff page and commands show as is.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from urllib.parse import urlsplit

import requests

from portal.shops.platform import PlatformError

BACKOFF_CAP = 30.0


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def clean_address(raw: str | None) -> str | None:
    """'https://boutique.example/' → 'https://boutique.example'; None when not an https URL
    (the key is sent with every call: plain http only to this machine, for tests).
    A shop in a sub-folder keeps it ('https://example.com/shop')."""
    text = (raw or "").strip().rstrip("/")
    if text.endswith("/api"):
        text = text[:-4]
    parts = urlsplit(text)
    if not parts.hostname or parts.query or parts.fragment or parts.username:
        return None
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK):
        return text
    return None


def _message(response: requests.Response) -> str:
    """The webservice's own words: {"errors": [{"code": …, "message": …}]} (or XML)."""
    try:
        body = response.json()
    except ValueError:
        text = response.text or ""
        try:
            found = ET.fromstring(text).findtext(".//message")
        except ET.ParseError:
            found = None
        return (found or text)[:200].strip()
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or "")[:200]
    return str(body)[:200]


def xml_body(singular: str, values: dict) -> bytes:
    """<prestashop><order_slip>…</order_slip></prestashop> from plain values.

    A value that is a list of (language id, text) is a multilang field; "associations"
    maps a group ("order_slip_details") to (item tag, [values…])."""
    root = ET.Element("prestashop")
    node = ET.SubElement(root, singular)
    for name, value in values.items():
        if name == "associations":
            holder = ET.SubElement(node, "associations")
            for group, (tag, items) in value.items():
                group_node = ET.SubElement(holder, group)
                for item in items:
                    item_node = ET.SubElement(group_node, tag)
                    for key, text in item.items():
                        ET.SubElement(item_node, key).text = str(text)
        elif isinstance(value, list):
            field = ET.SubElement(node, name)
            for lang_id, text in value:
                ET.SubElement(field, "language", {"id": str(lang_id)}).text = text
        else:
            ET.SubElement(node, name).text = "" if value is None else str(value)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)


class PrestaShopClient:
    def __init__(
        self,
        address: str,
        key: str,
        *,
        timeout: float = 10,
        retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.address = address.rstrip("/")
        self.timeout, self.retries, self.sleep = timeout, retries, sleep
        self.session = requests.Session()
        self.session.auth = (key, "")
        self.session.headers.update({"Accept": "application/json, text/xml"})

    def url(self, resource: str = "") -> str:
        return f"{self.address}/api/{resource}"

    def _fail(self, response: requests.Response) -> PlatformError:
        status, said = response.status_code, _message(response)
        if status == 405 or (status == 401 and "not allowed" in said.lower()):
            # 405 (code 25): the key may not use this method on the resource; 401 (code 26):
            # not this resource at all (WebserviceRequest::checkHTTPMethod, ::checkResource)
            return PlatformError("permission", said or "the key may not do this", status)
        if status == 401:
            return PlatformError("auth", said or "the webservice key was refused", status)
        if status == 404:
            return PlatformError("not_found", said or "no webservice at this address", status)
        if status == 429:
            return PlatformError("rate_limited", said or "too many requests", status)
        if status >= 500:
            return PlatformError("server", said or f"the shop answered {status}", status)
        return PlatformError("bad_answer", said or f"the shop answered {status}", status)

    def request(
        self, method: str, resource: str = "", params: dict | None = None, body: bytes | None = None
    ) -> requests.Response:
        """One call; GETs retried as the module says. The 2xx answer, or PlatformError."""
        attempts = self.retries + 1 if method == "GET" else 1
        headers = {"Content-Type": "text/xml"} if body is not None else None
        for attempt in range(1, attempts + 1):
            try:
                response = self.session.request(
                    method,
                    self.url(resource),
                    params=params,
                    data=body,
                    headers=headers,
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                if attempt < attempts:
                    self.sleep(min(0.25 * 2**attempt, BACKOFF_CAP))
                    continue
                raise PlatformError(
                    "unreachable", f"{self.address} did not answer ({exc.__class__.__name__})"
                ) from exc
            if response.status_code < 300:
                return response
            if (response.status_code == 429 or response.status_code >= 500) and attempt < attempts:
                self.sleep(min(0.25 * 2**attempt, BACKOFF_CAP))
                continue
            raise self._fail(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _json(self, response: requests.Response):
        try:
            return response.json()
        except ValueError as exc:
            raise PlatformError("bad_answer", "the answer is not JSON") from exc

    # -- the calls ----------------------------------------------------------------------------

    def root(self) -> dict[str, set[str]]:
        """{resource: {"GET", "POST", …}} that the key may use (GET /api/)."""
        response = self.request("GET")
        try:
            tree = ET.fromstring(response.content)
        except ET.ParseError as exc:
            raise PlatformError("bad_answer", "the answer is not the webservice's XML") from exc
        api = tree.find("api") if tree.tag == "prestashop" else None
        if api is None:
            raise PlatformError("bad_answer", "the answer is not the webservice's XML")
        allowed: dict[str, set[str]] = {}
        for child in api:
            methods = {k.upper() for k, v in child.attrib.items() if v == "true"}
            allowed[child.tag] = methods
        return allowed

    def listing(self, resource: str, params: dict) -> list[dict]:
        """GET /api/<resource> as a list of objects; [] when none."""
        body = self._json(self.request("GET", resource, {**params, "output_format": "JSON"}))
        if body in ([], {}, ""):  # the webservice's JSON for an empty list
            return []
        if not isinstance(body, dict) or not isinstance(body.get(resource, []), list):
            raise PlatformError("bad_answer", f"the answer has no list of {resource}")
        return [item for item in body.get(resource, []) if isinstance(item, dict)]

    def create(self, resource: str, singular: str, values: dict) -> dict:
        body = xml_body(singular, values)
        answer = self._json(self.request("POST", resource, {"output_format": "JSON"}, body))
        made = answer.get(singular) if isinstance(answer, dict) else None
        if not isinstance(made, dict) or not made.get("id"):
            raise PlatformError("bad_answer", f"the shop did not say which {singular} it made")
        return made

    def update(self, resource: str, singular: str, item_id: str, values: dict) -> dict:
        body = xml_body(singular, {**values, "id": item_id})
        answer = self._json(
            self.request("PUT", f"{resource}/{item_id}", {"output_format": "JSON"}, body)
        )
        return answer.get(singular) if isinstance(answer, dict) else {}

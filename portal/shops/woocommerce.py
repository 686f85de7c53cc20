"""A small client of the WooCommerce REST API v3 (`/wp-json/wc/v3/`): the calls the
connector makes, nothing else (docs/shops-woocommerce.md cites each).

Plain HTTPS with `requests` rather than the `woocommerce` package: that package is a thin
wrapper over `requests` too, but it has no retries, no Retry-After, and over plain HTTP it
switches to OAuth 1.0a query signing; we need the raw answer (status, headers, body) to
name each failure, and we only ever talk HTTPS to a real store (HTTP Basic with the
consumer key and secret, as the authentication page documents), plain HTTP to loopback.

    GET  orders?modified_after=…&dates_are_gmt=true&per_page=100&page=n&orderby=id&order=asc
         pages counted by the X-WP-Total / X-WP-TotalPages headers
    GET  orders/{id}, orders?parent={id}, orders/{id}/refunds, coupons?code=…
    GET  products, products/{id}/variations (the stock levels), pages as for orders
    POST orders, orders/{id}/refunds, coupons, webhooks, products/{id}(/variations/{v})

A 429 is retried after its Retry-After seconds, a 5xx or a dropped connection after a short
backoff, for reads only: a write that may have been applied is not sent again here (the
connector looks for it first, see woocommerce_platform.py). Failures are
`PlatformError(kind)`: auth (401), permission (403, or 401 "no write permissions"),
not_found (404 on the API root: not a WooCommerce site), unreachable, rate_limited, server,
bad_answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests

from portal.shops.platform import PlatformError
from portal.shops.waits import MAX_WAIT, retry_after

API = "wp-json/wc/v3"
PAGE_SIZE = 100  # the most per_page accepts
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def clean_url(raw: str | None) -> str | None:
    """'https://boutique.example/' → 'https://boutique.example'; None when it is not an
    https:// address (plain http only on loopback, for the fake)."""
    text = (raw or "").strip().rstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if not parts.hostname or parts.query or parts.fragment or parts.username:
        return None
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK):
        return text
    return None


def _error(response: requests.Response) -> tuple[str, str]:
    """WooCommerce's {"code", "message", "data": {"status"}} error, as (code, message)."""
    try:
        body = response.json()
    except ValueError:
        return "", response.text[:200]
    if isinstance(body, dict):
        return str(body.get("code") or "")[:80], str(body.get("message") or body)[:200]
    return "", str(body)[:200]


def _kind(status: int, code: str, message: str) -> str:
    if status == 401 and "write permission" in message.lower():
        return "permission"  # a read-only key asked to write
    if status == 401:
        return "auth"
    if status == 403:
        return "permission"
    if status == 404:
        return "not_found"
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "server"
    return "bad_answer"


class WooClient:
    def __init__(
        self,
        url: str,
        key: str,
        secret: str,
        *,
        timeout: float = 10,
        retries: int = 4,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout, self.retries, self.sleep = timeout, retries, sleep
        self.session = requests.Session()
        self.session.auth = (key, secret)
        self.session.headers.update({"Accept": "application/json"})
        self.waited = 0.0

    def _url(self, resource: str) -> str:
        return f"{self.url}/{API}/{resource}"

    def _fail(self, response: requests.Response) -> PlatformError:
        code, message = _error(response)
        status = response.status_code
        return PlatformError(_kind(status, code, message), f"{code} {message}".strip(), status)

    def get(self, resource: str, params: dict | None = None) -> requests.Response:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.session.get(
                    self._url(resource), params=params, timeout=self.timeout
                )
            except requests.RequestException as exc:
                if attempt > self.retries:
                    raise PlatformError(
                        "unreachable", f"{self.url} did not answer ({exc.__class__.__name__})"
                    ) from exc
                self.sleep(min(2**attempt * 0.25, MAX_WAIT))
                continue
            status = response.status_code
            if status == 429 and attempt <= self.retries:
                wait = retry_after(response.headers.get("Retry-After"))
                self.waited += wait
                self.sleep(wait)
                continue
            if status >= 500 and attempt <= self.retries:
                self.sleep(min(2**attempt * 0.25, MAX_WAIT))
                continue
            if status < 300:
                return response
            raise self._fail(response)

    def post(self, resource: str, body: dict) -> requests.Response:
        """One POST, never repeated here: a timeout or 5xx is PlatformError (unreachable,
        server) and the caller looks for what it may have made before trying again."""
        try:
            response = self.session.post(self._url(resource), json=body, timeout=self.timeout)
        except requests.RequestException as exc:
            raise PlatformError(
                "unreachable", f"{self.url} did not answer ({exc.__class__.__name__})"
            ) from exc
        if response.status_code < 300:
            return response
        raise self._fail(response)

    @staticmethod
    def body(response: requests.Response, kind: type = dict):
        try:
            value = response.json()
        except ValueError as exc:
            raise PlatformError("bad_answer", "the answer is not JSON") from exc
        if not isinstance(value, kind):
            raise PlatformError("bad_answer", f"the answer is not a {kind.__name__}")
        return value

    # -- orders -------------------------------------------------------------------------

    def order_pages(
        self, since: datetime, on_total: Callable[[int], None] | None = None
    ) -> Iterator[list[dict]]:
        """Orders modified since then, a page of 100 at a time, never all held."""
        page, pages = 1, 1
        while page <= pages:
            params = {
                "modified_after": _iso(since),
                "dates_are_gmt": "true",
                "per_page": PAGE_SIZE,
                "page": page,
                "orderby": "id",
                "order": "asc",
            }
            # past the last page WooCommerce answers 200 with [] (WC_REST_CRUD_Controller)
            response = self.get("orders", params)
            orders = self.body(response, list)
            # without the header (a proxy may drop it), a full page means there may be more
            more = page + 1 if len(orders) == PAGE_SIZE else page
            pages = _header_int(response, "X-WP-TotalPages", more)
            if page == 1 and on_total is not None:
                on_total(_header_int(response, "X-WP-Total", len(orders)))
            if not orders:
                return
            yield orders
            page += 1

    def list_pages(self, resource: str) -> Iterator[list[dict]]:
        """Every item of a collection (`products`, `products/{id}/variations`), a page of
        100 at a time by id, paged as orders are; never all held."""
        page, pages = 1, 1
        while page <= pages:
            query = {"per_page": PAGE_SIZE, "page": page, "orderby": "id", "order": "asc"}
            response = self.get(resource, query)
            items = self.body(response, list)
            more = page + 1 if len(items) == PAGE_SIZE else page
            pages = _header_int(response, "X-WP-TotalPages", more)
            if not items:
                return
            yield items
            page += 1


def _header_int(response: requests.Response, name: str, default: int) -> int:
    try:
        return max(int(response.headers.get(name, "")), 0)
    except ValueError:
        return default


def _iso(moment: datetime) -> str:
    """WooCommerce's ISO 8601 without offset; with dates_are_gmt=true it is read as GMT."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")

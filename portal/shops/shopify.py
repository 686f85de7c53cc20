"""A small client of Shopify's Admin REST API: the calls the connector makes, nothing else.

Plain HTTPS with `requests` (docs/shops.md says why not the ShopifyAPI package):
    GET /admin/api/{version}/shop.json                 the connection test
    GET /admin/api/{version}/orders.json?status=any&updated_at_min=…&limit=250
        then the `Link: <…>; rel="next"` URL, as given, until there is none (cursor pages)
    GET /admin/api/{version}/orders/count.json          the progress bar's length

Every call sends `X-Shopify-Access-Token`. A 429 is retried after its `Retry-After`
seconds, a 5xx or a dropped connection after a short backoff, a few times; 401, 403 and
404 are named errors (`ShopifyError.kind`) that the staff page and the command show as is.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests

from portal.shops.waits import MAX_WAIT, retry_after

DEFAULT_API_VERSION = "2025-01"
PAGE_SIZE = 250  # the most orders.json gives in one page
DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com")


class ShopifyError(Exception):
    """kind: unauthorized (401), forbidden (403), not_found (404), unreachable, rate_limited,
    server (5xx), bad_response."""

    def __init__(self, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status


def clean_domain(raw: str | None) -> str | None:
    """'Ma-Boutique.myshopify.com', 'https://ma-boutique.myshopify.com/' → the bare domain;
    None when it is not a *.myshopify.com name (the Admin API lives there only)."""
    text = (raw or "").strip().lower()
    text = re.sub(r"^https?://", "", text).rstrip("/")
    return text if DOMAIN.fullmatch(text) else None


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    errors = body.get("errors") if isinstance(body, dict) else None
    return str(errors)[:200] if errors else str(body)[:200]


class ShopifyClient:
    def __init__(
        self,
        domain: str,
        token: str,
        *,
        api_version: str = DEFAULT_API_VERSION,
        base_url: str | None = None,
        timeout: float = 10,
        retries: int = 5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.domain, self.api_version = domain, api_version
        self.base_url = (base_url or f"https://{domain}").rstrip("/")
        self.timeout, self.retries, self.sleep = timeout, retries, sleep
        self.session = requests.Session()
        self.session.headers.update({"X-Shopify-Access-Token": token, "Accept": "application/json"})
        self.waited = 0.0  # seconds spent waiting for rate limits (shown by the command)

    def url(self, resource: str) -> str:
        return self._url(resource)

    def _url(self, resource: str) -> str:
        return f"{self.base_url}/admin/api/{self.api_version}/{resource}"

    def get(self, url: str, params: dict | None = None) -> requests.Response:
        """GET with the retries above; the answer of a 2xx, or ShopifyError."""
        return self.request("GET", url, params=params)

    def request(
        self, method: str, url: str, *, params: dict | None = None, json: dict | None = None
    ) -> requests.Response:
        """A call with the retries above. A GET is retried after a dropped connection or a
        5xx; a POST only after a 429 (Shopify did not run it): after a timeout or a 5xx the
        POST may have been applied, so the caller looks before it tries again."""
        attempt = 0
        safe = method == "GET"
        while True:
            attempt += 1
            try:
                response = self.session.request(
                    method, url, params=params, json=json, timeout=self.timeout
                )
            except requests.RequestException as exc:
                if not safe or attempt > self.retries:
                    raise ShopifyError(
                        "unreachable", f"{self.domain} did not answer ({exc.__class__.__name__})"
                    ) from exc
                self.sleep(min(2**attempt * 0.25, MAX_WAIT))
                continue
            status = response.status_code
            if status == 429 and attempt <= self.retries:
                wait = retry_after(response.headers.get("Retry-After"))
                self.waited += wait
                self.sleep(wait)
                continue
            if status >= 500 and safe and attempt <= self.retries:
                self.sleep(min(2**attempt * 0.25, MAX_WAIT))
                continue
            if status < 300:
                return response
            kind = {401: "unauthorized", 403: "forbidden", 404: "not_found", 429: "rate_limited"}
            raise ShopifyError(
                kind.get(status, "server" if status >= 500 else "bad_response"),
                _error_text(response),
                status,
            )

    def json_of(self, response: requests.Response, key: str):
        return self._json(response, key)

    def _json(self, response: requests.Response, key: str):
        try:
            body = response.json()
        except ValueError as exc:
            raise ShopifyError("bad_response", "the answer is not JSON") from exc
        if not isinstance(body, dict) or key not in body:
            raise ShopifyError("bad_response", f"the answer has no {key!r}")
        return body[key]

    # -- the calls ----------------------------------------------------------------------------

    def shop(self) -> dict:
        return self._json(self.get(self._url("shop.json")), "shop")

    def order_count(self, updated_since: datetime) -> int:
        params = {"status": "any", "updated_at_min": _iso(updated_since)}
        count = self._json(self.get(self._url("orders/count.json"), params), "count")
        return count if isinstance(count, int) else 0

    def order_pages(self, updated_since: datetime, limit: int = PAGE_SIZE) -> Iterator[list]:
        """Each page of orders updated since then, one at a time (never all in memory)."""
        url: str | None = self._url("orders.json")
        params: dict | None = {
            "status": "any",
            "updated_at_min": _iso(updated_since),
            "limit": limit,
        }
        while url:
            response = self.get(url, params)
            orders = self._json(response, "orders")
            if not isinstance(orders, list):
                raise ShopifyError("bad_response", "'orders' is not a list")
            yield orders
            url, params = self._next(response), None  # the next URL carries its own query

    def _next(self, response: requests.Response) -> str | None:
        url = response.links.get("next", {}).get("url")
        if not url:
            return None
        ours, theirs = urlsplit(self.base_url), urlsplit(url)
        if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
            # never send the token to another host, whatever a header says
            raise ShopifyError(
                "bad_response", f"the next page is on another host ({theirs.netloc})"
            )
        return url


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

"""Shopify's GraphQL Admin API, over the REST client's session (docs/shops.md).

    POST /admin/api/{version}/graphql.json   {"query": …, "variables": …}

Rate limits are a bucket of query cost: every answer carries
`extensions.cost.throttleStatus` (`maximumAvailable`, `currentlyAvailable`, `restoreRate`
points per second) and the query's `requestedQueryCost`. Before a call we estimate what
the bucket holds now (what it held plus what was restored since) and wait until it holds
the call's cost; an answer with a `THROTTLED` error is retried after that same computed
wait. A 429 is handled by the REST client (Retry-After). `userErrors` are the mutation's
own refusals and are returned to the caller, who decides what they mean.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from portal.shops.shopify import MAX_WAIT, ShopifyClient, ShopifyError

DEFAULT_COST = 10  # a mutation's usual requested cost; a first call has nothing better
THROTTLE_RETRIES = 5


class GraphQL:
    def __init__(
        self,
        client: ShopifyClient,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.client = client
        self.clock = clock
        self.sleep = sleep or client.sleep
        self.available: float | None = None
        self.restore_rate: float | None = None
        self.seen_at = 0.0
        self.waited = 0.0
        self.requested: float | None = None  # the last answer's requestedQueryCost

    def estimate(self) -> float | None:
        """What the bucket holds now, by the last answer's throttle status."""
        if self.available is None or not self.restore_rate:
            return None
        return self.available + (self.clock() - self.seen_at) * self.restore_rate

    def wait_for(self, cost: float) -> float:
        """Seconds to wait before a call of `cost` fits in the bucket (0: it fits)."""
        now = self.estimate()
        if now is None or now >= cost:
            return 0.0
        return min((cost - now) / self.restore_rate, MAX_WAIT)

    def _note(self, extensions: object) -> float:
        cost = extensions.get("cost") if isinstance(extensions, dict) else None
        if not isinstance(cost, dict):
            return DEFAULT_COST
        status = cost.get("throttleStatus")
        if isinstance(status, dict):
            try:
                self.available = float(status["currentlyAvailable"])
                self.restore_rate = float(status["restoreRate"])
                self.seen_at = self.clock()
            except (KeyError, TypeError, ValueError):
                pass
        requested = cost.get("requestedQueryCost")
        if isinstance(requested, int | float):
            self.requested = float(requested)
            return self.requested
        return DEFAULT_COST

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self.waited += seconds
            self.sleep(seconds)

    def run(self, query: str, variables: dict | None = None, cost: float = DEFAULT_COST) -> dict:
        """The answer's `data`; ShopifyError for a transport error, a GraphQL error, or a
        throttle that does not lift after a few waits."""
        for _attempt in range(THROTTLE_RETRIES + 1):
            self._pause(self.wait_for(cost))
            response = self.client.request(
                "POST",
                self.client.url("graphql.json"),
                json={"query": query, "variables": variables or {}},
            )
            try:
                body = response.json()
            except ValueError as exc:
                raise ShopifyError("bad_response", "the GraphQL answer is not JSON") from exc
            if not isinstance(body, dict):
                raise ShopifyError("bad_response", "the GraphQL answer is not an object")
            cost = self._note(body.get("extensions"))
            errors = body.get("errors") or []
            if any(_code(e) == "THROTTLED" for e in errors):
                if self.wait_for(cost) == 0:  # no status to go by: a short pause
                    self._pause(1.0)
                continue
            if errors:
                messages = "; ".join(str(e.get("message", e)) for e in errors if e)[:300]
                kind = "forbidden" if any(_code(e) == "ACCESS_DENIED" for e in errors) else None
                raise ShopifyError(kind or "bad_response", messages or "GraphQL error")
            data = body.get("data")
            if not isinstance(data, dict):
                raise ShopifyError("bad_response", "the GraphQL answer has no data")
            return data
        raise ShopifyError("rate_limited", "Shopify kept throttling the GraphQL calls")


def _code(error: object) -> str:
    if not isinstance(error, dict):
        return ""
    extensions = error.get("extensions")
    return str(extensions.get("code", "")) if isinstance(extensions, dict) else ""


def user_errors(payload: object) -> list[dict]:
    """A mutation payload's `userErrors` (a list of {field, message, code?})."""
    if not isinstance(payload, dict):
        return []
    errors = payload.get("userErrors") or []
    return [e for e in errors if isinstance(e, dict)]

"""Shopify's answers in the platform's words (portal/shops/platform.py)."""

from __future__ import annotations

from portal.shops.platform import REFUSED, RETRY, Answer, PlatformError
from portal.shops.shopify import ShopifyError

TRANSIENT = {"unreachable", "rate_limited", "server"}


def gid(kind: str, value: str) -> str:
    return value if value.startswith("gid://") else f"gid://shopify/{kind}/{value}"


def tail(gid: str | None) -> str | None:
    return gid.rsplit("/", 1)[-1] if gid else None


def failed(exc: ShopifyError) -> Answer:
    """A call that raised: ours to retry (transport, 429, 5xx), or Shopify's refusal."""
    state = RETRY if exc.kind in TRANSIENT else REFUSED
    return Answer(state, reason=f"Shopify {exc.status or exc.kind}: {exc.message}"[:500])


def explained(exc: ShopifyError) -> PlatformError:
    from portal.shops.connection import explain

    kinds = {"unauthorized": "auth", "forbidden": "permission", "bad_response": "bad_answer"}
    return PlatformError(kinds.get(exc.kind, exc.kind), explain(exc), exc.status)


def refused(errors: list[dict]) -> Answer:
    text = "; ".join(f"{e.get('field') or ''} {e.get('message') or ''}".strip() for e in errors)
    return Answer(REFUSED, reason=f"Shopify: {text}"[:500])

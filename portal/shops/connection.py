"""Which Shopify shop we talk to, and the verbs on the connection (flush, never commit).

The connection saved on /staff/shops (token encrypted) wins; without one,
SHOPIFY_SHOP_DOMAIN and SHOPIFY_ACCESS_TOKEN from the environment are used.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.models import ShopConnection
from portal.models.base import utcnow
from portal.services.errors import ValidationFailed
from portal.shops import secrets
from portal.shops.shopify import ShopifyClient, ShopifyError, clean_domain

PLATFORM = "shopify"


@dataclass
class Connection:
    domain: str
    token: str
    saved: ShopConnection | None


def saved() -> ShopConnection | None:
    return db.session.scalar(select(ShopConnection).where(ShopConnection.platform == PLATFORM))


def current() -> Connection | None:
    """The connection to use, or None; SecretsUnavailable when the saved token cannot be read."""
    row = saved()
    if row is not None:
        return Connection(row.domain, secrets.decrypt(row.token_encrypted), row)
    config = current_app.config
    domain = clean_domain(config.get("SHOPIFY_SHOP_DOMAIN"))
    token = config.get("SHOPIFY_ACCESS_TOKEN")
    if domain and token:
        return Connection(domain, token, None)
    return None


def client_for(domain: str, token: str, *, retries: int = 5) -> ShopifyClient:
    """The sync retries a few times; a page a person waits on (retries=1) does not linger."""
    config = current_app.config
    return ShopifyClient(
        domain,
        token,
        api_version=config.get("SHOPIFY_API_VERSION") or "2025-01",
        base_url=config.get("SHOPIFY_API_BASE"),
        timeout=config.get("SHOPIFY_TIMEOUT", 10),
        retries=retries,
    )


def save_connection(domain: str | None, token: str | None) -> ShopConnection:
    """Store the shop's domain and Admin API access token (encrypted)."""
    problems = {}
    clean = clean_domain(domain)
    if clean is None:
        problems["domain"] = _("Give the shop's address ending in .myshopify.com.")
    token = (token or "").strip()
    if not token or len(token) > 200 or not token.isprintable() or " " in token:
        problems["token"] = _("Paste the Admin API access token (it starts with shpat_).")
    if problems:
        raise ValidationFailed(problems)
    try:
        encrypted = secrets.encrypt(token)
    except secrets.SecretsUnavailable as exc:
        raise ValidationFailed(
            {"token": _("The token cannot be stored safely: %(why)s.", why=str(exc))}
        ) from exc
    row = saved()
    if row is None:
        row = ShopConnection(platform=PLATFORM, domain=clean, token_encrypted=encrypted)
        db.session.add(row)
    row.domain, row.token_encrypted, row.connected_at = clean, encrypted, utcnow()
    row.last_sync_at = row.last_sync_ok = row.last_sync_counts = row.last_sync_errors = None
    db.session.flush()
    return row


def explain(exc: ShopifyError) -> str:
    """What a person can do about a failed call."""
    if exc.kind == "unauthorized":
        return _("Shopify refused the access token (401): check it, or make a new one.")
    if exc.kind == "forbidden":
        return _(
            "The token lacks a permission (403): give the app the read_orders scope "
            "(and read_all_orders for orders older than 60 days)."
        )
    if exc.kind == "not_found":
        return _("No Shopify shop answers at this address (404): check the domain.")
    if exc.kind == "unreachable":
        return _("Shopify could not be reached: %(why)s.", why=exc.message)
    if exc.kind == "rate_limited":
        return _("Shopify asks us to slow down (429): try again in a minute.")
    return _(
        "Shopify answered with an error (%(status)s): %(why)s.", status=exc.status, why=exc.message
    )


def test_connection(client: ShopifyClient) -> tuple[bool, str]:
    """Read the shop, then one order: (ok, what to tell the person)."""
    try:
        shop = client.shop()
        client.order_count(utcnow())
    except ShopifyError as exc:
        return False, explain(exc)
    name = shop.get("name") if isinstance(shop, dict) else None
    return True, _("Connected to %(name)s: orders can be read.", name=name or client.domain)

"""A platform's credentials: the saved connection (secrets encrypted, see `secrets`) wins;
without one, the environment's (each platform names its variables in `ENVIRONMENT`).

Flush, never commit. A saved row keeps its secrets as one encrypted JSON object
({"token": …} for Shopify, {"key": …, "secret": …} for WooCommerce, {"key": …} for
PrestaShop); a Shopify row saved before that held the bare token, which still reads.
"""

from __future__ import annotations

import json

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models import ShopConnection
from portal.models.base import utcnow
from portal.shops import secrets
from portal.shops.platform import Credentials

# platform -> (the address's variable, {secret name: its variable})
ENVIRONMENT: dict[str, tuple[str, dict[str, str]]] = {
    "shopify": ("SHOPIFY_SHOP_DOMAIN", {"token": "SHOPIFY_ACCESS_TOKEN"}),
    "prestashop": ("PRESTASHOP_SHOP_URL", {"key": "PRESTASHOP_WEBSERVICE_KEY"}),
    "woocommerce": (
        "WOOCOMMERCE_STORE_URL",
        {"key": "WOOCOMMERCE_CONSUMER_KEY", "secret": "WOOCOMMERCE_CONSUMER_SECRET"},
    ),
}


def saved(platform: str) -> ShopConnection | None:
    return db.session.scalar(select(ShopConnection).where(ShopConnection.platform == platform))


def _read(stored: str) -> dict[str, str]:
    plain = secrets.decrypt(stored)
    try:
        value = json.loads(plain)
    except ValueError:
        return {"token": plain}
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return value
    return {"token": plain}


def current(platform: str) -> Credentials | None:
    """The credentials to use, or None; SecretsUnavailable when saved ones cannot be read."""
    row = saved(platform)
    if row is not None:
        return Credentials(row.domain, _read(row.token_encrypted))
    address_var, secret_vars = ENVIRONMENT.get(platform, ("", {}))
    config = current_app.config
    address = config.get(address_var) if address_var else None
    values = {name: config.get(var) for name, var in secret_vars.items()}
    if address and values and all(values.values()):
        return Credentials(address, values)
    return None


def save(platform: str, address: str, values: dict[str, str]) -> ShopConnection:
    """Store (or replace) the platform's connection; the secrets are encrypted here."""
    row = saved(platform)
    stored = secrets.encrypt(json.dumps(values, sort_keys=True))
    if row is None:
        row = ShopConnection(platform=platform, domain=address, token_encrypted=stored)
        db.session.add(row)
    else:
        row.domain = address
        row.token_encrypted = stored
        row.connected_at = utcnow()
    db.session.flush()
    return row

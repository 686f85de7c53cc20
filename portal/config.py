"""Settings, read from the environment with defaults that suit a clothing shop.

`create_app` loads these first, then `instance/config.py` (if present) may override
any of them, then a test config mapping wins over both.
"""

from __future__ import annotations

import os
import secrets
from datetime import date
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _list(name: str) -> list[str]:
    value = os.environ.get(name, "")
    return [part.strip() for part in value.split(",") if part.strip()]


def _month_day(name: str, default: str) -> tuple[int, int]:
    """Parse an 'MM-DD' setting into (month, day)."""
    raw = os.environ.get(name) or default
    month, day = raw.split("-")
    date(2000, int(month), int(day))  # validates
    return int(month), int(day)


def from_environment(instance_path: str) -> dict:
    """Build the settings mapping from environment variables."""
    db_default = "sqlite:///" + str(Path(instance_path) / "retours.sqlite")
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or db_default,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "SMTP_URL": os.environ.get("SMTP_URL") or None,
        "MAIL_FROM": os.environ.get("MAIL_FROM") or "retours@example.com",
        "MAIL_DIR": os.environ.get("MAIL_DIR") or str(Path(instance_path) / "mail"),
        "DELIVER_MAIL_AFTER_REQUEST": _bool("DELIVER_MAIL_AFTER_REQUEST", True),
        "SHOP_NAME": os.environ.get("SHOP_NAME") or "Maison Lin",
        "SHOP_ADDRESS": os.environ.get("SHOP_ADDRESS")
        or "Maison Lin – Retours\n14 rue des Entrepôts\n93200\nSaint-Denis\nFR",
        # How customers reach the shop: every page footer and every e-mail carries it
        "SHOP_CONTACT_EMAIL": os.environ.get("SHOP_CONTACT_EMAIL") or "service@maison-lin.example",
        "SHOP_CONTACT_PHONE": os.environ.get("SHOP_CONTACT_PHONE") or "+33 1 84 80 12 34",
        # unset: the demo shop's hours, in the reader's language (portal.i18n.contact_hours)
        "SHOP_CONTACT_HOURS": os.environ.get("SHOP_CONTACT_HOURS") or None,
        "PUBLIC_URL": os.environ.get("PUBLIC_URL") or "http://127.0.0.1:5000",
        "RETURN_WINDOW_DAYS": _int("RETURN_WINDOW_DAYS", 30),
        # Keep it (docs/claims.md): damaged or wrong items worth less than this (minor units
        # of KEEP_IT_CURRENCY) are credited at once and kept by the customer; 0: off
        "KEEP_IT_BELOW": _int("KEEP_IT_BELOW", 0),
        "KEEP_IT_CURRENCY": os.environ.get("KEEP_IT_CURRENCY") or "EUR",
        "HOLIDAY_SEASON_START": _month_day("HOLIDAY_SEASON_START", "11-01"),
        "HOLIDAY_SEASON_END": _month_day("HOLIDAY_SEASON_END", "12-24"),
        "HOLIDAY_RETURN_UNTIL": _month_day("HOLIDAY_RETURN_UNTIL", "01-31"),
        "STORE_CREDIT_BONUS_PERCENT": _int("STORE_CREDIT_BONUS_PERCENT", 0),
        "RESTOCKING_FEE_PERCENT": _int("RESTOCKING_FEE_PERCENT", 0),
        "RETURN_SHIPPING_FEE": _int("RETURN_SHIPPING_FEE", 0),
        # follow-up (portal/services/followup.py, docs/followup.md)
        "LATE_GOODWILL": _int("LATE_GOODWILL", 0),
        "LABEL_STUCK_HOURS": _int("LABEL_STUCK_HOURS", 24),
        "HELD_AT_POINT_DAYS": _int("HELD_AT_POINT_DAYS", 3),
        "FEEDBACK_DELAY_HOURS": _int("FEEDBACK_DELAY_HOURS", 24),
        "PAYMENT_PROVIDER": os.environ.get("PAYMENT_PROVIDER") or "manual",
        "STRIPE_API_KEY": os.environ.get("STRIPE_API_KEY") or None,
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE") or None,
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET") or None,
        "MOLLIE_API_KEY": os.environ.get("MOLLIE_API_KEY") or None,
        "MOLLIE_API_ENDPOINT": os.environ.get("MOLLIE_API_ENDPOINT") or None,
        "PAYMENT_TIMEOUT": _int("PAYMENT_TIMEOUT", 10),
        # the shop's own words for when a refund it pays by hand arrives (manual mode)
        "MANUAL_REFUND_ARRIVAL": os.environ.get("MANUAL_REFUND_ARRIVAL") or None,
        "SEND_REFUNDS_AFTER_REQUEST": _bool("SEND_REFUNDS_AFTER_REQUEST", True),
        "GIFT_REFUND_TO_BUYER": _bool("GIFT_REFUND_TO_BUYER", False),
        "INSTANT_EXCHANGE": _bool("INSTANT_EXCHANGE", False),
        "LABEL_VALID_DAYS": _int("LABEL_VALID_DAYS", 14),
        "WARRANTY_MONTHS": _int("WARRANTY_MONTHS", 24),
        "REPAIR_PROMISE_DAYS": _int("REPAIR_PROMISE_DAYS", 10),
        # the labels we draw ourselves (demo carrier): drawn by the worker or the first
        # download, not in the confirm request (portal.services.label_pdf)
        "LABEL_DRAW_ON_FIRST_NEED": _bool("LABEL_DRAW_ON_FIRST_NEED", True),
        "EASYPOST_API_KEY": os.environ.get("EASYPOST_API_KEY") or None,
        "EASYPOST_API_BASE": os.environ.get("EASYPOST_API_BASE") or None,
        "EASYPOST_WEBHOOK_SECRET": os.environ.get("EASYPOST_WEBHOOK_SECRET") or None,
        "EASYPOST_CARRIERS": _list("EASYPOST_CARRIERS"),
        "EASYPOST_SERVICES": _list("EASYPOST_SERVICES"),
        "EASYPOST_TIMEOUT": _int("EASYPOST_TIMEOUT", 10),
        "MONDIAL_RELAY_ENSEIGNE": os.environ.get("MONDIAL_RELAY_ENSEIGNE") or None,
        "MONDIAL_RELAY_PRIVATE_KEY": os.environ.get("MONDIAL_RELAY_PRIVATE_KEY") or None,
        "MONDIAL_RELAY_API_URL": os.environ.get("MONDIAL_RELAY_API_URL") or None,
        "MONDIAL_RELAY_LABEL_BASE": os.environ.get("MONDIAL_RELAY_LABEL_BASE") or None,
        "MONDIAL_RELAY_TIMEOUT": _int("MONDIAL_RELAY_TIMEOUT", 10),
        "MONDIAL_RELAY_SENDER_PHONE": os.environ.get("MONDIAL_RELAY_SENDER_PHONE") or None,
        "COLISSIMO_CONTRACT_NUMBER": os.environ.get("COLISSIMO_CONTRACT_NUMBER") or None,
        "COLISSIMO_PASSWORD": os.environ.get("COLISSIMO_PASSWORD") or None,
        "COLISSIMO_API_URL": os.environ.get("COLISSIMO_API_URL") or None,
        "COLISSIMO_TIMEOUT": _int("COLISSIMO_TIMEOUT", 10),
        # the contract includes letterbox collection (retour en boîte aux lettres)
        "COLISSIMO_LETTERBOX": _bool("COLISSIMO_LETTERBOX", False),
        "LAPOSTE_TRACKING_API_KEY": os.environ.get("LAPOSTE_TRACKING_API_KEY") or None,
        "LAPOSTE_TRACKING_API_URL": os.environ.get("LAPOSTE_TRACKING_API_URL") or None,
        "RELAY_POINTS_TIMEOUT": float(os.environ.get("RELAY_POINTS_TIMEOUT") or 2),
        "RELAY_POINTS_CACHE_MINUTES": _int("RELAY_POINTS_CACHE_MINUTES", 60),
        # Shopify (docs/shops.md); the staff page's connection wins over these two
        "SHOPIFY_SHOP_DOMAIN": os.environ.get("SHOPIFY_SHOP_DOMAIN") or None,
        "SHOPIFY_ACCESS_TOKEN": os.environ.get("SHOPIFY_ACCESS_TOKEN") or None,
        "SHOPIFY_API_BASE": os.environ.get("SHOPIFY_API_BASE") or None,
        "SHOPIFY_API_VERSION": os.environ.get("SHOPIFY_API_VERSION") or "2025-01",
        "SHOPIFY_WEBHOOK_SECRET": os.environ.get("SHOPIFY_WEBHOOK_SECRET") or None,
        "SHOPIFY_TIMEOUT": _int("SHOPIFY_TIMEOUT", 10),
        "SHOPIFY_DELIVERY_DELAY_DAYS": _int("SHOPIFY_DELIVERY_DELAY_DAYS", 3),
        "SHOPIFY_RETURN_LINES_WITHOUT_SKU": _bool("SHOPIFY_RETURN_LINES_WITHOUT_SKU", True),
        "SHOPIFY_GIFT_ATTRIBUTES": _list("SHOPIFY_GIFT_ATTRIBUTES")
        or ["gift_message", "gift message"],
        # PrestaShop (docs/shops-prestashop.md); the staff page's connection wins
        "PRESTASHOP_SHOP_URL": os.environ.get("PRESTASHOP_SHOP_URL") or None,
        "PRESTASHOP_WEBSERVICE_KEY": os.environ.get("PRESTASHOP_WEBSERVICE_KEY") or None,
        "PRESTASHOP_TIMEZONE": os.environ.get("PRESTASHOP_TIMEZONE") or "Europe/Paris",
        "PRESTASHOP_TIMEOUT": _int("PRESTASHOP_TIMEOUT", 10),
        "PRESTASHOP_PAGE_SIZE": _int("PRESTASHOP_PAGE_SIZE", 100),
        "PRESTASHOP_DELIVERY_DELAY_DAYS": _int("PRESTASHOP_DELIVERY_DELAY_DAYS", 3),
        "PRESTASHOP_RETURN_LINES_WITHOUT_SKU": _bool("PRESTASHOP_RETURN_LINES_WITHOUT_SKU", True),
        "PRESTASHOP_SHIPPED_STATES": _list("PRESTASHOP_SHIPPED_STATES") or ["4"],
        "PRESTASHOP_DELIVERED_STATES": _list("PRESTASHOP_DELIVERED_STATES") or ["5"],
        "PRESTASHOP_CANCELLED_STATES": _list("PRESTASHOP_CANCELLED_STATES") or ["6"],
        "PRESTASHOP_ERROR_STATE": os.environ.get("PRESTASHOP_ERROR_STATE") or "8",
        "PRESTASHOP_REPLACEMENT_MODULE": os.environ.get("PRESTASHOP_REPLACEMENT_MODULE")
        or "ps_wirepayment",
        "PRESTASHOP_POLL_OVERLAP_MINUTES": _int("PRESTASHOP_POLL_OVERLAP_MINUTES", 30),
        # WooCommerce (docs/shops-woocommerce.md); the staff page's connection wins
        "WOOCOMMERCE_STORE_URL": os.environ.get("WOOCOMMERCE_STORE_URL") or None,
        "WOOCOMMERCE_CONSUMER_KEY": os.environ.get("WOOCOMMERCE_CONSUMER_KEY") or None,
        "WOOCOMMERCE_CONSUMER_SECRET": os.environ.get("WOOCOMMERCE_CONSUMER_SECRET") or None,
        "WOOCOMMERCE_WEBHOOK_SECRET": os.environ.get("WOOCOMMERCE_WEBHOOK_SECRET") or None,
        "WOOCOMMERCE_TIMEOUT": _int("WOOCOMMERCE_TIMEOUT", 10),
        "WOOCOMMERCE_DELIVERY_DELAY_DAYS": _int("WOOCOMMERCE_DELIVERY_DELAY_DAYS", 3),
        "WOOCOMMERCE_RETURN_LINES_WITHOUT_SKU": _bool("WOOCOMMERCE_RETURN_LINES_WITHOUT_SKU", True),
        "WOOCOMMERCE_GIFT_META": _list("WOOCOMMERCE_GIFT_META")
        or ["gift_message", "_gift_message"],
        # Fernet key(s), comma-separated, newest first: encrypt shop credentials at rest
        "SECRETS_KEY": os.environ.get("SECRETS_KEY") or None,
        "DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE") or "fr",
        "LANGUAGES": ["fr", "en"],
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # A conversation with the shop (docs/conversation.md)
        "INBOUND_DOMAIN": os.environ.get("INBOUND_DOMAIN") or None,
        "INBOUND_MAX_BYTES": _int("INBOUND_MAX_BYTES", 1024 * 1024),
        "REPLY_PROMISE_HOURS": _int("REPLY_PROMISE_HOURS", 12),
        "REPLY_WORKING_HOURS": tuple(
            int(h) for h in (os.environ.get("REPLY_WORKING_HOURS") or "9-18").split("-")
        ),
        "REPLY_TIMEZONE": os.environ.get("REPLY_TIMEZONE") or "Europe/Paris",
        # days that are not working days for our promises (portal/services/holidays.py)
        "PUBLIC_HOLIDAYS": os.environ.get("PUBLIC_HOLIDAYS", "FR").strip().upper(),
        "SHOP_CLOSED_DAYS": _list("SHOP_CLOSED_DAYS"),
        "QUESTION_RATE_LIMIT": os.environ.get("QUESTION_RATE_LIMIT") or "5 per minute;30 per day",
        "QUESTION_MAX_CHARS": _int("QUESTION_MAX_CHARS", 2000),
        "LOOKUP_RATE_LIMIT": os.environ.get("LOOKUP_RATE_LIMIT") or "10 per minute;50 per hour",
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT") or "10 per minute",
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # Redis unreachable: the limits are not counted (and logged), the customer is
        # served, rather than every page failing with the shop's limiter down
        "RATELIMIT_SWALLOW_ERRORS": _bool("RATELIMIT_SWALLOW_ERRORS", True),
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": 30 * 1024 * 1024,
    }


def ensure_secret_key(instance_path: str) -> str:
    """Read the secret key from instance/secret_key, creating it on first run."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key

"""A connected shop platform (Shopify first) and the webhook deliveries it has sent us."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class ShopConnection(db.Model):
    """One platform's credentials (the token encrypted, see portal/shops/secrets.py) and
    what the last sync did."""

    __tablename__ = "shop_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), unique=True)
    domain: Mapped[str] = mapped_column(String(255))
    token_encrypted: Mapped[str] = mapped_column(Text)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sync_ok: Mapped[bool | None] = mapped_column()
    last_sync_counts: Mapped[dict | None] = mapped_column(JSON)
    last_sync_errors: Mapped[list | None] = mapped_column(JSON)


class ShopWebhook(db.Model):
    """A webhook delivery we have applied; its unique id makes replays harmless."""

    __tablename__ = "shop_webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    webhook_id: Mapped[str] = mapped_column(String(128), unique=True)
    topic: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

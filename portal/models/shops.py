"""A connected shop platform (Shopify first) and the webhook deliveries it has sent us."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal import lifecycle
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
    # the platform's webhook subscriptions as last listed ([{topic, address}]), and when
    webhooks: Mapped[list | None] = mapped_column(JSON)
    webhooks_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ShopWebhook(db.Model):
    """A webhook delivery we have applied; its unique id makes replays harmless."""

    __tablename__ = "shop_webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    webhook_id: Mapped[str] = mapped_column(String(128), unique=True)
    topic: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PlatformCall(db.Model):
    """A call to a shop platform made after commit (portal/shops/calls.py), exactly once
    per `key`: a gift card (`credit`), a stock hold (`reserve`) or its `release`, an
    exchange's zero-priced order (`replacement`). Status: lifecycle.PLATFORM_CALL."""

    __tablename__ = "platform_calls"
    __table_args__ = (
        CheckConstraint(lifecycle.check_constraint(lifecycle.PLATFORM_CALL), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))  # credit | reserve | release | replacement
    key: Mapped[str] = mapped_column(String(128), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=lifecycle.PLATFORM_CALL.initial)
    return_id: Mapped[int | None] = mapped_column(ForeignKey("return_requests.id"), index=True)
    return_item_id: Mapped[int | None] = mapped_column(ForeignKey("return_items.id"), index=True)
    store_credit_id: Mapped[int | None] = mapped_column(ForeignKey("store_credits.id"))
    payload: Mapped[dict] = mapped_column(JSON)  # the plain data the platform is sent
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # the platform's refusal
    external_id: Mapped[str | None] = mapped_column(String(64), index=True)
    code: Mapped[str | None] = mapped_column(String(64))  # a gift card's code, an order's name
    tracking_code: Mapped[str | None] = mapped_column(String(64))  # a replacement's parcel
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

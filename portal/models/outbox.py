from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    """An e-mail waiting to be delivered after commit.

    The request stores what the message says (`kind`, `locale` and `context`: the values
    it states, as they were at the event), in its own transaction; the worker renders it
    and builds its attachments (`portal.emails`). `raw` holds the MIME bytes of a message
    queued already built (rows written before this layout)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    return_id: Mapped[int | None] = mapped_column(index=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    context: Mapped[dict | None] = mapped_column(JSON)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

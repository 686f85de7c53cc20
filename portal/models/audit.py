from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class AuditEvent(db.Model):
    """Who did what to a return, when, from which status to which."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int | None] = mapped_column(ForeignKey("return_requests.id"), index=True)
    actor_type: Mapped[str] = mapped_column(String(16))  # customer|staff|carrier|system|api
    actor: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(48))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime


class TrackingPoll(db.Model):
    """When to ask a carrier without webhooks (Mondial Relay, Colissimo) about a label again.

    The interval doubles while nothing changes (30 min up to 12 h) and starts again at 30 min
    after a new scan; `next_poll_at` is also the lease that keeps two workers apart."""

    __tablename__ = "tracking_polls"

    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id"), primary_key=True)
    next_poll_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    interval_minutes: Mapped[int] = mapped_column(default=30)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)

"""What we told a customer when we were late, and what they thought of their return."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import lifecycle
from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow

LATE_CAUSES = ("refund_late", "label_stuck", "held_at_point")


class LateNotice(db.Model):
    """One apology per cause per return (the unique key makes a second run a no-op)."""

    __tablename__ = "late_notices"
    __table_args__ = (
        UniqueConstraint("return_id", "cause", name="uq_late_notice_cause"),
        CheckConstraint(
            "cause IN (" + ", ".join(f"'{c}'" for c in LATE_CAUSES) + ")", name="cause"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("return_requests.id"), index=True)
    cause: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    credit_id: Mapped[int | None] = mapped_column(ForeignKey("store_credits.id"))
    goodwill_amount: Mapped[int] = mapped_column(default=0)

    return_request = relationship("ReturnRequest")
    credit = relationship("StoreCredit")


class Feedback(db.Model):
    """The answer to "Did everything go well?": one per return."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(lifecycle.check_constraint(lifecycle.FEEDBACK), name="status"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("return_requests.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=lifecycle.FEEDBACK.initial)
    rating: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    return_request = relationship("ReturnRequest")

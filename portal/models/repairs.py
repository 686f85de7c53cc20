"""A repair under warranty: one case per returned item whose resolution is "repair"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import lifecycle
from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow
from portal.models.catalog import Variant
from portal.models.returns import ReturnItem


class RepairCase(db.Model):
    __tablename__ = "repair_cases"
    __table_args__ = (
        CheckConstraint(lifecycle.check_constraint(lifecycle.REPAIR), name="status"),
        CheckConstraint("quote_amount IS NULL OR quote_amount > 0", name="quote_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_item_id: Mapped[int] = mapped_column(ForeignKey("return_items.id"), unique=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("return_requests.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=lifecycle.REPAIR.initial, index=True)
    # why: the warranty (past the return window) or the customer's "it stopped working"
    under_warranty: Mapped[bool] = mapped_column(default=True)
    covered: Mapped[bool | None] = mapped_column()
    diagnosis_note: Mapped[str] = mapped_column(Text, default="")  # the customer reads it
    quote_amount: Mapped[int | None] = mapped_column()  # minor units, the order's currency
    tracking_code: Mapped[str | None] = mapped_column(String(64))
    replacement_variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    diagnosed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    item: Mapped[ReturnItem] = relationship()
    replacement_variant: Mapped[Variant | None] = relationship()

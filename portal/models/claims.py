"""A problem with an order that needs no return (a claim): what happened, what we did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import lifecycle
from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow
from portal.models.credits import StoreCredit
from portal.models.orders import Order, OrderLine
from portal.models.returns import ReturnRequest

CLAIM_KINDS = ("never_arrived", "damaged", "wrong_item", "missing_item")


class Claim(db.Model):
    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint(lifecycle.check_constraint(lifecycle.CLAIM), name="status"),
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in CLAIM_KINDS) + ")", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    access_key: Mapped[str] = mapped_column(String(64), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=lifecycle.CLAIM.initial, index=True)
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # what support decided
    replacement_tracking_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    credit_id: Mapped[int | None] = mapped_column(ForeignKey("store_credits.id"))
    # Keep it: what the policy credited at once (the customer keeps the item); else None
    kept_value: Mapped[int | None]
    # a refund decided by support: made through a kept return of the claimed lines
    return_id: Mapped[int | None] = mapped_column(ForeignKey("return_requests.id"), index=True)
    staff_note: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    original_found_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    order: Mapped[Order] = relationship()
    credit: Mapped[StoreCredit | None] = relationship()
    kept_return: Mapped[ReturnRequest | None] = relationship()
    lines: Mapped[list[ClaimLine]] = relationship(
        back_populates="claim", order_by="ClaimLine.id", cascade="all, delete-orphan"
    )
    photos: Mapped[list[ClaimPhoto]] = relationship(
        order_by="ClaimPhoto.id", cascade="all, delete-orphan"
    )

    @property
    def refunded_amount(self) -> int:
        """What support refunded to the original payment (its kept return's items); 0."""
        if self.kept_return is None:
            return 0
        return sum(item.outcome_amount or 0 for item in self.kept_return.items)


class ClaimLine(db.Model):
    __tablename__ = "claim_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    quantity: Mapped[int]

    claim: Mapped[Claim] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()

    @property
    def display_name(self) -> str:
        return self.order_line.variant.display_name


class ClaimPhoto(db.Model):
    __tablename__ = "claim_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

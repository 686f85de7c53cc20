from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow
from portal.models.catalog import Variant


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (CheckConstraint("discount >= 0", name="discount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    shipping_name: Mapped[str] = mapped_column(String(200))
    shipping_line1: Mapped[str] = mapped_column(String(200))
    shipping_line2: Mapped[str | None] = mapped_column(String(200))
    shipping_postcode: Mapped[str] = mapped_column(String(16))
    shipping_city: Mapped[str] = mapped_column(String(100))
    shipping_country: Mapped[str] = mapped_column(String(2))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    currency: Mapped[str] = mapped_column(String(3))
    payment_method: Mapped[str] = mapped_column(String(32))
    payment_reference: Mapped[str] = mapped_column(String(128), default="")
    discount: Mapped[int] = mapped_column(default=0)  # order-level, minor units, taxes included
    gift_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    gift_message: Mapped[str | None] = mapped_column(Text)
    cancelled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )

    @property
    def is_gift(self) -> bool:
        return bool(self.gift_code)


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "variant_id", name="uq_order_lines_order_variant"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("discount >= 0", name="discount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"), index=True)
    quantity: Mapped[int]
    unit_price: Mapped[int]
    discount: Mapped[int] = mapped_column(default=0)  # on the whole line, minor units
    final_sale: Mapped[bool] = mapped_column(default=False)

    order: Mapped[Order] = relationship(back_populates="lines")
    variant: Mapped[Variant] = relationship()

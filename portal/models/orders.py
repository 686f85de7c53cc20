from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow
from portal.models.catalog import Variant

_NOT_IN_KEY = re.compile(r"[\s#\-_./]+")


def order_number_key(raw: str | None) -> str:
    """An order number as customers type it: "#2002", " 2002 ", "fr-10001" and "FR10001"
    all give the same key (upper case, without spaces, '#', dashes, dots, slashes)."""
    return _NOT_IN_KEY.sub("", raw or "").upper()


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("discount >= 0", name="discount_not_negative"),
        UniqueConstraint("source", "external_id", name="uq_orders_source_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    # what lookups search (indexed; several orders may share one, the contact decides)
    number_key: Mapped[str] = mapped_column(String(64), index=True)
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
    # a shop platform's order ("shopify", its id); None for orders pushed through our API
    source: Mapped[str | None] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(64))
    # the platform's own `updated_at`: a sync that sees the same one writes nothing
    external_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # delivered_at is shipped date + a configured delay, not a carrier's delivery scan
    delivery_estimated: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )

    @validates("number")
    def _keep_key(self, _name: str, number: str) -> str:
        self.number_key = order_number_key(number)
        return number

    @property
    def is_gift(self) -> bool:
        return bool(self.gift_code)


# What the gift lookup compares (services.lookup.gift_statement), and an index on that very
# expression, so a gift code is found without reading every order. The '-' and '' are
# literals, not bound parameters: a database uses an expression index only for a query
# that spells the same expression (SQLite does not look inside a parameter).
GIFT_CODE_KEY = func.upper(
    func.replace(Order.gift_code, literal_column("'-'"), literal_column("''"))
)
Index("ix_orders_gift_code_key", GIFT_CODE_KEY)


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        # the platform's line id: the same SKU on two lines is two lines
        UniqueConstraint("order_id", "external_id", name="uq_order_lines_order_external_id"),
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
    external_id: Mapped[str | None] = mapped_column(String(64))

    order: Mapped[Order] = relationship(back_populates="lines")
    variant: Mapped[Variant] = relationship()

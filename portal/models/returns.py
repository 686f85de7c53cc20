from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import lifecycle, words
from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow
from portal.models.catalog import Variant
from portal.models.orders import Order, OrderLine
from portal.models.relay import RelayPoint

# The statuses live with their transitions in portal.lifecycle; the words in portal.words.
REASONS, RESOLUTIONS, GRADES = words.REASONS, words.RESOLUTIONS, words.GRADES


class ReturnRequest(db.Model):
    """The RMA: items of one order sent back in one parcel."""

    __tablename__ = "return_requests"
    __table_args__ = (CheckConstraint(lifecycle.check_constraint(lifecycle.RETURN), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rma: Mapped[str] = mapped_column(String(16), unique=True)
    access_key: Mapped[str] = mapped_column(String(64), unique=True)
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=lifecycle.RETURN.initial, index=True)
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    is_gift: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    sender_line1: Mapped[str] = mapped_column(String(200), default="")
    sender_line2: Mapped[str | None] = mapped_column(String(200))
    sender_postcode: Mapped[str] = mapped_column(String(16))
    sender_city: Mapped[str] = mapped_column(String(100), default="")
    sender_country: Mapped[str] = mapped_column(String(2), default="FR")
    relay_point_id: Mapped[int | None] = mapped_column(ForeignKey("relay_points.id"))
    label_error: Mapped[str | None] = mapped_column(Text)
    # Colissimo letterbox collection: the day the customer chose among those the service proposed
    collection_date: Mapped[date | None] = mapped_column(Date)
    label_shipment_id: Mapped[str | None] = mapped_column(String(64))
    label_blocked: Mapped[bool] = mapped_column(default=False)
    label_attempts: Mapped[int] = mapped_column(default=0)
    label_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship()
    relay_point: Mapped[RelayPoint | None] = relationship()
    items: Mapped[list[ReturnItem]] = relationship(
        back_populates="return_request", order_by="ReturnItem.id", cascade="all, delete-orphan"
    )
    labels: Mapped[list[Label]] = relationship(
        back_populates="return_request", order_by="Label.id", cascade="all, delete-orphan"
    )

    @property
    def current_label(self) -> Label | None:
        live = [label for label in self.labels if label.voided_at is None]
        return live[-1] if live else None


class ReturnItem(db.Model):
    __tablename__ = "return_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("received_quantity >= 0", name="received_not_negative"),
        CheckConstraint("amount_paid >= 0", name="amount_paid_not_negative"),
        CheckConstraint(lifecycle.check_constraint(lifecycle.RECEPTION), name="reception_status"),
        CheckConstraint(lifecycle.check_constraint(lifecycle.ACCEPTANCE), name="acceptance_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("return_requests.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    quantity: Mapped[int]
    reason: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(String(16))
    exchange_variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id"))
    stock_reserved: Mapped[bool] = mapped_column(default=False)
    amount_paid: Mapped[int]
    received_quantity: Mapped[int] = mapped_column(default=0)
    reception_status: Mapped[str] = mapped_column(
        String(16), default=lifecycle.RECEPTION.initial, server_default=lifecycle.RECEPTION.initial
    )
    acceptance_status: Mapped[str] = mapped_column(
        String(16),
        default=lifecycle.ACCEPTANCE.initial,
        server_default=lifecycle.ACCEPTANCE.initial,
    )
    reception_note: Mapped[str] = mapped_column(Text, default="")
    grade: Mapped[str | None] = mapped_column(String(1))
    diagnosis_note: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_amount: Mapped[int | None]
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    exchange_tracking_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    return_request: Mapped[ReturnRequest] = relationship(back_populates="items")
    order_line: Mapped[OrderLine] = relationship()
    exchange_variant: Mapped[Variant | None] = relationship()
    photos: Mapped[list[ReturnPhoto]] = relationship(cascade="all, delete-orphan")

    @property
    def display_name(self) -> str:
        return self.order_line.variant.display_name


class ReturnPhoto(db.Model):
    __tablename__ = "return_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_item_id: Mapped[int] = mapped_column(ForeignKey("return_items.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Label(db.Model):
    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("return_requests.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(32))
    tracking_code: Mapped[str] = mapped_column(String(64), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(64))
    # 40–85 KB: read only when the label is downloaded or attached, not on every page.
    # None: a label we draw ourselves, not drawn yet; `drawing` holds what it says
    # (portal.services.label_pdf draws it on first need, out of the customer's request)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    drawing: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    # the return slip sent with this label's confirmation, drawn once and kept
    # (portal.services.return_slip.for_mail); None: not drawn yet
    slip_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    return_request: Mapped[ReturnRequest] = relationship(back_populates="labels")


class Refund(db.Model):
    """Money owed back for one return item; at most one per item (database-enforced)."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint(lifecycle.check_constraint(lifecycle.REFUND), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_item_id: Mapped[int] = mapped_column(ForeignKey("return_items.id"), unique=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("return_requests.id"), index=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(16))  # original_payment | store_credit
    status: Mapped[str] = mapped_column(String(16))  # lifecycle.REFUND
    payment_reference: Mapped[str] = mapped_column(String(128), default="")
    store_credit_id: Mapped[int | None] = mapped_column(ForeignKey("store_credits.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when it was sent
    # the payment provider's side (portal/payments, docs/payments.md)
    provider: Mapped[str] = mapped_column(String(16), default="")
    provider_refund_id: Mapped[str | None] = mapped_column(String(64), index=True)
    provider_status: Mapped[str] = mapped_column(String(32), default="")
    failure_reason: Mapped[str] = mapped_column(Text, default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    generation: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    return_item: Mapped[ReturnItem] = relationship()


class DraftPhoto(db.Model):
    """A photo uploaded while the customer is still choosing; attached on submit."""

    __tablename__ = "draft_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_key: Mapped[str] = mapped_column(String(64), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # indexed: `flask returns expire` purges the abandoned ones by age
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

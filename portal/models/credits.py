from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class StoreCredit(db.Model):
    __tablename__ = "store_credits"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    balance: Mapped[int]
    initial_amount: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # refund | goodwill
    owner_name: Mapped[str] = mapped_column(String(200))
    owner_email: Mapped[str] = mapped_column(String(254))
    return_id: Mapped[int | None] = mapped_column(ForeignKey("return_requests.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    transactions: Mapped[list[CreditTransaction]] = relationship(
        back_populates="credit", order_by="CreditTransaction.id"
    )


class CreditTransaction(db.Model):
    __tablename__ = "credit_transactions"
    __table_args__ = (
        UniqueConstraint("credit_id", "idempotency_key", name="uq_credit_tx_idempotency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_id: Mapped[int] = mapped_column(ForeignKey("store_credits.id"), index=True)
    amount: Mapped[int]  # positive: issued; negative: spent
    kind: Mapped[str] = mapped_column(String(16))  # issue | redeem
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    balance_after: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    credit: Mapped[StoreCredit] = relationship(back_populates="transactions")

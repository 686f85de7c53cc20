"""A conversation with the shop: one thread per return, its messages in order.

Whether a thread waits for an answer is not stored: it does when its last message is the
customer's (`portal.conversation.threads`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow

AUTHORS = ("customer", "staff")
SOURCES = ("web", "email")


class Thread(db.Model):
    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("return_requests.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    return_request = relationship("ReturnRequest")
    messages: Mapped[list[Message]] = relationship(
        back_populates="thread", order_by="Message.id", cascade="all, delete-orphan"
    )


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("author IN ('customer', 'staff')", name="author"),
        CheckConstraint("source IN ('web', 'email')", name="source"),
        CheckConstraint("author = 'customer' OR staff_user_id IS NOT NULL", name="staff_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), index=True)
    author: Mapped[str] = mapped_column(String(16))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    source: Mapped[str] = mapped_column(String(8), default="web")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    thread: Mapped[Thread] = relationship(back_populates="messages")
    staff_user = relationship("StaffUser")

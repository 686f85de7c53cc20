"""The conversation's verbs: a customer asks, staff reply, the inbox lists what waits.

A thread waits for an answer when its last message is the customer's; it has waited
since the first of the customer's messages after our last reply. The verbs flush and
never commit (`portal.web.commit_verb` does); a reply queues its e-mail in the outbox."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.conversation import promise
from portal.extensions import db
from portal.models import Message, ReturnRequest, StaffUser, Thread
from portal.models.base import utcnow
from portal.notifications import notify
from portal.services.errors import AlreadyDone, MessageRefused

CUSTOMER, STAFF = "customer", "staff"
_LINE_ENDS = re.compile("\r\n|[\r\u2028\u2029]")


def thread_of(rr: ReturnRequest) -> Thread | None:
    return db.session.scalar(select(Thread).where(Thread.return_id == rr.id))


def clean_body(body: str | None) -> str:
    """The text as it will be kept: line ends unified, control characters and the
    blank space around it dropped. Refuses an empty or an over-long message."""
    text = _LINE_ENDS.sub("\n", body or "")
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc").strip()
    limit = current_app.config["QUESTION_MAX_CHARS"]
    if not text:
        raise MessageRefused(_("Please write your message."))
    if len(text) > limit:
        raise MessageRefused(_("Your message is too long: %(n)d characters at most.", n=limit))
    return text


def ask(rr: ReturnRequest, body: str | None, *, source: str = "web") -> Message:
    """The customer's message (from the status page, or a reply by e-mail)."""
    text = clean_body(body)
    thread = thread_of(rr)
    if thread is None:
        thread = Thread(return_id=rr.id)
        db.session.add(thread)
    message = Message(thread=thread, author=CUSTOMER, source=source, body=text, created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    return message


def reply(rr: ReturnRequest, user: StaffUser, body: str | None) -> Message:
    """A staff member answers; the customer gets the reply by e-mail, signed with the
    staff member's first name."""
    text = clean_body(body)
    thread = thread_of(rr)
    if thread is None or not thread.messages:
        raise MessageRefused(
            _("The customer has not written about this return: nothing to answer.")
        )
    last = thread.messages[-1]
    if last.author == STAFF and last.body == text:
        raise AlreadyDone(_("This reply was already sent."))
    message = Message(thread=thread, author=STAFF, staff_user_id=user.id, source="web", body=text)
    db.session.add(message)
    db.session.flush()
    notify(rr, "reply", message=text, signer=(user.first_name or "").strip())
    return message


def awaiting(thread: Thread) -> bool:
    return bool(thread.messages) and thread.messages[-1].author == CUSTOMER


def waiting_since(thread: Thread) -> datetime | None:
    """When the customer's unanswered messages began, or None if none waits."""
    since = None
    for message in reversed(thread.messages):
        if message.author != CUSTOMER:
            break
        since = message.created_at
    return since


@dataclass(frozen=True)
class InboxRow:
    thread: Thread
    rr: ReturnRequest
    waiting_since: datetime | None  # None: answered
    due: datetime | None
    missed: bool
    last_at: datetime


def _row(thread: Thread, now: datetime) -> InboxRow:
    since = waiting_since(thread)
    due = promise.due_by(since) if since else None
    return InboxRow(
        thread=thread,
        rr=thread.return_request,
        waiting_since=since,
        due=due,
        missed=due is not None and due < now,
        last_at=thread.messages[-1].created_at if thread.messages else thread.created_at,
    )


def inbox(limit: int = 200, now: datetime | None = None) -> list[InboxRow]:
    """Every thread: missed promises first, then the other unanswered ones, oldest
    first, then the answered ones, latest first."""
    now = now or utcnow()
    threads = db.session.scalars(
        select(Thread).options(selectinload(Thread.messages), selectinload(Thread.return_request))
    )
    rows = [_row(t, now) for t in threads if t.messages]
    waiting = sorted(
        (r for r in rows if r.waiting_since), key=lambda r: (not r.missed, r.waiting_since)
    )
    answered = sorted((r for r in rows if not r.waiting_since), key=lambda r: r.last_at)
    return (waiting + answered[::-1])[:limit]


@dataclass(frozen=True)
class InboxSummary:
    unanswered: int
    missed: int
    oldest: datetime | None


def summary(now: datetime | None = None) -> InboxSummary:
    rows = [r for r in inbox(limit=100_000, now=now) if r.waiting_since]
    return InboxSummary(
        unanswered=len(rows),
        missed=sum(r.missed for r in rows),
        oldest=min((r.waiting_since for r in rows), default=None),
    )

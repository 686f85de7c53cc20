"""What the status page and the staff pages show of a conversation (plain values)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_datetime as babel_datetime
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.conversation import promise, threads
from portal.i18n import current_locale
from portal.models import ReturnRequest
from portal.models.base import utcnow


def when_local(value: datetime) -> str:
    """'Tuesday 1 December, 11:00' in the shop's time zone and the reader's language."""
    return babel_datetime(promise.local_time(value), "EEEE d MMMM, HH:mm", locale=current_locale())


def promise_text() -> str:
    """What we promise, said where the customer writes."""
    hours, opens, closes, _tz = promise.settings()
    return ngettext(
        "We answer within %(num)d working hour (Monday to Friday, %(opens)d:00 to %(closes)d:00).",
        "We answer within %(num)d working hours (Monday to Friday, %(opens)d:00 to %(closes)d:00).",
        hours,
        opens=opens,
        closes=closes,
    )


def answer_by_text(asked_at: datetime) -> str:
    """'We answer within 12 working hours, by Tuesday 1 December, 11:00.'"""
    hours = promise.settings()[0]
    return ngettext(
        "Thank you. We answer within %(num)d working hour, by %(when)s.",
        "Thank you. We answer within %(num)d working hours, by %(when)s.",
        hours,
        when=when_local(promise.due_by(asked_at)),
    )


@dataclass(frozen=True)
class Shown:
    author: str  # customer or staff
    who: str
    when: str
    lines: list[str]
    by_email: bool


def _signature(message) -> str:
    user = message.staff_user
    first = (user.first_name or "").strip() if user is not None else ""
    if first:
        return _("%(first_name)s, customer service", first_name=first)
    return _("Customer service")


def _shown(message, *, staff_view: bool) -> Shown:
    if message.author == threads.CUSTOMER:
        who = _("You") if not staff_view else _("Customer")
    elif staff_view and message.staff_user is not None:
        who = message.staff_user.email
    else:
        who = _signature(message)
    return Shown(
        author=message.author,
        who=who,
        when=when_local(message.created_at),
        lines=message.body.split("\n"),
        by_email=message.source == "email",
    )


@dataclass(frozen=True)
class ThreadView:
    messages: list[Shown]
    waiting_since: datetime | None
    due: datetime | None
    due_text: str
    missed: bool
    promise_text: str
    max_chars: int


def thread_view(rr: ReturnRequest, *, staff_view: bool = False) -> ThreadView:
    thread = threads.thread_of(rr)
    messages = list(thread.messages) if thread is not None else []
    since = threads.waiting_since(thread) if thread is not None else None
    due = promise.due_by(since) if since else None
    missed = due is not None and due < utcnow()
    if missed:
        due_text = _("We are late in answering you, sorry: we answer as soon as we can.")
    else:
        due_text = _("We will answer by %(when)s.", when=when_local(due)) if due else ""
    return ThreadView(
        messages=[_shown(m, staff_view=staff_view) for m in messages],
        waiting_since=since,
        due=due,
        due_text=due_text,
        missed=missed,
        promise_text=promise_text(),
        max_chars=current_app.config["QUESTION_MAX_CHARS"],
    )

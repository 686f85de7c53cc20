"""After the last step: "Did everything go well?" and the customer's answer.

A return is over when it is resolved (refunded, exchanged or rejected) and the money of
each of its refunds has left (`lifecycle.money_left`). ``FEEDBACK_DELAY_HOURS`` after it
was resolved, one e-mail asks the question with five signed links (1 to 5). A link opens
a page with that rating chosen and a "Send" button (a GET never writes: a mail scanner
that follows links records nothing); sending records it. The customer may rate again
(the last rating counts) until they send a comment, which makes the answer final.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import lifecycle
from portal.extensions import db
from portal.followup_links import RATINGS, feedback_urls, read_feedback_token
from portal.followup_words import rating_labels
from portal.models import Feedback, Refund, ReturnRequest
from portal.models.base import utcnow
from portal.notifications import notify
from portal.services import audit
from portal.services.errors import AlreadyDone, ValidationFailed

MAX_COMMENT = 1000
ACTOR = "followup"


def is_over(rr: ReturnRequest) -> bool:
    """Resolved, and every refund's money has left."""
    if not lifecycle.is_in(rr, "resolved"):
        return False
    refunds = db.session.scalars(select(Refund).where(Refund.return_id == rr.id))
    return all(lifecycle.money_left(r) for r in refunds)


def feedback_of(rr: ReturnRequest) -> Feedback | None:
    return db.session.scalar(select(Feedback).where(Feedback.return_id == rr.id))


def due(now: datetime) -> list[ReturnRequest]:
    """Returns over for long enough that have not been asked yet."""
    asked = select(Feedback.return_id)
    before = now - timedelta(hours=current_app.config["FEEDBACK_DELAY_HOURS"])
    found = db.session.scalars(
        select(ReturnRequest)
        .where(
            ReturnRequest.status.in_(lifecycle.GROUPS["resolved"]),
            ReturnRequest.resolved_at.is_not(None),
            ReturnRequest.resolved_at <= before,
            ReturnRequest.id.not_in(asked),
        )
        .order_by(ReturnRequest.id)
    )
    return [rr for rr in found if is_over(rr)]


def ask(rr: ReturnRequest) -> Feedback | None:
    """Create the question and queue its e-mail, once (None if it already exists)."""
    feedback = Feedback(return_id=rr.id, status=None)
    lifecycle.apply(feedback, "ask", lifecycle.SYSTEM)
    try:
        with db.session.begin_nested():
            db.session.add(feedback)
    except IntegrityError:  # a concurrent run asked first
        return None
    audit.record(rr, "feedback_asked", actor_type=lifecycle.SYSTEM, actor=ACTOR)
    notify(rr, "feedback", links=_links(rr))
    db.session.flush()
    return feedback


def _links(rr: ReturnRequest) -> list[dict]:
    """The five links, best first, each with its words in the customer's language."""
    config = current_app.config
    locale = rr.locale if rr.locale in config["LANGUAGES"] else config["DEFAULT_LOCALE"]
    with force_locale(locale):
        words = rating_labels()
    return [{**link, "label": words[link["rating"]]} for link in reversed(feedback_urls(rr))]


def ask_due(now: datetime) -> int:
    return sum(1 for rr in due(now) if ask(rr) is not None)


def find_by_token(token: str) -> tuple[ReturnRequest, Feedback] | None:
    key = read_feedback_token(token)
    if not key:
        return None
    rr = db.session.scalar(select(ReturnRequest).where(ReturnRequest.access_key == key))
    feedback = feedback_of(rr) if rr is not None else None
    if feedback is None:
        return None
    return rr, feedback


def parse_rating(value) -> int:
    try:
        rating = int(str(value).strip())
    except (TypeError, ValueError):
        rating = 0
    if rating not in RATINGS:
        raise ValidationFailed({"rating": _("Choose a rating from 1 to 5.")})
    return rating


def answer(rr: ReturnRequest, rating, comment: str = "", now: datetime | None = None) -> Feedback:
    """Record the customer's rating (and comment). Raises ValidationFailed for a bad rating
    or a comment too long, AlreadyDone once a comment was sent; nothing changes then."""
    rating = parse_rating(rating)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(
            {"comment": _("Please keep your comment under %(n)d characters.", n=MAX_COMMENT)}
        )
    feedback = db.session.scalar(
        select(Feedback)
        .where(Feedback.return_id == rr.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if feedback is None or not lifecycle.feedback_open(feedback):
        raise AlreadyDone(
            _(
                "You have already sent us your opinion on return %(rma)s, with a comment: "
                "thank you. It can no longer be changed.",
                rma=rr.rma,
            )
        )
    audit.transition(feedback, "comment" if comment else "rate", actor_type=lifecycle.CUSTOMER)
    feedback.rating, feedback.rated_at = rating, now or utcnow()
    if comment:
        feedback.comment = comment
    audit.record(rr, "feedback_received", actor_type=lifecycle.CUSTOMER, rating=rating)
    db.session.flush()
    return feedback

"""The insights dashboard: what customers thought, and what we apologised for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Feedback, LateNotice, Order, ReturnRequest
from portal.models.base import utcnow
from portal.models.followup import LATE_CAUSES

PERIODS = (7, 30, 90, 365)  # days
DEFAULT_PERIOD = 30


@dataclass
class Insights:
    days: int
    since: datetime
    distribution: dict[int, int]  # rating → how many
    count: int
    average: float | None
    comments: list[tuple[Feedback, ReturnRequest]]
    notices: dict[str, int]  # cause → how many sent
    goodwill: dict[str, tuple[int, int]]  # currency → (how many, total minor units)


def period(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


def insights(days: int = DEFAULT_PERIOD, now: datetime | None = None) -> Insights:
    since = (now or utcnow()) - timedelta(days=days)
    rated = Feedback.rating.is_not(None) & (Feedback.rated_at >= since)
    distribution = dict.fromkeys(range(1, 6), 0)
    for rating, n in db.session.execute(
        select(Feedback.rating, func.count()).where(rated).group_by(Feedback.rating)
    ):
        distribution[rating] = n
    count = sum(distribution.values())
    average = sum(r * n for r, n in distribution.items()) / count if count else None
    comments = list(
        db.session.execute(
            select(Feedback, ReturnRequest)
            .join(ReturnRequest, ReturnRequest.id == Feedback.return_id)
            .where(rated, Feedback.comment != "")
            .order_by(Feedback.rated_at.desc(), Feedback.id.desc())
            .limit(20)
        )
    )
    notices = dict.fromkeys(LATE_CAUSES, 0)
    for cause, n in db.session.execute(
        select(LateNotice.cause, func.count())
        .where(LateNotice.sent_at >= since)
        .group_by(LateNotice.cause)
    ):
        notices[cause] = n
    goodwill = {}
    for currency, n, total in db.session.execute(
        select(Order.currency, func.count(), func.sum(LateNotice.goodwill_amount))
        .select_from(LateNotice)
        .join(ReturnRequest, ReturnRequest.id == LateNotice.return_id)
        .join(Order, Order.id == ReturnRequest.order_id)
        .where(LateNotice.sent_at >= since, LateNotice.goodwill_amount > 0)
        .group_by(Order.currency)
    ):
        goodwill[currency] = (n, int(total or 0))
    return Insights(days, since, distribution, count, average, comments, notices, goodwill)


def recent_notices(limit: int = 10) -> list[tuple[LateNotice, ReturnRequest]]:
    return list(
        db.session.execute(
            select(LateNotice, ReturnRequest)
            .join(ReturnRequest, ReturnRequest.id == LateNotice.return_id)
            .order_by(LateNotice.sent_at.desc(), LateNotice.id.desc())
            .limit(limit)
        )
    )

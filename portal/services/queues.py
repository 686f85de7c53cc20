"""The staff home's work queues: what waits for whom, and what is late.

- awaiting: a label was issued (or the parcel travels) and nothing has arrived yet;
- to_diagnose: received, not yet inspected;
- to_resolve: inspected, not yet refunded / exchanged / sent back;
- late: received more than 2 working days ago (Monday to Friday, in UTC, public
  holidays left out: services/holidays.py) and not yet resolved: our promise is a refund or an
  exchange within 2 working days of receipt.

Each list can be searched by RMA, order number, e-mail or tracking number and sorted
by age (oldest first by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal import lifecycle
from portal.extensions import db
from portal.models import Label, Order, ReturnRequest
from portal.models.base import utcnow
from portal.services import repair_cases
from portal.services.policy import current_policy
from portal.services.warehouse import normalize_code

QUEUES = ("late", "awaiting", "to_diagnose", "to_resolve")
STATUSES = {
    "awaiting": lifecycle.GROUPS["awaiting_parcel"],
    "to_diagnose": lifecycle.GROUPS["to_diagnose"],
    "to_resolve": lifecycle.GROUPS["to_resolve"],
    "late": lifecycle.GROUPS["promise_running"],
}
SORTS = ("oldest", "newest")


@dataclass
class Row:
    rr: ReturnRequest
    since: datetime
    late: bool

    @property
    def age(self) -> timedelta:
        return utcnow() - self.since


def is_late(rr: ReturnRequest, now: datetime | None = None) -> bool:
    """Received more than the promised working days ago and not yet resolved."""
    if rr.received_at is None or not lifecycle.is_in(rr, "promise_running"):
        return False
    repair = repair_cases.return_is_late(rr, now)  # a repair keeps its own promise
    if repair is not None:
        return repair
    return current_policy().promised_by(rr.received_at) < (now or utcnow())


def _since(rr: ReturnRequest) -> datetime:
    return rr.received_at or rr.created_at


def _base(name: str, q: str) -> Select:
    query = select(ReturnRequest).where(ReturnRequest.status.in_(STATUSES[name]))
    q = (q or "").strip()
    if q:
        like = f"%{q.lower()}%"
        code = normalize_code(q)
        tracked = select(Label.return_id).where(func.upper(Label.tracking_code) == code)
        query = query.join(Order, Order.id == ReturnRequest.order_id).where(
            or_(
                func.upper(ReturnRequest.rma) == code,
                func.lower(ReturnRequest.rma).like(like),
                func.lower(Order.number).like(like),
                func.lower(Order.email).like(like),
                func.lower(ReturnRequest.contact_email).like(like),
                ReturnRequest.id.in_(tracked),
            )
        )
    return query


def queue(
    name: str,
    *,
    q: str = "",
    sort: str = "oldest",
    now: datetime | None = None,
    limit: int = 200,
) -> list[Row]:
    """The returns in queue `name`, filtered by `q`, oldest (or newest) first."""
    if name not in QUEUES:
        raise ValueError(name)
    now = now or utcnow()
    query = _base(name, q)
    if name == "late":
        # Two working days are at least two calendar days: narrow in SQL, decide in Python.
        query = query.where(ReturnRequest.received_at < now - timedelta(days=2))
    age_column = ReturnRequest.created_at if name == "awaiting" else ReturnRequest.received_at
    order = age_column.desc() if sort == "newest" else age_column.asc()
    # each row shows its order's number and is judged late by its items (a repair keeps
    # its own promise): both read with the rows, not queries per row
    query = query.order_by(order, ReturnRequest.id).options(
        joinedload(ReturnRequest.order), selectinload(ReturnRequest.items)
    )
    if name != "late":
        query = query.limit(limit)
    rows = [Row(rr, _since(rr), is_late(rr, now)) for rr in db.session.scalars(query)]
    if name == "late":
        rows = [row for row in rows if row.late]
    return rows[:limit]


def counts(now: datetime | None = None) -> dict[str, int]:
    """How many returns wait in each queue."""
    now = now or utcnow()
    result = {}
    for name in QUEUES:
        if name == "late":
            result[name] = len(queue("late", now=now, limit=10_000))
        else:
            result[name] = db.session.scalar(
                select(func.count()).select_from(_base(name, "").subquery())
            )
    return result


def blocked_labels() -> list[ReturnRequest]:
    """Returns whose label purchase was refused for good: someone must look at them."""
    return list(
        db.session.scalars(
            select(ReturnRequest)
            .where(
                ReturnRequest.label_blocked.is_(True),
                ReturnRequest.status.in_(lifecycle.GROUPS["label_pending"]),
            )
            .order_by(ReturnRequest.created_at)
        )
    )

"""The customer's choices while they go through the pages, kept in the signed session.

Photos are too big for a cookie: they are stored as DraftPhoto rows keyed by the
draft's submission key and attached when the return is created.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from flask import session
from sqlalchemy import delete, func, select

from portal.extensions import db
from portal.models import DraftPhoto, Order
from portal.models.base import utcnow
from portal.services.returns import Contact, ItemChoice, ReturnDraft

KEY = "journey"
ABANDONED_AFTER = timedelta(days=1)
DONE = "journey_done"  # the submission key of the return this browser just confirmed


def start(order: Order, *, gift: bool) -> None:
    """A new journey, kept in the signed cookie only: finding an order writes nothing
    (abandoned photos are purged by `flask returns expire`, from cron)."""
    session[KEY] = {
        "order_id": order.id,
        "gift": gift,
        "key": uuid.uuid4().hex,
        "items": {},
        "relay_point_id": None,
        "contact": None,
        "postcode": None if gift else order.shipping_postcode,
    }


def current() -> dict | None:
    return session.get(KEY)


def update(**changes) -> None:
    data = dict(session[KEY])
    data.update(changes)
    session[KEY] = data


def clear() -> None:
    session.pop(KEY, None)


def finish(submission_key: str) -> None:
    """The journey is over; remember which return it made, for the back button and
    a second click on "confirm"."""
    session.pop(KEY, None)
    session[DONE] = submission_key


def finished_key() -> str | None:
    return session.get(DONE)


def choices(data: dict) -> list[ItemChoice]:
    return [
        ItemChoice(
            order_line_id=int(line_id),
            quantity=item["quantity"],
            reason=item["reason"],
            resolution=item["resolution"],
            comment=item.get("comment", ""),
            exchange_variant_id=item.get("exchange"),
        )
        for line_id, item in data["items"].items()
    ]


def photos(draft_key: str) -> dict[int, list[DraftPhoto]]:
    rows = db.session.scalars(select(DraftPhoto).where(DraftPhoto.draft_key == draft_key))
    found: dict[int, list[DraftPhoto]] = {}
    for row in rows:
        found.setdefault(row.order_line_id, []).append(row)
    return found


def photo_counts(draft_key: str) -> dict[int, int]:
    """How many photos each order line has (the page shows the count, not the photos)."""
    rows = db.session.execute(
        select(DraftPhoto.order_line_id, func.count())
        .where(DraftPhoto.draft_key == draft_key)
        .group_by(DraftPhoto.order_line_id)
    )
    return {line_id: count for line_id, count in rows}


def to_return_draft(
    data: dict, locale: str, stored: dict[int, list[DraftPhoto]] | None = None
) -> ReturnDraft:
    """The service's draft; `stored`: `photos(data["key"])` if already read."""
    items = choices(data)
    stored = photos(data["key"]) if stored is None else stored
    for item in items:
        item.photos = [(p.content_type, p.data) for p in stored.get(item.order_line_id, [])]
    contact = Contact(**data["contact"]) if data.get("contact") else None
    return ReturnDraft(
        order_id=data["order_id"],
        items=items,
        relay_point_id=data.get("relay_point_id"),
        locale=locale,
        submission_key=data["key"],
        gift=data["gift"],
        contact=contact,
    )


def drop_photos(draft_key: str) -> None:
    db.session.execute(delete(DraftPhoto).where(DraftPhoto.draft_key == draft_key))


def purge_abandoned_photos(now: datetime | None = None) -> int:
    """Delete the photos of journeys left unfinished for more than a day (the caller
    commits). Run by `flask returns expire` (cron), on the indexed `created_at`."""
    cutoff = (now or utcnow()) - ABANDONED_AFTER
    result = db.session.execute(delete(DraftPhoto).where(DraftPhoto.created_at < cutoff))
    return result.rowcount or 0

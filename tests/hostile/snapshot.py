"""What the database holds, to prove that a refused request changed nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db


def counts(ignore=()) -> dict[str, int]:
    """Rows per table (the outbox and audit trail included): a cheap, total fingerprint."""
    db.session.rollback()
    db.session.expire_all()
    tables = [t for t in db.metadata.sorted_tables if t.name not in ignore]
    one_query = select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))
    return dict(zip((t.name for t in tables), db.session.execute(one_query).one(), strict=True))


def fingerprint(ignore=()) -> dict[str, object]:
    """Row counts (but of the tables in `ignore`) plus the columns that a refused request
    could have changed."""
    from portal.models import ReturnItem, ReturnRequest, StaffUser, Variant

    found: dict[str, object] = counts(ignore)
    found["returns"] = sorted(
        db.session.execute(
            select(ReturnRequest.id, ReturnRequest.status, ReturnRequest.relay_point_id)
        ).all()
    )
    found["items"] = sorted(
        db.session.execute(
            select(
                ReturnItem.id,
                ReturnItem.received_quantity,
                ReturnItem.grade,
                ReturnItem.reception_note,
            )
        ).all()
    )
    found["stock"] = sorted(
        db.session.execute(select(Variant.id, Variant.stock_on_hand, Variant.stock_reserved)).all()
    )
    found["staff"] = sorted(
        db.session.execute(select(StaffUser.id, StaffUser.active, StaffUser.session_version)).all()
    )
    db.session.rollback()
    return found

"""What the database holds, to prove that a refused request changed nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db


def counts() -> dict[str, int]:
    """Rows per table (the outbox and audit trail included): a cheap, total fingerprint."""
    db.session.rollback()
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def fingerprint() -> dict[str, object]:
    """Row counts plus the columns that the refused requests could have changed."""
    from portal.models import ReturnItem, ReturnRequest, StaffUser, Variant

    found: dict[str, object] = counts()
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

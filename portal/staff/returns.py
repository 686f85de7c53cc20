"""A return's staff page: items, reception, diagnosis, refunds, credits, audit trail."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.links import status_url
from portal.models import Refund, StoreCredit
from portal.security import role_required
from portal.services import queues, timeline
from portal.services.warehouse import RECEIVABLE, item_name, promised_by
from portal.staff.blueprint import bp, return_or_404

GRADE_CHOICES = ("A", "B", "C")


@bp.get("/returns/<rma>")
@role_required("warehouse")
def return_page(rma: str):
    rr = return_or_404(rma)
    refunds = {
        r.return_item_id: r
        for r in db.session.scalars(select(Refund).where(Refund.return_id == rr.id))
    }
    credits = list(
        db.session.scalars(
            select(StoreCredit).where(StoreCredit.return_id == rr.id).order_by(StoreCredit.id)
        )
    )
    receivable = rr.status in RECEIVABLE and any(
        i.received_quantity < i.quantity and i.grade is None for i in rr.items
    )
    to_grade = [i for i in rr.items if i.received_quantity > 0 and i.grade is None]
    return render_template(
        "staff/return.html",
        rr=rr,
        names={i.id: item_name(i) for i in rr.items},
        refunds=refunds,
        credits=credits,
        events=timeline.events(rr),
        receivable=receivable,
        to_grade=to_grade if rr.status == "received" else [],
        late=queues.is_late(rr),
        promised_by=promised_by(rr),
        customer_link=status_url(rr),
        can_support=current_user.has_role("support"),
        grades=GRADE_CHOICES,
    )

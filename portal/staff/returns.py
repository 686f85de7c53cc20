"""A return's staff page: items, reception, diagnosis, refunds, credits, audit trail."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from portal import lifecycle
from portal.extensions import db
from portal.links import status_url
from portal.models import Refund, StoreCredit
from portal.security import role_required
from portal.services import claims, queues, timeline
from portal.services.warehouse import promised_by
from portal.staff.blueprint import bp, return_or_404
from portal.words import grade_labels


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
    to_receive = [
        i for i in rr.items if i.received_quantity < i.quantity and not lifecycle.graded(i)
    ]
    can_receive = lifecycle.can(rr, "receive") or lifecycle.can(rr, "receive_more")
    to_grade = [
        i
        for i in rr.items
        if i.received_quantity > 0 and not lifecycle.graded(i) and i.resolution != "repair"
    ]
    return render_template(
        "staff/return.html",
        rr=rr,
        names={i.id: i.display_name for i in rr.items},
        refunds=refunds,
        credits=credits,
        events=timeline.events(rr),
        receivable=can_receive and bool(to_receive),
        to_receive=to_receive,
        # not scanned by the carrier (or the label expired), and still receivable
        not_scanned=lifecycle.can(rr, "receive") and not lifecycle.can(rr, "carrier_delivered"),
        to_grade=to_grade if lifecycle.can(rr, "grade") else [],
        pending=[i for i in rr.items if lifecycle.to_resolve(i)],
        late=queues.is_late(rr),
        promised_by=promised_by(rr),
        customer_link=status_url(rr),
        can_support=current_user.has_role("support"),
        grades=grade_labels(),
        history=claims.history(rr.contact_email, exclude=rr),
    )

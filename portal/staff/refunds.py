"""Refunds to pay: what the shop must pay back by hand (manual payment provider)."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.extensions import db
from portal.i18n import money
from portal.models import Refund
from portal.security import role_required
from portal.services import payments, resolve
from portal.staff.blueprint import actor, bp, run


@bp.get("/refunds")
@role_required("support")
def refunds():
    return render_template(
        "staff/refunds.html", pending=payments.refunds_to_pay(), paid=payments.recently_paid()
    )


@bp.post("/refunds/<int:refund_id>/paid")
@role_required("support")
def refund_paid(refund_id: int):
    refund = db.session.get(Refund, refund_id)
    if refund is None:
        abort(404)
    run(
        lambda: resolve.mark_refund_paid(refund, actor()),
        lambda r: _("Refund of %(amount)s marked as paid.", amount=money(r.amount, r.currency)),
    )
    return redirect(url_for("staff.refunds"))

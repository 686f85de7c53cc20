"""Refunds to pay: what the shop pays by hand (manual), what a provider is paying, and the
failed ones with their next steps (retry, store credit instead, paid by hand)."""

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
        "staff/refunds.html",
        pending=payments.refunds_to_pay(),
        in_flight=payments.refunds_in_flight(),
        failed=payments.failed_refunds(),
        paid=payments.recently_paid(),
    )


def _refund_or_404(refund_id: int) -> Refund:
    refund = db.session.get(Refund, refund_id)
    if refund is None:
        abort(404)
    return refund


@bp.post("/refunds/<int:refund_id>/paid")
@role_required("support")
def refund_paid(refund_id: int):
    refund = _refund_or_404(refund_id)
    run(
        lambda: resolve.mark_refund_paid(refund, actor()),
        lambda r: _("Refund of %(amount)s marked as paid.", amount=money(r.amount, r.currency)),
    )
    return redirect(url_for("staff.refunds"))


@bp.post("/refunds/<int:refund_id>/retry")
@role_required("support")
def refund_retry(refund_id: int):
    _refund_or_404(refund_id)
    run(
        lambda: payments.retry(refund_id, actor()),
        lambda r: _(
            "Refund of %(amount)s approved again; it is being sent.",
            amount=money(r.amount, r.currency),
        ),
    )
    return redirect(url_for("staff.refunds"))


@bp.post("/refunds/<int:refund_id>/credit")
@role_required("support")
def refund_as_credit(refund_id: int):
    _refund_or_404(refund_id)
    run(
        lambda: payments.store_credit_instead(refund_id, actor()),
        lambda r: _("Store credit issued instead of the refund."),
    )
    return redirect(url_for("staff.refunds"))

"""What staff do to a return: one POST route per verb, each calling one service verb.

Parse the form, call the verb, commit once, redirect to the return page; a domain
error is flashed and rolled back, and nothing changes (see `blueprint.run`).
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from portal.i18n import money
from portal.models import ReturnRequest
from portal.security import role_required
from portal.services import resolve, warehouse
from portal.services.labels import reissue_label
from portal.staff.blueprint import actor, bp, item_or_404, return_or_404, run
from portal.staff.forms import parse_amount, parse_quantity
from portal.web import run_or_flash


def _back(rr: ReturnRequest):
    return redirect(url_for("staff.return_page", rma=rr.rma))


@bp.post("/returns/<rma>/receive")
@role_required("warehouse")
def receive(rma: str):
    rr = return_or_404(rma)
    form = request.form

    def verb():
        quantities = {
            item.id: parse_quantity(form.get(f"qty-{item.id}"), f"item-{item.id}")
            for item in rr.items
        }
        notes = {item.id: form.get(f"note-{item.id}", "") for item in rr.items}
        return warehouse.receive_parcel(
            rr, quantities, form.get("note", ""), actor(), item_notes=notes
        )

    run(verb, lambda got: _("Parcel received: %(n)d unit(s) recorded.", n=sum(got.values())))
    return _back(rr)


@bp.post("/returns/<rma>/items/<int:item_id>/refund")
@role_required("support")
def refund(rma: str, item_id: int):
    rr = return_or_404(rma)
    item = item_or_404(rr, item_id)
    run(
        lambda: resolve.issue_refund(rr, item, actor()),
        lambda r: _(
            "Refund of %(amount)s recorded (%(method)s).",
            amount=money(r.amount, r.currency),
            method=_("store credit") if r.method == "store_credit" else _("original payment"),
        ),
    )
    return _back(rr)


@bp.post("/returns/<rma>/items/<int:item_id>/ship-exchange")
@role_required("support")
def ship_exchange(rma: str, item_id: int):
    rr = return_or_404(rma)
    item = item_or_404(rr, item_id)
    run(
        lambda: resolve.ship_exchange(rr, item, actor_type="staff", actor=actor()),
        lambda code: (
            _("Exchange shipped. Tracking number: %(code)s.", code=code)
            if code
            else _(
                "Replacement ordered in the shop platform; its tracking number comes with "
                "its shipment."
            )
        ),
    )
    return _back(rr)


@bp.post("/returns/<rma>/items/<int:item_id>/send-back")
@role_required("support")
def send_back(rma: str, item_id: int):
    rr = return_or_404(rma)
    item = item_or_404(rr, item_id)
    run(
        lambda: resolve.reject_item(rr, item, actor()),
        lambda code: _("Item sent back to the customer. Tracking number: %(code)s.", code=code),
    )
    return _back(rr)


@bp.post("/returns/<rma>/goodwill")
@role_required("support")
def goodwill(rma: str):
    rr = return_or_404(rma)
    run(
        lambda: resolve.goodwill_gesture(
            rr,
            parse_amount(request.form.get("amount"), rr.order.currency),
            request.form.get("note", ""),
            actor(),
        ),
        lambda credit: _(
            "Goodwill gesture of %(amount)s sent to the customer.",
            amount=money(credit.initial_amount, credit.currency),
        ),
    )
    return _back(rr)


@bp.post("/returns/<rma>/reissue-label")
@role_required("support")
def reissue(rma: str):
    rr = return_or_404(rma)
    # a carrier failure is recorded (and committed) too, to be retried
    ok, label = run_or_flash(lambda: reissue_label(rr, actor_type="staff", actor=actor()))
    if not ok:
        return _back(rr)
    if label is None:
        flash(_("The carrier refused the label: %(error)s", error=rr.label_error or ""), "error")
    else:
        flash(_("New label issued and e-mailed: %(code)s.", code=label.tracking_code), "success")
    return _back(rr)

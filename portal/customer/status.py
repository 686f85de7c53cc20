"""The return's status page: a signed link, no login."""

from __future__ import annotations

from functools import cache

from babel import dates
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from portal import lifecycle
from portal.customer.blueprint import bp
from portal.customer.forms import PlainForm
from portal.customer.summary_view import shipped_exchanges
from portal.edge import form_id
from portal.extensions import db
from portal.lifecycle import can, is_in
from portal.links import status_path, status_url
from portal.models import OrderLine, RelayPoint, ReturnItem, ReturnRequest, Variant
from portal.payments.service import customer_view
from portal.security import read_status_token
from portal.services import return_slip, timeline
from portal.services.drop_off_points import anywhere_options, find_drop_off_points
from portal.services.label_pdf import current_pdf, with_current_pdf
from portal.services.labels import reissue_label
from portal.services.policy import current_policy
from portal.services.returns import cancel_return
from portal.services.summary import for_return
from portal.services.tracking_words import notices
from portal.web import run_or_flash

# what the status page walks, read in one statement rather than one per relation or row:
# a return has a label or two and a few items, so the joined rows stay few
_PAGE_LOADS = (
    joinedload(ReturnRequest.labels),
    joinedload(ReturnRequest.items)
    .joinedload(ReturnItem.order_line)
    .joinedload(OrderLine.variant)
    .joinedload(Variant.product),
    joinedload(ReturnRequest.items)
    .joinedload(ReturnItem.exchange_variant)
    .joinedload(Variant.product),
    joinedload(ReturnRequest.order),
    joinedload(ReturnRequest.relay_point),
)


def _key(token: str) -> str:
    key = read_status_token(token)
    if not key:
        abort(404)
    return key


@cache  # built on first use, then shared: a statement is immutable
def _by_key(page: bool) -> Select:
    """The return of an access key (bound when run); `page`: with what the status page walks."""
    found = select(ReturnRequest).where(ReturnRequest.access_key == bindparam("access_key"))
    return found.options(*_PAGE_LOADS) if page else found


def _return_for(token: str, page: bool = False) -> ReturnRequest:
    found = db.session.execute(_by_key(page), {"access_key": _key(token)})
    rr = found.unique().scalar_one_or_none()
    if rr is None:
        abort(404)
    return rr


def _short_datetimes():
    """`flask_babel.format_datetime(value, "short")`, with the reader's locale and time zone
    looked up once for all the lines of a page."""
    locale, tzinfo = get_locale(), get_timezone()
    return lambda value: dates.format_datetime(value, "short", tzinfo=tzinfo, locale=locale)


@bp.get("/r/<token>")
def status(token: str):
    rr = _return_for(token, page=True)
    read = timeline.events(rr)  # once: the list and the progress bar share them
    policy = current_policy()
    short = _short_datetimes()
    return render_template(
        "customer/status.html",
        rr=rr,
        token=token,
        status_url=status_url(rr),
        steps=timeline.steps(rr, read),
        events=[(short(when), text) for when, text in timeline.history(rr, read)],
        notices=notices(rr),
        next_step=timeline.next_step(rr, policy.label_valid_days),
        new=request.args.get("new") == "1",
        money_view=customer_view(rr),
        summary=for_return(rr, policy),
        shipped=shipped_exchanges(rr),
        kept=lifecycle.kept(rr),
    )


@bp.get("/r/<token>/label.pdf")
def label_pdf(token: str):
    found = with_current_pdf(_key(token))
    if found is None:
        abort(404)
    rr, label_id, pdf = found  # the return, its current label and that label's stored PDF
    if label_id is None or is_in(rr, "ended_unsent"):
        abort(404)
    return Response(
        current_pdf(label_id, pdf),  # drawn now if the worker has not yet (nothing written)
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="label-{rr.rma}.pdf"'},
    )


@bp.get("/r/<token>/slip.pdf")
def slip_pdf(token: str):
    """The return slip to put in the parcel (RMA, QR code for the warehouse, the items)."""
    rr = _return_for(token)
    if is_in(rr, "ended_unsent"):
        abort(404)
    return Response(
        return_slip.stored_or_drawn(rr),  # as kept when the confirmation was sent
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="return-slip-{rr.rma}.pdf"'},
    )


@bp.get("/r/<token>/cancel")
def cancel_page(token: str):
    """Cancelling asks first, and says what it does."""
    rr = _return_for(token)
    if not can(rr, "cancel"):
        flash(_("This return can no longer be cancelled."), "error")
        return redirect(status_path(rr))
    reserved = [
        item.exchange_variant.display_name
        for item in rr.items
        if item.stock_reserved and item.exchange_variant
    ]
    return render_template(
        "customer/cancel.html", rr=rr, token=token, form=PlainForm(), reserved=reserved
    )


@bp.post("/r/<token>/cancel")
def cancel(token: str):
    rr = _return_for(token)
    if not PlainForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "yes":  # an old page's button: ask first
        return redirect(url_for("customer.cancel_page", token=token))
    run_or_flash(
        lambda: cancel_return(rr, actor_type="customer", actor=rr.contact_email),
        _("Your return is cancelled."),
    )
    return redirect(status_path(rr))


@bp.route("/r/<token>/relay", methods=["GET", "POST"])
def change_relay(token: str):
    """Choose another relay point (or just get a new label) before drop-off."""
    rr = _return_for(token)
    form = PlainForm()
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    if not can(rr, "change_relay"):  # dropped off, cancelled or expired: nothing to change
        # the words of services.labels.reissue_label, translated here
        flash(_("A new label can only be issued before the parcel is sent."), "error")
        return redirect(status_path(rr))
    if request.method == "POST":
        point = db.session.get(RelayPoint, form_id("relay_point_id") or 0)
        if point is None or not point.active:
            flash(_("Please choose a drop-off point from the list."), "error")
            return redirect(url_for("customer.change_relay", token=token))
        ok, label = run_or_flash(
            lambda: reissue_label(
                rr, actor_type="customer", actor=rr.contact_email, relay_point=point
            )
        )
        if ok and label is not None:
            flash(_("Here is your new label. The previous one no longer works."), "success")
        return redirect(status_path(rr))
    postcode = (request.args.get("postcode") or rr.sender_postcode or "").strip()[:16]
    found = find_drop_off_points(postcode)
    anywhere = anywhere_options()
    db.session.commit()  # live points are kept, as the fallback list
    return render_template(
        "customer/relay.html",
        postcode=postcode,
        points=found.points,
        found=found,
        anywhere=anywhere,
        form=form,
        chosen=rr.relay_point_id,
        token=token,
    )

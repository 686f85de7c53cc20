"""A repair quote, reached by the signed link of the diagnosis e-mail: one page, one button
(Accept or Decline), a POST with CSRF. Opening the link changes nothing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from portal import lifecycle
from portal.customer.blueprint import bp
from portal.customer.forms import PlainForm
from portal.extensions import db, limiter
from portal.links import status_path
from portal.models import RepairCase, ReturnRequest
from portal.services import repair_cases
from portal.services.repair_links import quote_path, read_quote_token
from portal.web import run_or_flash


def _case_for(token: str) -> tuple[ReturnRequest, RepairCase]:
    found = read_quote_token(token)
    if found is None:
        abort(404)
    access_key, case_id = found
    rr = db.session.scalar(select(ReturnRequest).where(ReturnRequest.access_key == access_key))
    case = db.session.get(RepairCase, case_id)
    if rr is None or case is None or case.return_id != rr.id:
        abort(404)
    return rr, case


@bp.get("/repair/quote/<token>")
def repair_quote(token: str):
    rr, case = _case_for(token)
    return render_template(
        "customer/repair_quote.html",
        rr=rr,
        case=case,
        name=case.item.display_name,
        currency=rr.order.currency,
        open=lifecycle.repair_at(case, lifecycle.QUOTED),
        form=PlainForm(),
        status_link=status_path(rr),
    )


@bp.post("/repair/quote/<token>")
@limiter.limit("20 per minute", methods=["POST"])
def answer_repair_quote(token: str):
    rr, case = _case_for(token)
    if not PlainForm().validate_on_submit():
        abort(400)
    answer = request.form.get("answer")
    if answer not in ("accept", "decline"):
        flash(_("Please choose to accept or decline the quote."), "error")
        return redirect(quote_path(rr, case))
    accept = answer == "accept"
    run_or_flash(
        lambda: repair_cases.answer_quote(rr, case, accept=accept),
        _("Thank you: we are repairing your item.")
        if accept
        else _("Noted: we send your item back unrepaired."),
    )
    return redirect(status_path(rr))


@bp.app_template_global("repair_quotes")
def repair_quotes(rr: ReturnRequest) -> list[tuple[str, int, str]]:
    """(item, price, quote page) for each quote waiting for the customer's answer."""
    return [
        (case.item.display_name, case.quote_amount or 0, quote_path(rr, case))
        for case in repair_cases.cases_of(rr)
        if lifecycle.repair_at(case, lifecycle.QUOTED)
    ]

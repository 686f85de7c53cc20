"""The repair section of a return's staff page, and the staff home's "Repairs by step" tile.

Warehouse staff diagnose, ship repaired items, replace and send back; support refunds.
Every route runs one verb of `services.repair_cases` and commits once; an illegal step is
a clear message and changes nothing.
"""

from __future__ import annotations

from collections import defaultdict

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import lifecycle
from portal.edge import form_id
from portal.extensions import db
from portal.models import RepairCase, ReturnRequest
from portal.models.base import utcnow
from portal.money import BadAmount, parse
from portal.security import role_required
from portal.services import repair_cases
from portal.services.errors import ValidationFailed
from portal.staff.blueprint import actor, age, bp, return_or_404, run


def _case(rr: ReturnRequest) -> RepairCase:
    try:
        return repair_cases.case_of(rr, form_id("case_id") or 0)
    except ValidationFailed:
        abort(404)


def _back(rr: ReturnRequest):
    return redirect(url_for("staff.return_page", rma=rr.rma) + "#repairs")


@bp.post("/returns/<rma>/repairs/diagnose")
@role_required("warehouse")
def repair_diagnose(rma: str):
    rr = return_or_404(rma)
    case = _case(rr)
    if request.form.get("covered") == "no_fault":
        note = request.form.get("note", "")
        run(lambda: repair_cases.find_no_fault(rr, case, note=note, actor=actor()),
            _("No fault found; the customer is e-mailed."))  # fmt: skip
        return _back(rr)
    covered = request.form.get("covered") == "yes"
    quote = None
    if not covered:
        try:
            quote = parse(request.form.get("quote", ""), rr.order.currency)
        except BadAmount:
            quote = -1  # refused by the verb, with its message
    note = request.form.get("note", "")
    run(
        lambda: repair_cases.diagnose(rr, case, covered=covered, note=note, quote=quote,
                                      actor=actor()),
        _("Diagnosis saved; the customer is e-mailed."),
    )  # fmt: skip
    return _back(rr)


@bp.post("/returns/<rma>/repairs/ship")
@role_required("warehouse")
def repair_ship(rma: str):
    rr = return_or_404(rma)
    case = _case(rr)
    tracking = request.form.get("tracking", "")
    if request.form.get("step") == "send_back_working":
        run(lambda: repair_cases.send_back(rr, case, tracking, actor()),
            _("Sent back, no fault found; the customer is e-mailed."))  # fmt: skip
    elif request.form.get("step") == "send_back":
        run(lambda: repair_cases.send_back(rr, case, tracking, actor()),
            _("Sent back unrepaired; the customer is e-mailed."))  # fmt: skip
    else:
        run(lambda: repair_cases.ship_repaired(rr, case, tracking, actor()),
            _("Repaired and shipped; the customer is e-mailed."))  # fmt: skip
    return _back(rr)


@bp.post("/returns/<rma>/repairs/replace")
@role_required("warehouse")
def repair_replace(rma: str):
    rr = return_or_404(rma)
    case = _case(rr)
    variant_id = form_id("variant_id") or 0
    tracking = request.form.get("tracking", "")
    run(lambda: repair_cases.replace(rr, case, variant_id, tracking, actor()),
        _("Replacement shipped; the customer is e-mailed."))  # fmt: skip
    return _back(rr)


@bp.post("/returns/<rma>/repairs/refund")
@role_required("support")
def repair_refund(rma: str):
    rr = return_or_404(rma)
    case = _case(rr)
    run(lambda: repair_cases.refund(rr, case, actor()),
        _("Refund approved; the customer is e-mailed."))  # fmt: skip
    return _back(rr)


def _ship_button(case: RepairCase) -> dict:
    """The step the ship form takes for this case, and its button's words."""
    steps = {
        "send_back_working": _("Sent back, no fault found"),
        "send_back": _("Sent back unrepaired"),
        "ship_repaired": _("Repaired and shipped back"),
    }
    for step, label in steps.items():
        if lifecycle.can(case, step, "staff", lifecycle.REPAIR):
            return {"ship_step": step, "ship_label": label}
    return {"ship_step": "", "ship_label": ""}


@bp.app_template_global("repair_section")
def repair_section(rr: ReturnRequest) -> list[dict]:
    """What the return page's repair section shows, case by case."""
    rows = []
    for case in repair_cases.cases_of(rr):
        by = repair_cases.promised_by(case)
        rows.append(
            {
                "case": case,
                "name": case.item.display_name,
                "fault": case.item.comment,
                "steps": lifecycle.allowed_events(case, "staff", lifecycle.REPAIR),
                "promised_by": by,
                "late": repair_cases.is_late(case),
                "options": repair_cases.replacement_options(case)
                if lifecycle.can(case, "replace", "staff", lifecycle.REPAIR)
                else [],
                "can_refund": current_user.has_role("support"),
                "units": repair_cases.units_of(case),
                "refund_amount": repair_cases.refund_amount(case),
                **_ship_button(case),
            }
        )
    return rows


@bp.app_template_global("repairs_by_step")
def repairs_by_step() -> list[tuple[str, list[dict]]]:
    """Open repairs grouped by state, oldest first, with their age and the promise."""
    cases = db.session.scalars(
        select(RepairCase)
        .where(RepairCase.status.in_(lifecycle.REPAIR_GROUPS["repair_open"]))
        .order_by(RepairCase.created_at)
        .limit(200)
    )
    groups: dict[str, list[dict]] = defaultdict(list)
    now = utcnow()
    for case in cases:
        rr = case.item.return_request
        groups[case.status].append(
            {
                "rma": rr.rma,
                "name": case.item.display_name,
                "age": age(case.received_at or case.created_at, now),
                "late": repair_cases.is_late(case, now),
                "promised_by": repair_cases.promised_by(case),
            }
        )
    return [(state, groups[state]) for state in lifecycle.REPAIR.states if groups.get(state)]

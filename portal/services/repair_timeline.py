"""The repair's lines on the customer's status page, in their words."""

from __future__ import annotations

from flask_babel import gettext as _

from portal import lifecycle
from portal.extensions import db
from portal.i18n import fmt_date, money
from portal.models import AuditEvent, RepairCase, ReturnRequest
from portal.services import repair_cases


def line(event: AuditEvent) -> str | None:
    """A repair step in the customer's words; None for anything else."""
    if not event.action.startswith("repair_"):
        return None
    case = db.session.get(RepairCase, (event.details or {}).get("case_id") or 0)
    if case is None:
        return None
    name = case.item.display_name
    details = event.details or {}
    texts = {
        "repair_requested": lambda: _("You asked us to repair your %(name)s.", name=name),
        "repair_received": lambda: _("We received your %(name)s.", name=name),
        "repair_covered": lambda: _(
            "Diagnosis: %(note)s It is covered, we are repairing it.", note=_sentence(details)
        ),
        "repair_quoted": lambda: _(
            "Diagnosis: %(note)s It is not covered: we sent you a quote of %(price)s.",
            note=_sentence(details),
            price=money(case.quote_amount or 0, case.item.return_request.order.currency),
        ),
        "repair_quote_accepted": lambda: _("You accepted the quote: we are repairing it."),
        "repair_quote_declined": lambda: _("You declined the quote: we send it back unrepaired."),
        "repair_shipped": lambda: _(
            "Repaired and on its way back: tracking %(code)s.", code=details.get("tracking_code")
        ),
        "repair_replaced": lambda: _(
            "Replaced and on its way: tracking %(code)s.", code=details.get("tracking_code")
        ),
        "repair_refunded": lambda: _(
            "We could neither repair nor replace your %(name)s: we refund it.", name=name
        ),
        "repair_sent_back": lambda: _(
            "Sent back unrepaired: tracking %(code)s.", code=details.get("tracking_code")
        ),
        "repair_no_fault": lambda: _(
            "We tested your %(name)s and found no fault: %(note)s We send it back at no cost.",
            name=name,
            note=_sentence(details),
        ),
        "repair_no_fault_sent": lambda: _(
            "Sent back, no fault found, nothing to pay: tracking %(code)s.",
            code=details.get("tracking_code"),
        ),
    }
    text = texts.get(event.action)
    return text() if text else None


def _sentence(details: dict) -> str:
    note = (details.get("note") or "").strip()
    return note if note.endswith((".", "!", "?")) else note + "."


def next_step(rr: ReturnRequest) -> str | None:
    """What happens next for a return holding a repair, once its parcel is in."""
    cases = repair_cases.cases_of(rr)
    if not cases or rr.received_at is None:
        return None
    for case in cases:
        if lifecycle.repair_at(case, lifecycle.QUOTED):
            return _("Our quote is waiting for your answer: accept or decline it below.")
    for case in cases:
        if lifecycle.repair_at(case, lifecycle.NO_FAULT):
            return _(
                "We found no fault in your %(name)s: we send it back to you, at no cost.",
                name=case.item.display_name,
            )
    for case in cases:
        if lifecycle.repair_is(case, "repair_in_hand"):
            by = repair_cases.promised_by(case)
            return _(
                "We're taking care of your repair. It is done by %(date)s at the latest.",
                date=fmt_date(by.date()) if by else "",
            )
    return None


def resolved_title(rr: ReturnRequest) -> str | None:
    """The last step of the progress bar for a return of repairs only, saying what really
    happened; None for any other return ("Refunded or exchange shipped")."""
    cases = repair_cases.cases_of(rr)
    others = [i for i in rr.items if i.received_quantity > 0 and i.outcome != "repair"]
    if not cases or others:
        return None  # a repair refunded has outcome "refund": the usual words are true
    if not all(lifecycle.repair_is(case, "repair_done") for case in cases):
        return _("Repair finished")  # still to come
    if any(lifecycle.repair_is(case, "repair_mended") for case in cases):
        return _("Repaired or replaced, and sent back")
    return _("Sent back to you")

"""The insights page: ratings and comments, apologies sent, automatic goodwill."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import format_decimal

from portal.followup_words import rating_labels
from portal.security import role_required
from portal.services import insights as service
from portal.services.feedback import feedback_of
from portal.services.late_notices import notices_of
from portal.staff.blueprint import bp


@bp.get("/insights")
@role_required("support")
def insights():
    days = service.period(request.args.get("days"))
    found = service.insights(days)
    top = max(found.distribution.values()) or 1
    return render_template(
        "staff/insights.html",
        data=found,
        periods=service.PERIODS,
        ratings=rating_labels(),
        # the bar of each rating, as a share of the most frequent one (0–100)
        bars={n: round(100 * count / top) for n, count in found.distribution.items()},
        average=format_decimal(found.average, format="0.0") if found.average is not None else None,
    )


@bp.app_template_global("followup_home")
def followup_home() -> dict:
    """What the staff home's follow-up partial shows: the latest apologies sent."""
    return {"notices": service.recent_notices()}


@bp.app_template_global("followup_of")
def followup_of(rr) -> dict:
    """What the return page's follow-up partial shows: the answer, the apologies."""
    return {"feedback": feedback_of(rr), "notices": notices_of(rr), "ratings": rating_labels()}

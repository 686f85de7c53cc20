"""The staff home (queues and counts) and the scan station."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import outbox
from portal.i18n import fmt_date
from portal.security import role_required
from portal.services import queues, tracking, tracking_words
from portal.services.policy import current_policy
from portal.services.warehouse import find_by_scan, scanned_label
from portal.staff.blueprint import bp
from portal.staff.forms import ScanForm


@bp.get("/")
@role_required("warehouse")
def home():
    q = (request.args.get("q") or "").strip()[:100]
    sort = request.args.get("sort") if request.args.get("sort") in queues.SORTS else "oldest"
    only = request.args.get("queue")
    names = (only,) if only in queues.QUEUES else queues.QUEUES
    lists = {name: queues.queue(name, q=q, sort=sort, limit=50) for name in names}
    titles = {
        "late": _(
            "Late: received more than %(n)d working days ago, not yet resolved",
            n=current_policy().promise_working_days,
        ),
        "awaiting": _("Labels issued, not yet received"),
        "to_diagnose": _("Received, not yet inspected"),
        "to_resolve": _("Inspected, not yet resolved"),
    }
    return render_template(
        "staff/home.html",
        counts=queues.counts(),
        lists=lists,
        titles=titles,
        q=q,
        sort=sort,
        only=only if only in queues.QUEUES else None,
        blocked=queues.blocked_labels(),
        carrier_problems=tracking.needing_action(),
        tracking_words=tracking_words.status_words(),
        undelivered=outbox.undelivered(),
        scan_form=ScanForm(formdata=None),
    )


@bp.route("/scan", methods=["GET", "POST"])
@role_required("warehouse")
def scan():
    form = ScanForm()
    if request.method == "POST":
        code = (form.code.data or "").strip()
        rr = find_by_scan(code) if form.validate_on_submit() else None
        if rr is not None:
            _warn_if_old_label(scanned_label(code))
            return redirect(url_for("staff.return_page", rma=rr.rma))
        form.code.data = ""
        error = (
            _("Nothing found for “%(code)s”. Check the code and scan again.", code=code[:64])
            if code
            else _("Scan a label or type a tracking or return number.")
        )
        return render_template("staff/scan.html", form=form, scan_error=error), 404
    scanned = (request.args.get("code") or "").strip()[:64]
    if scanned:  # a return slip's QR code opened with a phone: a look-up, nothing changes
        rr = find_by_scan(scanned)
        if rr is not None:
            return redirect(url_for("staff.return_page", rma=rr.rma))
        error = _("Nothing found for “%(code)s”. Check the code and scan again.", code=scanned)
        return render_template("staff/scan.html", form=form, scan_error=error), 404
    return render_template("staff/scan.html", form=form)


def _warn_if_old_label(label) -> None:
    """A parcel may arrive with a label that was replaced (re-issued) or cancelled: say so,
    the return still opens."""
    if label is None or label.voided_at is None:
        return
    current = label.return_request.current_label
    if current is not None:
        flash(
            _(
                "This label was replaced on %(date)s — the parcel may carry the old label. "
                "The current label is %(code)s.",
                date=fmt_date(label.voided_at),
                code=current.tracking_code,
            ),
            "warning",
        )
    else:
        flash(
            _(
                "This label was cancelled on %(date)s — check the return before receiving it.",
                date=fmt_date(label.voided_at),
            ),
            "warning",
        )

"""The diagnosis form, and its preview: a reason to reject an item is e-mailed to the
customer word for word, so the worker first sees that e-mail, then sends it.

The preview runs the real verb (`warehouse.diagnose`), which builds the real e-mail from
its templates into the outbox, reads that message, and rolls everything back: nothing is
saved and nothing is sent until "Send" posts the same fields again with `send=1`.
"""

from __future__ import annotations

from email import message_from_bytes
from email import policy as email_policy

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal import outbox
from portal.extensions import db
from portal.models import OutboxMessage, ReturnRequest
from portal.security import role_required
from portal.services import warehouse
from portal.services.errors import DomainError
from portal.staff.blueprint import actor, bp, return_or_404, run
from portal.web import error_text

MAX_FIELD = 1000


def _grades(rr: ReturnRequest) -> dict[int, tuple[str, str, str]]:
    form = request.form
    return {
        item.id: (
            form.get(f"grade-{item.id}", "").strip().upper(),
            form.get(f"diagnosis-note-{item.id}", ""),
            form.get(f"reject-{item.id}", ""),
        )
        for item in rr.items
        if form.get(f"grade-{item.id}", "").strip()
    }


@bp.post("/returns/<rma>/diagnose")
@role_required("warehouse")
def diagnose(rma: str):
    rr = return_or_404(rma)
    grades = _grades(rr)
    if request.form.get("send") != "1" and any(r.strip() for _g, _n, r in grades.values()):
        return _preview(rr, grades)
    run(
        lambda: warehouse.diagnose(rr, grades, actor()),
        lambda graded: _("Diagnosis saved for %(n)d item(s).", n=len(graded)),
    )
    return redirect(url_for("staff.return_page", rma=rr.rma))


def _preview(rr: ReturnRequest, grades: dict[int, tuple[str, str, str]]):
    """Show the customer's e-mail as the verb would queue it; change nothing."""
    rma = rr.rma
    names = {i.id: i.display_name for i in rr.items}
    try:
        mail = dry_run(rr, grades)
    except DomainError as exc:
        db.session.rollback()
        return render_template(
            "staff/reject_preview.html",
            rma=rma,
            error=error_text(exc),
            rows=[],
            mail=None,
            grades=grades,
            names=names,
        ), 400
    rows = [
        (item_id, names.get(item_id, ""), reason.strip())
        for item_id, (_grade, _note, reason) in grades.items()
        if reason.strip()
    ]
    return render_template(
        "staff/reject_preview.html",
        rma=rma,
        error=None,
        rows=rows,
        mail=mail,
        grades={k: tuple(v[:MAX_FIELD] for v in t) for k, t in grades.items()},
        names=names,
    )


def dry_run(rr: ReturnRequest, grades: dict[int, tuple[str, str, str]]) -> dict | None:
    """Run the diagnosis, read the e-mail it queued (None when no e-mail goes out yet),
    then roll the transaction back."""
    try:
        before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
        warehouse.diagnose(rr, grades, actor())
        queued = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id > before, OutboxMessage.return_id == rr.id)
            .where(OutboxMessage.kind == "diagnosis")
        ).first()
        mail = _readable(queued) if queued is not None else None
    finally:
        db.session.rollback()
        g.pop("outbox_queued", None)
    return mail


def _readable(row: OutboxMessage) -> dict:
    """The queued message as the customer will see it: To, Subject, the text part, built
    as the outbox worker builds it."""
    if row.status == "failed":  # it could not be described: the staff home would list it
        return {"to": row.recipient, "subject": row.subject, "text": row.last_error or ""}
    try:
        raw = outbox.message_bytes(row)
    except (ValueError, TypeError, LookupError) as exc:
        return {"to": row.recipient, "subject": row.subject, "text": str(exc)}
    message = message_from_bytes(raw, policy=email_policy.default)
    body = message.get_body(("plain",))
    return {
        "to": str(message["To"]),
        "subject": str(message["Subject"]),
        "text": body.get_content() if body is not None else "",
    }

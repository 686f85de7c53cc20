"""The support inbox and the reply on a return's page (docs/conversation.md)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.conversation import threads
from portal.conversation.views import thread_view, when_local
from portal.customer.forms import PlainForm
from portal.security import role_required
from portal.staff.blueprint import bp, return_or_404, run


@bp.app_template_global()
def staff_thread(rr) -> dict:
    """What `templates/staff/_thread.html` shows."""
    view = thread_view(rr, staff_view=True)
    return {
        "view": view,
        "can_reply": bool(view.messages) and current_user.has_role("support"),
        "form": PlainForm(formdata=None),
    }


@bp.app_template_global()
def inbox_summary() -> threads.InboxSummary | None:
    """What `templates/staff/_home_talk.html` shows (support and admins only)."""
    if not current_user.is_authenticated or not current_user.has_role("support"):
        return None
    return threads.summary()


@bp.app_template_filter("conversation_time")
def _conversation_time(value) -> str:
    return when_local(value) if value else ""


@bp.get("/inbox")
@role_required("support")
def inbox():
    return render_template("staff/inbox.html", rows=threads.inbox())


@bp.post("/returns/<rma>/reply")
@role_required("support")
def reply(rma: str):
    rr = return_or_404(rma)
    if not PlainForm().validate_on_submit():
        abort(400)
    run(
        lambda: threads.reply(rr, current_user, request.form.get("body", "")[:100_000]),
        _("Your reply is sent to the customer by e-mail."),
    )
    return redirect(url_for("staff.return_page", rma=rr.rma) + "#conversation")

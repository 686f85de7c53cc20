"""'Ask a question' on the status page: the thread above, the form below (docs/conversation.md)."""

from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for

from portal.conversation import threads
from portal.conversation.views import answer_by_text, thread_view
from portal.customer.blueprint import bp
from portal.customer.forms import PlainForm
from portal.customer.status import _return_for
from portal.extensions import limiter
from portal.links import status_path
from portal.web import run_or_flash


def _limit() -> str:
    return current_app.config["QUESTION_RATE_LIMIT"]


def _return_key() -> str:
    return "ask:" + str((request.view_args or {}).get("token", ""))[:200]


@bp.app_template_global()
def customer_thread(rr, token: str) -> dict:
    """What `templates/customer/_thread.html` shows."""
    return {
        "view": thread_view(rr),
        "form": PlainForm(formdata=None),
        "action": url_for("customer.ask_question", token=token),
    }


@bp.post("/r/<token>/ask")
@limiter.limit(_limit)
@limiter.limit(_limit, key_func=_return_key)
def ask_question(token: str):
    rr = _return_for(token)
    if not PlainForm().validate_on_submit():
        abort(400)
    run_or_flash(
        lambda: threads.ask(rr, request.form.get("body", "")[:100_000]),
        lambda message: answer_by_text(message.created_at),
    )
    return redirect(status_path(rr) + "#thread")

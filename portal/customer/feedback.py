"""The "Did everything go well?" page: a signed link per rating, no login.

A GET shows the page with the link's rating chosen and records nothing (mail scanners and
link prefetchers follow links); the page's "Send" button records it (CSRF, rate-limited)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from portal import lifecycle
from portal.customer.blueprint import bp
from portal.extensions import limiter
from portal.followup_words import rating_labels
from portal.services import feedback as service
from portal.services.errors import AlreadyDone, DomainError
from portal.web import commit_verb, error_text


class FeedbackForm(FlaskForm):
    rating = StringField()  # the radio buttons; the service checks 1–5 with its own message
    comment = TextAreaField()


def _limit() -> str:
    return current_app.config["LOOKUP_RATE_LIMIT"]


def _found(token: str):
    found = service.find_by_token(token)
    if found is None:
        abort(404)
    return found


def _page(token: str, rr, fb, chosen: int | None, form=None, status: int = 200):
    form = form or FeedbackForm(formdata=None)
    return (
        render_template(
            "customer/feedback.html",
            rr=rr,
            feedback=fb,
            token=token,
            form=form,
            chosen=chosen,
            ratings=sorted(rating_labels().items(), reverse=True),
            is_open=lifecycle.feedback_open(fb),
            answered=lifecycle.feedback_answered(fb),
            max_comment=service.MAX_COMMENT,
        ),
        status,
    )


@bp.get("/feedback/<token>")
@bp.get("/feedback/<token>/<rating>")
def feedback_page(token: str, rating: str | None = None):
    rr, fb = _found(token)
    try:
        chosen = service.parse_rating(rating) if rating is not None else fb.rating
    except DomainError:
        chosen = fb.rating
    return _page(token, rr, fb, chosen)


@bp.post("/feedback/<token>")
@limiter.limit(_limit, methods=["POST"])
def feedback_send(token: str):
    rr, fb = _found(token)
    form = FeedbackForm()
    chosen = fb.rating
    if not form.validate_on_submit():
        flash(_("This page has expired. Please choose your rating again and send it."), "error")
        return _page(token, rr, fb, chosen, form, 400)
    try:
        commit_verb(service.answer, rr, form.rating.data, form.comment.data or "")
    except AlreadyDone as exc:
        flash(exc.message, "info")
        return _page(token, rr, fb, fb.rating, status=409)
    except DomainError as exc:
        flash(error_text(exc), "error")
        return _page(token, rr, fb, chosen, form, 400)
    flash(_("Thank you: we have your answer."), "success")
    return redirect(url_for("customer.feedback_page", token=token))

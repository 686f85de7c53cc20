"""Staff login and logout: Flask-Login, a fresh session at login, rate-limited."""

from __future__ import annotations

import time

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.extensions import db, limiter
from portal.services import staff as staff_service
from portal.staff.blueprint import bp
from portal.staff.forms import LoginForm


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/staff") and not target.startswith("//"):
        return target
    return url_for("staff.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("staff.home"))
        return render_template("staff/login.html", form=form)
    user = None
    if form.validate_on_submit():
        user = staff_service.authenticate(form.email.data, form.password.data)
    if user is None:
        # The same words whether the e-mail or the password was wrong.
        error = _("Wrong e-mail or password.")
        return render_template("staff/login.html", form=form, login_error=error), 401
    db.session.commit()  # a rehashed password, if any
    target = _safe_next(request.args.get("next"))
    lang = session.get("lang")
    session.clear()  # a new session: nothing planted before login survives it
    if lang:
        session["lang"] = lang
    login_user(user)
    session["login_at"] = session["seen_at"] = time.time()
    return redirect(target)


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("staff.login"))

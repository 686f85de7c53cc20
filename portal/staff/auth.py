"""Staff login, logout and password change: Flask-Login, a fresh session at login,
rate-limited; logout and a password change end every session of the account on the server
(the session generation in `StaffUser.session_version`, see `portal.security.load_user`)."""

from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.extensions import db, limiter
from portal.models import StaffUser
from portal.security import role_required
from portal.services import staff as staff_service
from portal.services.errors import ValidationFailed
from portal.staff.blueprint import bp
from portal.staff.forms import LoginForm, PasswordForm


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
    _start_session(user)
    return redirect(target)


def _start_session(user: StaffUser) -> None:
    lang = session.get("lang")
    session.clear()  # a new session: nothing planted before login survives it
    if lang:
        session["lang"] = lang
    login_user(user)
    session["login_at"] = session["seen_at"] = time.time()


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        user = db.session.get(StaffUser, current_user.id)
        staff_service.end_sessions(user)  # a copy of this cookie stops working too
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("staff.login"))


@bp.route("/password", methods=["GET", "POST"])
@role_required("warehouse")
@limiter.limit(_login_limit, methods=["POST"])
def password():
    form = PasswordForm()
    if request.method == "GET":
        return render_template("staff/password.html", form=form)
    error = None
    if not form.validate_on_submit():
        error = _("Fill in your current password and the new one twice.")
    elif form.new.data != form.confirm.data:
        error = _("The two new passwords do not match.")
    else:
        user = db.session.get(StaffUser, current_user.id)
        try:
            staff_service.change_password(user, form.current.data, form.new.data)
        except ValidationFailed as exc:
            db.session.rollback()
            error = (
                _("This is not your password.")
                if "current" in exc.errors
                else _("The new password must be at least 10 characters long.")
            )
        else:
            db.session.commit()
            _start_session(user)  # this browser carries on with the new generation
            flash(_("Password changed. Your other sessions are logged out."), "success")
            return redirect(url_for("staff.home"))
    return render_template("staff/password.html", form=form, password_error=error), 400

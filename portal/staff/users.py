"""Staff accounts, for admins: list, create, disable (logs the person out everywhere)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.models import StaffUser
from portal.security import role_required
from portal.services import staff as staff_service
from portal.staff.blueprint import bp, run
from portal.staff.forms import StaffForm
from portal.words import word


def _page(form: StaffForm, status: int = 200):
    users = db.session.scalars(select(StaffUser).order_by(StaffUser.email))
    return render_template("staff/users.html", users=list(users), form=form), status


@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    form = StaffForm()
    if request.method == "GET":
        return _page(form)
    if not form.validate_on_submit():
        flash(_("Fill in the e-mail, the role and the password."), "error")
        return _page(form, 400)
    created = run(
        lambda: staff_service.create_staff(
            form.email.data, form.role.data, form.password.data, form.first_name.data or ""
        ),
        lambda user: _(
            "Account created for %(email)s (%(role)s).",
            email=user.email,
            role=word("role", user.role),
        ),
    )
    if not created:
        return _page(form, 400)
    return redirect(url_for("staff.users"))


@bp.post("/users/<int:user_id>/disable")
@role_required("admin")
def disable_user(user_id: int):
    user = db.session.get(StaffUser, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash(_("You cannot disable your own account."), "error")
        return redirect(url_for("staff.users"))
    run(
        lambda: staff_service.disable_staff(user.email),
        lambda u: _("%(email)s is disabled and logged out everywhere.", email=u.email),
    )
    return redirect(url_for("staff.users"))

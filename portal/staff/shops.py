"""Connecting the shop platforms (admins only): /staff/shops.

One card per registered platform (portal/shops/platform.py), built from its `fields`:
the credentials are saved encrypted (portal/shops/credentials.py) and never shown again;
"Test the connection" says exactly what is wrong; "Register the webhooks" subscribes our
address and lists what the platform holds; the last sync's counts and errors; and the
calls a platform refused (a gift card, a stock hold, a replacement order), to try again.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import Length

from portal.edge import SingleLine
from portal.extensions import db
from portal.security import role_required
from portal.shops import admin, calls
from portal.staff.blueprint import bp, run


class ActionForm(FlaskForm):
    pass


def form_for(connector, formdata=None):
    """A form with the platform's fields: the address as text, the secrets as passwords."""
    attrs = {}
    for i, (name, label, _help) in enumerate(connector.fields):
        kind = StringField if i == 0 else PasswordField
        checks = [SingleLine(), Length(max=255)] if i == 0 else [Length(max=500)]
        attrs[name] = kind(label, validators=checks)
    form_class = type(f"{connector.name.title()}Form", (FlaskForm,), attrs)
    return form_class(formdata=formdata, prefix="") if formdata is not None else form_class()


def _page(status: int = 200, forms: dict | None = None):
    cards = admin.cards()
    forms = forms or {}
    return (
        render_template(
            "staff/shops.html",
            cards=cards,
            forms={
                c.platform.name: forms.get(c.platform.name) or form_for(c.platform) for c in cards
            },
            action_form=ActionForm(),
            refused=admin.refused_rows(),
        ),
        status,
    )


def _platform(name: str):
    connector = admin.get(name)
    if connector is None:
        abort(404)
    return connector


@bp.get("/shops")
@role_required("admin")
def shops():
    return _page()


@bp.post("/shops/<name>")
@role_required("admin")
def save_platform(name: str):
    connector = _platform(name)
    form = form_for(connector)
    if not form.validate_on_submit():
        flash(_("Give the shop's address and its access token."), "error")
        return _page(400, {name: form})
    address_field = connector.fields[0][0]
    values = {f[0]: form[f[0]].data for f in connector.fields[1:]}
    saved = run(
        lambda: admin.save(connector, form[address_field].data, values),
        lambda row: _(
            "%(title)s shop %(address)s saved; the token is stored encrypted.",
            title=connector.title,
            address=row.domain,
        ),
    )
    if not saved:
        return _page(400, {name: form})
    return redirect(url_for("staff.shops"))


@bp.post("/shops/<name>/test")
@role_required("admin")
def test_platform(name: str):
    connector = _platform(name)
    if not ActionForm().validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("staff.shops"))
    result = admin.check(connector)
    flash(result.message, "success" if result.ok else "error")
    return redirect(url_for("staff.shops"))


@bp.post("/shops/<name>/webhooks")
@role_required("admin")
def register_webhooks(name: str):
    connector = _platform(name)
    if not ActionForm().validate_on_submit() or not hasattr(connector, "register_webhooks"):
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("staff.shops"))
    result = admin.register_webhooks(connector)
    db.session.commit()
    flash(result.message, "success" if result.ok else "error")
    return redirect(url_for("staff.shops"))


@bp.post("/shops/calls/<int:call_id>/retry")
@role_required("admin")
def retry_platform_call(call_id: int):
    if not ActionForm().validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("staff.shops"))
    run(lambda: calls.retry(call_id), _("Sent to the shop platform again."))
    return redirect(url_for("staff.shops"))


# The first connector's old addresses (bookmarks, scripts): Shopify's form and test.
@bp.post("/shops")
@role_required("admin")
def save_shop():
    return save_platform("shopify")


@bp.post("/shops/test")
@role_required("admin")
def test_shop():
    return test_platform("shopify")

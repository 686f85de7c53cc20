"""Connecting the shop platform (admins only): /staff/shops.

The Shopify domain and Admin API access token are saved (the token encrypted with
SECRETS_KEY, never shown again); "Test the connection" reads the shop and its orders and
says exactly what is wrong; the last sync's counts and errors are listed."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import Length

from portal.edge import SingleLine
from portal.security import role_required
from portal.shops import connection as shop_connection
from portal.shops.secrets import SecretsUnavailable
from portal.staff.blueprint import bp, run


class ShopifyForm(FlaskForm):
    domain = StringField(
        _l("Shop address (…myshopify.com)"), validators=[SingleLine(), Length(max=255)]
    )
    token = PasswordField(_l("Admin API access token"), validators=[Length(max=200)])


class TestForm(FlaskForm):
    pass


def _page(form: ShopifyForm, status: int = 200):
    row = shop_connection.saved()
    from_env = row is None and shop_connection.current() is not None  # no decryption then
    return (
        render_template(
            "staff/shops.html", form=form, test_form=TestForm(), row=row, from_env=from_env
        ),
        status,
    )


@bp.get("/shops")
@role_required("admin")
def shops():
    return _page(ShopifyForm())


@bp.post("/shops")
@role_required("admin")
def save_shop():
    form = ShopifyForm()
    if not form.validate_on_submit():
        flash(_("Give the shop's address and its access token."), "error")
        return _page(form, 400)
    saved = run(
        lambda: shop_connection.save_connection(form.domain.data, form.token.data),
        lambda row: _(
            "Shopify shop %(domain)s saved; the token is stored encrypted.", domain=row.domain
        ),
    )
    if not saved:
        return _page(form, 400)
    return redirect(url_for("staff.shops"))


@bp.post("/shops/test")
@role_required("admin")
def test_shop():
    if not TestForm().validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("staff.shops"))
    try:
        conn = shop_connection.current()
    except SecretsUnavailable as exc:
        flash(_("The saved token cannot be read: %(why)s.", why=str(exc)), "error")
        return redirect(url_for("staff.shops"))
    if conn is None:
        flash(_("No Shopify shop is connected yet."), "error")
        return redirect(url_for("staff.shops"))
    ok, message = shop_connection.test_connection(
        shop_connection.client_for(conn.domain, conn.token, retries=1)
    )
    flash(message, "success" if ok else "error")
    return redirect(url_for("staff.shops"))

"""The gift path: a gift code instead of the order number; no prices, no buyer details."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.customer import blank_forms, draft, lookup_limits
from portal.customer.blueprint import bp
from portal.customer.forms import ContactForm, GiftForm
from portal.services import lookup


def _code_key() -> str:
    return "gift:" + lookup.normalize_gift_code(request.form.get("code", ""))[:40]


@bp.route("/gift", methods=["GET", "POST"])
def gift():
    if request.method == "GET":
        return blank_forms.page("customer/gift.html", GiftForm)
    lookup_limits.check(_code_key())  # and the address: LOOKUP_RATE_LIMIT, one trip
    form = GiftForm()
    if not form.validate_on_submit():
        return render_template("customer/gift.html", form=form), 400
    order = lookup.match_gift(form.code.data)
    if order is None:
        error = _("We could not find a gift with this code. Check the code on your gift receipt.")
        return render_template("customer/gift.html", form=form, lookup_error=error), 404
    draft.start(order, gift=True)  # a read: nothing to commit
    return redirect(url_for("customer.items"))


@bp.route("/return/contact", methods=["GET", "POST"])
def gift_contact():
    data = draft.current()
    if data is None or not data["gift"]:
        return redirect(url_for("customer.start"))
    form = ContactForm(data=data.get("contact") or {})
    if request.method == "POST":
        if not form.validate_on_submit():
            if form.errors.get("csrf_token"):  # no such field when CSRF is off
                abort(400)
            return render_template("customer/contact.html", form=form), 422
        contact = {
            "name": form.name.data.strip(),
            "email": form.email.data.strip().lower(),
            "line1": form.line1.data.strip(),
            "postcode": form.postcode.data.strip(),
            "city": form.city.data.strip(),
        }
        draft.update(contact=contact, postcode=contact["postcode"])
        return redirect(url_for("customer.relay"))
    return render_template("customer/contact.html", form=form)

"""Find the order, choose items and what you want, choose a relay point, confirm."""

from __future__ import annotations

from datetime import date

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from portal.customer import draft
from portal.customer.blueprint import bp
from portal.customer.forms import LookupForm, PlainForm
from portal.customer.pages import item_rows, lookup_key, parse_items, reason_labels
from portal.extensions import db, limiter
from portal.i18n import current_locale
from portal.links import status_path
from portal.models import Order, RelayPoint
from portal.services import lookup
from portal.services.errors import OutOfStock, ValidationFailed
from portal.services.estimates import estimate
from portal.services.labels import issue_label
from portal.services.policy import current_policy
from portal.services.relay_points import nearest_relay_points
from portal.services.returns import create_return, find_by_submission


def _lookup_limit() -> str:
    return current_app.config["LOOKUP_RATE_LIMIT"]


def _journey_or_restart():
    data = draft.current()
    if data is None:
        flash(_("Your session has ended. Please find your order again."), "info")
        return None, None
    order = db.session.get(Order, data["order_id"])
    return data, order


@bp.get("/")
def start():
    return render_template("customer/start.html", form=LookupForm())


@bp.post("/lookup")
@limiter.limit(_lookup_limit, methods=["POST"])
@limiter.limit(_lookup_limit, methods=["POST"], key_func=lookup_key)
def find_order():
    form = LookupForm()
    if not form.validate_on_submit():
        return render_template("customer/start.html", form=form), 400
    order = lookup.find_order(form.number.data, form.contact.data)
    if order is None:
        form.number.errors = []
        error = _(
            "We could not find an order with these details. Check the order number and "
            "the e-mail address or postcode you used when ordering."
        )
        return render_template("customer/start.html", form=form, lookup_error=error), 404
    draft.start(order, gift=False)
    return redirect(url_for("customer.items"))


@bp.route("/return/items", methods=["GET", "POST"])
def items():
    data, order = _journey_or_restart()
    if order is None:
        return redirect(url_for("customer.start"))
    policy = current_policy()
    errors: dict[str, str] = {}
    form = PlainForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        chosen, errors = parse_items(order, data, policy)
        draft.update(items=chosen)
        data = draft.current()
        if not errors:
            db.session.commit()  # keeps the photos the customer uploaded
            if data["gift"] and not data.get("contact"):
                return redirect(url_for("customer.gift_contact"))
            return redirect(url_for("customer.relay"))
        db.session.commit()
    rows = item_rows(order, data, policy, date.today())
    return render_template(
        "customer/items.html",
        order=order,
        rows=rows,
        errors=errors,
        form=form,
        gift=data["gift"],
        policy=policy,
        reasons=reason_labels(),
    ), 422 if errors else 200


@bp.route("/return/relay", methods=["GET", "POST"])
def relay():
    data, order = _journey_or_restart()
    if order is None:
        return redirect(url_for("customer.start"))
    if not data["items"]:
        return redirect(url_for("customer.items"))
    form = PlainForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        point = db.session.get(RelayPoint, request.form.get("relay_point_id", type=int) or 0)
        if point is None or not point.active:
            flash(_("Please choose a drop-off point from the list."), "error")
            return redirect(url_for("customer.relay"))
        draft.update(relay_point_id=point.id, postcode=point.postcode)
        return redirect(url_for("customer.review"))
    postcode = (request.args.get("postcode") or data.get("postcode") or "").strip()[:16]
    points = nearest_relay_points(postcode, limit=8) if postcode else []
    return render_template(
        "customer/relay.html",
        postcode=postcode,
        points=points,
        form=form,
        chosen=data.get("relay_point_id"),
    )


@bp.get("/return/review")
def review():
    data, order = _journey_or_restart()
    if order is None:
        return redirect(url_for("customer.start"))
    if not data["items"]:
        return redirect(url_for("customer.items"))
    if not data.get("relay_point_id"):
        return redirect(url_for("customer.relay"))
    lines = {line.id: line for line in order.lines}
    choices = draft.choices(data)
    point = db.session.get(RelayPoint, data["relay_point_id"])
    return render_template(
        "customer/review.html",
        order=order,
        choices=choices,
        lines=lines,
        point=point,
        totals=estimate(choices, lines, current_policy()),
        form=PlainForm(),
        gift=data["gift"],
        contact=data.get("contact"),
    )


@bp.post("/return/confirm")
def confirm():
    form = PlainForm()
    if not form.validate_on_submit():
        abort(400)
    data = draft.current()
    if data is None:
        flash(_("Your session has ended. Please find your order again."), "info")
        return redirect(url_for("customer.start"))
    existing = find_by_submission(data["key"])
    if existing is not None:  # double click, reload, back button: one return only
        return redirect(status_path(existing) + "?new=1")
    try:
        rr = create_return(
            draft.to_return_draft(data, current_locale()),
            policy=current_policy(),
            today=date.today(),
        )
        draft.drop_photos(data["key"])
        db.session.commit()
    except OutOfStock as exc:
        db.session.rollback()
        items = {
            line_id: {**item, "resolution": "", "exchange": None}
            if item["resolution"] == "exchange" and _variant_sku(item) == exc.sku
            else item
            for line_id, item in data["items"].items()
        }
        draft.update(items=items)
        flash(exc.message + " " + _("Please choose another option."), "error")
        return redirect(url_for("customer.items"))
    except ValidationFailed as exc:
        db.session.rollback()
        for message in exc.errors.values():
            flash(message, "error")
        return redirect(url_for("customer.items"))
    except IntegrityError:
        db.session.rollback()  # the same submission won a race with this one
        rr = find_by_submission(data["key"])
        if rr is None:
            raise
        return redirect(status_path(rr) + "?new=1")
    issue_label(rr, actor_type="customer", actor=rr.contact_email)
    db.session.commit()
    draft.clear()
    return redirect(status_path(rr) + "?new=1")


def _variant_sku(item: dict) -> str | None:
    from portal.models import Variant

    variant = db.session.get(Variant, item.get("exchange") or 0)
    return variant.sku if variant else None

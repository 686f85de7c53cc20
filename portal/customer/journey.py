"""Find the order, choose items and what you want, choose a relay point, confirm."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from portal import lifecycle
from portal.customer import blank_forms, draft, keep_it_view, lookup_limits
from portal.customer.blueprint import bp
from portal.customer.forms import LookupForm, PlainForm
from portal.customer.pages import (
    item_rows,
    load_order,
    lookup_key,
    parse_items,
    picture_policy,
    reasons,
)
from portal.edge import form_id
from portal.extensions import db
from portal.i18n import current_locale, fmt_date
from portal.links import status_path
from portal.models import Order, RelayPoint, ReturnRequest, Variant
from portal.services import letterbox, lookup
from portal.services.drop_off_points import DropOffPoints, anywhere_options, find_drop_off_points
from portal.services.eligibility import returned_quantities
from portal.services.errors import OutOfStock, ValidationFailed
from portal.services.labels import issue_label
from portal.services.policy import current_policy
from portal.services.repair_eligibility import warranty_words
from portal.services.returns import create_return, find_by_submission, validate_choices
from portal.services.summary import for_choices
from portal.web import commit_verb, commit_verb_loaded


def _journey(lines: bool = False):
    """(data, order, None) for the journey in progress, or (None, None, where to go);
    `lines`: the order with what the pages walk (`pages.load_order`), else its row alone."""
    data = draft.current()
    if data is None:
        done = _finished_return()
        if done is not None:  # the back button after confirming: show what was made
            return None, None, redirect(status_path(done))
        flash(_("Your session has ended. Please find your order again."), "info")
        return None, None, redirect(url_for("customer.start"))
    order = load_order(data["order_id"]) if lines else db.session.get(Order, data["order_id"])
    if order is None:
        draft.clear()
        return None, None, redirect(url_for("customer.start"))
    return data, order, None


def _finished_return():
    key = draft.finished_key()
    return find_by_submission(key) if key else None


@bp.get("/")
def start():
    return blank_forms.page("customer/start.html", LookupForm)


@bp.get("/lookup")
def lookup_page():
    """The lookup answers a POST; typing its address (or a bookmark) shows the form."""
    return redirect(url_for("customer.start"))


@bp.post("/lookup")
def find_order():
    lookup_limits.check(lookup_key())  # and the address: LOOKUP_RATE_LIMIT, one trip
    form = LookupForm()
    if not form.validate_on_submit():
        return render_template("customer/start.html", form=form), 400
    order = lookup.match_order(form.number.data, form.contact.data)
    if order is None:
        form.number.errors = []
        error = _(
            "We could not find an order with these details. Check the order number and "
            "the e-mail address or postcode you used when ordering."
        )
        return render_template("customer/start.html", form=form, lookup_error=error), 404
    draft.start(order, gift=False)  # a read: nothing to commit
    return redirect(url_for("customer.items"))


@bp.route("/return/items", methods=["GET", "POST"])
def items():
    data, order, elsewhere = _journey(lines=True)
    if elsewhere is not None:
        return elsewhere
    policy = current_policy()
    errors: dict[str, str] = {}
    form = PlainForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        # commits: keeps the photos the customer uploaded, even next to a form error
        chosen, errors, kept = commit_verb(parse_items, order, data, policy)
        if not errors:
            draft.update(items=chosen, errors={})
            if data["gift"] and not data.get("contact"):
                return redirect(url_for("customer.gift_contact"))
            if kept:
                return redirect(url_for("customer.review"))  # kept: nothing to drop off
            return redirect(url_for("customer.relay"))
        # shown again to be corrected, not kept: bad input changes nothing
        data = {**data, "items": chosen}
        order = load_order(data["order_id"])  # the commit expired it
    elif data.get("errors"):  # what went wrong on confirming, shown once next to the fields
        errors = dict(data["errors"])
        draft.update(errors={})
    rows = item_rows(order, data, policy, date.today())
    returnable = any(row.eligibility.ok or row.repair for row in rows)
    html = render_template(
        "customer/items.html",
        order=order,
        rows=rows,
        errors=errors,
        form=form,
        gift=data["gift"],
        policy=policy,
        reasons=reasons(),
        returnable=returnable,
        # said only when nothing can be returned
        warranty_words=[] if returnable else warranty_words([r.line for r in rows], date.today()),
    )
    return html, 422 if errors else 200, picture_policy(rows)


@bp.route("/return/relay", methods=["GET", "POST"])
def relay():
    data, order, elsewhere = _journey()
    if elsewhere is not None:
        return elsewhere
    if not data["items"]:
        return redirect(url_for("customer.items"))
    form = PlainForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        point = db.session.get(RelayPoint, form_id("relay_point_id") or 0)
        if point is None or not point.active:
            flash(_("Please choose a drop-off point from the list."), "error")
            return redirect(url_for("customer.relay"))
        day = None
        if letterbox.is_letterbox(point):
            days = [] if data["gift"] else letterbox.collection_days(letterbox.sender_of(order))
            day = letterbox.parse_day(request.form.get("collection_date"), days)
            if day is None:
                flash(_("Please choose a collection day from the list."), "error")
                return redirect(url_for("customer.relay"))
        draft.update(
            relay_point_id=point.id,
            postcode=point.postcode or data.get("postcode"),
            collection_date=day.isoformat() if day else None,
        )
        return redirect(url_for("customer.review"))
    postcode = (request.args.get("postcode") or data.get("postcode") or "").strip()[:16]
    found = find_drop_off_points(postcode) if postcode else DropOffPoints()
    anywhere = anywhere_options()
    days = [] if data["gift"] else letterbox.collection_days(letterbox.sender_of(order))
    pickup = letterbox.letterbox_row() if days else None
    page = render_template(
        "customer/relay.html",
        postcode=postcode,
        points=found.points,
        found=found,
        anywhere=anywhere,
        letterbox_point=pickup,
        letterbox_days=[(d.isoformat(), fmt_date(d, "full")) for d in days],
        chosen_day=data.get("collection_date"),
        form=form,
        chosen=data.get("relay_point_id"),
    )
    # live points are kept, as the fallback list; committed once the page is drawn, so
    # that drawing it does not read again every point the commit would have expired
    db.session.commit()
    return page


@bp.get("/return/review")
def review():
    data, order, elsewhere = _journey(lines=True)
    if elsewhere is not None:
        return elsewhere
    if not data["items"]:
        return redirect(url_for("customer.items"))
    keep_note = keep_it_view.note(order, data)
    kept = bool(keep_note and keep_note["kept"])
    if not kept and not data.get("relay_point_id"):
        return redirect(url_for("customer.relay"))
    choices = draft.choices(data)
    policy = current_policy()
    taken = returned_quantities(order.id)  # read once for both
    problems = validate_choices(
        order, choices, gift=data["gift"], policy=policy, today=date.today(), taken=taken
    )
    point = None if kept else db.session.get(RelayPoint, data["relay_point_id"])
    if not kept and (point is None or not point.active):
        problems["relay_point"] = _("Please choose a drop-off point from the list.")
    if problems:  # stock or eligibility changed since the choices were made
        return _back_to_fix(data, problems)
    return render_template(
        "customer/review.html",
        order=order,
        choices=choices,
        point=point,
        # kept: nothing is shipped, so no return shipping fee is deducted
        summary=for_choices(
            order, choices, replace(policy, return_shipping_fee=0) if kept else policy, taken
        ),
        form=PlainForm(),
        gift=data["gift"],
        contact=data.get("contact"),
        keep_note=keep_note,
        collection_day=fmt_date(day, "full")
        if point is not None
        and letterbox.is_letterbox(point)
        and (day := letterbox.stored_day(data.get("collection_date")))
        else "",
    )


@bp.get("/return/confirm")
def confirm_page():
    return redirect(url_for("customer.review"))


@bp.post("/return/confirm")
def confirm():
    form = PlainForm()
    if not form.validate_on_submit():
        abort(400)
    data = draft.current()
    if data is None:
        done = _finished_return()
        if done is not None:  # a second click, or the back button and confirm again
            return redirect(status_path(done) + "?new=1")
        flash(_("Your session has ended. Please find your order again."), "info")
        return redirect(url_for("customer.start"))
    existing = find_by_submission(data["key"])
    if existing is not None:  # double click, reload, back button: one return only
        draft.finish(data["key"])
        return redirect(status_path(existing) + "?new=1")
    try:
        # the return stays loaded past this commit: the label is asked for from it at once
        rr = commit_verb_loaded(_submit, data)
    except OutOfStock as exc:  # lost the race for the last unit after validating
        taken = {
            f"item-{line_id}-exchange": exc.message
            for line_id, item in data["items"].items()
            if item["resolution"] == "exchange" and _variant_sku(item) == exc.sku
        }
        return _back_to_fix(data, taken)
    except ValidationFailed as exc:
        return _back_to_fix(data, exc.errors)
    except IntegrityError:  # the same submission won a race with this one
        rr = find_by_submission(data["key"])
        if rr is None:
            raise
        draft.finish(data["key"])
        return redirect(status_path(rr) + "?new=1")
    done = status_path(rr) + "?new=1"
    # the carrier is called with the return committed; its outcome is the next commit
    if not lifecycle.kept(rr):  # a kept return has no label
        commit_verb(issue_label, rr, actor_type="customer", actor=rr.contact_email)
    draft.finish(data["key"])
    return redirect(done)


def _submit(data: dict) -> ReturnRequest:
    photos = draft.photos(data["key"])
    return_draft = replace(
        draft.to_return_draft(data, current_locale(), photos),
        collection_date=letterbox.stored_day(data.get("collection_date")),
    )
    rr = create_return(return_draft, policy=current_policy(), today=date.today())
    if photos:  # attached to the return (or left behind for a line not chosen)
        draft.drop_photos(data["key"])
    return rr


def _back_to_fix(data: dict, errors: dict[str, str]):
    """Confirming failed (stock taken, items no longer returnable, relay point closed):
    back to the page that can fix it, with every other choice kept."""
    if "relay_point" in errors:
        flash(errors.pop("relay_point"), "error")
        draft.update(relay_point_id=None)
        if not errors:
            return redirect(url_for("customer.relay"))
    if "contact" in errors:
        flash(errors.pop("contact"), "error")
        if not errors:
            return redirect(url_for("customer.gift_contact"))
    items = dict(data["items"])
    for field, message in list(errors.items()):
        line_id = field.split("-")[1] if field.startswith("item-") else None
        item = items.get(line_id) if line_id else None
        if item is not None and field.endswith("-exchange"):
            variant = _variant(item)
            if variant is not None and variant.available < item["quantity"]:
                message = (
                    _("Sorry, %(item)s was just taken by someone else.", item=variant.display_name)
                    + " "
                    + _("Please choose another option.")
                )
            items[line_id] = {**item, "resolution": "", "exchange": None}
            errors[field] = message
        flash(message, "error")
    draft.update(items=items, errors=errors)
    return redirect(url_for("customer.items"))


def _variant(item: dict) -> Variant | None:
    return db.session.get(Variant, item.get("exchange") or 0)


def _variant_sku(item: dict) -> str | None:
    variant = _variant(item)
    return variant.sku if variant else None

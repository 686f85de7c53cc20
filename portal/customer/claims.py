"""A problem with an order that needs no return: the claim form and the claim's page."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import lifecycle
from portal.claim_links import claim_path, read_claim_token
from portal.customer import draft
from portal.customer.blueprint import bp
from portal.customer.forms import PlainForm
from portal.customer.pages import _int
from portal.extensions import db, limiter
from portal.i18n import current_locale
from portal.models import Order
from portal.services import claims
from portal.services.errors import DomainError, ValidationFailed
from portal.uploads import MAX_PIXELS, BadUpload, clean_image
from portal.web import commit_verb, error_text
from portal.words import claim_kind_labels

MAX_PHOTOS = 3


def _limit() -> str:
    return current_app.config["LOOKUP_RATE_LIMIT"]


def _order_of_journey() -> Order | None:
    """The order the customer found with the lookup (not a gift: a recipient writes to
    the buyer)."""
    data = draft.current()
    if data is None or data.get("gift"):
        return None
    return db.session.get(Order, data["order_id"])


def _photos() -> tuple[list[tuple[str, bytes]], str | None]:
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if len(files) > MAX_PHOTOS:
        return [], _("Up to %(n)d photos.", n=MAX_PHOTOS)
    cleaned = []
    for upload in files:
        try:
            cleaned.append(clean_image(upload.stream.read(8 * 1024 * 1024 + 1)))
        except BadUpload as exc:
            if str(exc) == "too_big":
                return [], _("%(name)s is larger than 8 MB.", name=upload.filename)
            if str(exc) == "too_many_pixels":
                return [], _(
                    "%(name)s has too many pixels: at most %(n)d megapixels.",
                    name=upload.filename,
                    n=MAX_PIXELS // 1_000_000,
                )
            return [], _("%(name)s is not a JPEG, PNG or WebP photo.", name=upload.filename)
    return cleaned, None


@bp.route("/claim", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def claim_form():
    order = _order_of_journey()
    if order is None:
        flash(_("Please find your order first."), "info")
        return redirect(url_for("customer.start"))
    form = PlainForm()
    errors: dict[str, str] = {}
    chosen = {"kind": "", "quantities": {}, "description": ""}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        quantities = {}
        for key in request.form:
            if key.startswith("line-"):
                quantities[_int(key[5:], -1)] = _int(request.form.get(key), -1)
        chosen = {
            "kind": request.form.get("kind", ""),
            "quantities": quantities,
            "description": (request.form.get("description") or "")[: claims.MAX_TEXT + 1],
        }
        photos, photo_error = _photos()
        if photo_error:
            errors["photos"] = photo_error
        else:
            try:
                claim = commit_verb(
                    claims.open_claim,
                    order,
                    kind=chosen["kind"],
                    quantities=quantities,
                    description=chosen["description"],
                    photos=photos,
                    locale=current_locale(),
                )
            except ValidationFailed as exc:
                errors = exc.errors
            else:
                return redirect(claim_path(claim))
    html = render_template(
        "customer/claim_form.html",
        order=order,
        form=form,
        kinds=claim_kind_labels(),
        chosen=chosen,
        errors=errors,
        max_photos=MAX_PHOTOS,
    )
    return html, 422 if errors else 200


def _claim_or_404(token: str):
    key = read_claim_token(token)
    claim = claims.by_access_key(key) if key else None
    if claim is None:
        abort(404)
    return claim


@bp.get("/c/<token>")
def claim_page(token: str):
    claim = _claim_or_404(token)
    return render_template(
        "customer/claim.html",
        claim=claim,
        token=token,
        form=PlainForm(),
        what=claim_kind_labels()[claim.kind],
        waiting=lifecycle.claim_in(claim, "claim_to_resolve"),
        decided=lifecycle.claim_in(claim, "claim_decided"),
        can_send_back=lifecycle.can(claim, "original_turned_up", lifecycle.CUSTOMER),
    )


@bp.post("/c/<token>/original")
@limiter.limit(_limit, methods=["POST"])
def claim_original(token: str):
    claim = _claim_or_404(token)
    form = PlainForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        commit_verb(claims.original_turned_up, claim)
    except DomainError as exc:
        flash(error_text(exc), "error")
        return redirect(claim_path(claim))
    draft.start(claim.order, gift=False)
    flash(
        _("Thank you. Choose the item that turned up and a drop-off point to get your label."),
        "success",
    )
    return redirect(url_for("customer.items"))

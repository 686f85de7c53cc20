"""Claims for support: the queue (oldest first, with its age) and the one resolve screen,
with the customer's earlier claims and returns."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import lifecycle
from portal.claim_links import claim_url
from portal.extensions import db
from portal.models import ClaimPhoto
from portal.security import role_required
from portal.services import claims, kept_returns
from portal.services.errors import ValidationFailed
from portal.staff.blueprint import actor, bp, run
from portal.staff.forms import parse_amount
from portal.staff.photos import EXTENSIONS, IMAGE_TYPES, PHOTO_POLICY
from portal.words import claim_kind_labels


def _claim_or_404(number: str):
    claim = claims.by_number(number)
    if claim is None:
        abort(404)
    return claim


@bp.app_template_global("open_claims_count")
def _open_claims_count() -> int:
    """For the staff home's line about claims (templates/staff/_home_claims.html)."""
    return len(claims.queue())


@bp.get("/claims")
@role_required("support")
def claims_queue():
    return render_template("staff/claims.html", claims=claims.queue(), kinds=claim_kind_labels())


@bp.get("/claims/<number>")
@role_required("support")
def claim_page(number: str):
    claim = _claim_or_404(number)
    return render_template(
        "staff/claim.html",
        claim=claim,
        kinds=claim_kind_labels(),
        history=claims.history(claim.contact_email, exclude=claim),
        can_resolve=lifecycle.can(claim, "resolve_claim", lifecycle.STAFF),
        available={line.id: line.order_line.variant.available for line in claim.lines},
        customer_link=claim_url(claim),
        refundable=kept_returns.claim_refund_total(claim),
    )


def _goodwill(raw: str | None, currency: str) -> int:
    if not (raw or "").strip():
        return 0
    amount = parse_amount(raw, currency)
    if amount < 0:
        raise ValidationFailed({"goodwill": _("Enter an amount such as 10 or 12,50.")})
    return amount


@bp.post("/claims/<number>/resolve")
@role_required("support")
def claim_resolve(number: str):
    claim = _claim_or_404(number)
    form = request.form
    run(
        lambda: claims.resolve_claim(
            claim,
            replacement=form.get("replacement") == "yes",
            refund=form.get("refund") == "yes",
            goodwill=_goodwill(form.get("goodwill"), claim.order.currency),
            note=(form.get("note") or "")[:2000],
            actor=actor(),
        ),
        _("Claim resolved; the customer has been e-mailed."),
    )
    return redirect(url_for("staff.claim_page", number=claim.number))


@bp.get("/claims/<number>/photos/<int:photo_id>")
@role_required("support")
def claim_photo(number: str, photo_id: int):
    claim = _claim_or_404(number)
    photo = db.session.get(ClaimPhoto, photo_id)
    if photo is None or photo.claim_id != claim.id or photo.content_type not in IMAGE_TYPES:
        abort(404)
    filename = f"{claim.number}-photo-{photo.id}.{EXTENSIONS[photo.content_type]}"
    return Response(
        photo.data,
        mimetype=photo.content_type,
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Content-Security-Policy": PHOTO_POLICY,
            "Cache-Control": "no-store",
        },
    )

"""Turning the items form into choices, and order lines into rows for the page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from portal.customer import draft
from portal.edge import MAX_ID
from portal.extensions import db
from portal.i18n import current_locale
from portal.models import DraftPhoto, Order, OrderLine, Product, Variant
from portal.security import CONTENT_SECURITY_POLICY
from portal.services import lookup
from portal.services.eligibility import Eligibility, check_order, returned_quantities
from portal.services.keep_it import current_rule, return_keep_value
from portal.services.policy import Policy
from portal.services.repair_eligibility import RepairOffer, repair_offer
from portal.services.returns import allowed_resolutions, exchange_options, validate_choices
from portal.uploads import MAX_PIXELS, BadUpload, clean_image
from portal.words import PHOTO_REASONS, reason_labels

MAX_PHOTOS = 3


def lookup_key() -> str:
    """Rate-limit key: the order number, whoever asks."""
    return "order:" + lookup.normalize_number(request.form.get("number", ""))[:64]


@cache
def _order_with_lines():
    """The order with its lines, their variants and products, in one query (outer joins:
    an order without lines is still found)."""
    return (
        select(Order)
        .outerjoin(Order.lines)
        .outerjoin(OrderLine.variant)
        .outerjoin(Variant.product)
        .options(
            contains_eager(Order.lines)
            .contains_eager(OrderLine.variant)
            .contains_eager(Variant.product)
        )
        .order_by(OrderLine.id)
    )


def load_order(order_id: int) -> Order | None:
    """The journey's order with what its pages walk (eligibility, exchange options, the
    summary): its lines, their variants and products, and every variant of those products.
    Two queries; nothing is lazy-loaded afterwards."""
    order = (
        db.session.scalars(_order_with_lines().where(Order.id == order_id)).unique().one_or_none()
    )
    if order is None or not order.lines:
        return order
    products: dict[int, Product] = {
        line.variant.product.id: line.variant.product for line in order.lines
    }
    variants: dict[int, list[Variant]] = {product_id: [] for product_id in products}
    for variant in db.session.scalars(
        select(Variant).where(Variant.product_id.in_(list(products))).order_by(Variant.id)
    ):
        variants[variant.product_id].append(variant)
    for product_id, product in products.items():
        set_committed_value(product, "variants", variants[product_id])
    return order


@dataclass
class Row:
    line: OrderLine
    eligibility: Eligibility
    options: list[Variant]
    chosen: dict
    photos: int
    resolutions: tuple[str, ...]
    credit: int
    errors: dict[str, str] = field(default_factory=dict)
    repair: RepairOffer | None = None  # a repair under warranty may be asked for

    @property
    def key(self) -> str:
        return f"item-{self.line.id}"


def item_rows(order: Order, data: dict, policy: Policy, today: date) -> list[Row]:
    photos = draft.photo_counts(data["key"])
    resolutions = allowed_resolutions(order, data["gift"], policy)
    taken = returned_quantities(order.id)
    return [
        Row(
            line=e.line,
            eligibility=e,
            options=exchange_options(e.line) if e.ok else [],
            chosen=data["items"].get(str(e.line.id), {}),
            photos=photos.get(e.line.id, 0),
            resolutions=resolutions,
            credit=policy.credit_with_bonus(e.line.unit_price),
            repair=repair_offer(e, today, taken.get(e.line.id, 0)),  # gifts too, no prices
        )
        for e in check_order(order, policy, today, taken)
    ]


def reasons() -> dict[str, str]:
    """`words.reason_labels()` in the page's language, looked up once per language: the
    catalogue does not change while the app runs (nine look-ups on every items page)."""
    found = current_app.extensions.setdefault("portal_reason_labels", {})
    locale = current_locale()
    if locale not in found:
        found[locale] = reason_labels()
    return found[locale]


def picture_policy(rows: list[Row]) -> dict[str, str]:
    """The page's Content-Security-Policy, letting in the shop's pictures (their https
    origins only); no header of its own when no item has a picture."""
    origins = sorted(
        {
            f"https://{parts.netloc}"
            for row in rows
            if (url := row.line.variant.image_url)
            and (parts := urlsplit(url)).scheme == "https"
            and parts.netloc
            and re.fullmatch(r"[A-Za-z0-9.\-]+(:\d{1,5})?", parts.netloc)
        }
    )
    if not origins:
        return {}
    policy = CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data:", "img-src 'self' data: " + " ".join(origins)
    )
    return {"Content-Security-Policy": policy}


def _int(value, default: int = 0) -> int:
    """A whole number, held within what a row can store (a larger one is still "too many")."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(-MAX_ID, min(number, MAX_ID))


def parse_items(order: Order, data: dict, policy: Policy) -> tuple[dict, dict[str, str], bool]:
    """Read the items form. Returns (choices to keep in the session, errors by field,
    whether the items are kept: see `keep_it`), all read before the request commits."""
    chosen: dict[str, dict] = {}
    errors: dict[str, str] = {}
    form = request.form
    for line in order.lines:
        key = f"item-{line.id}"
        quantity = _int(form.get(f"{key}-quantity"))
        if quantity <= 0:
            continue
        exchange = _int(form.get(f"{key}-exchange"), 0) or None
        chosen[str(line.id)] = {
            "quantity": quantity,
            "reason": form.get(f"{key}-reason", ""),
            "resolution": form.get(f"{key}-resolution", ""),
            "comment": (form.get(f"{key}-comment") or "")[:2000],
            "exchange": exchange,
        }
        errors.update(_store_photos(data["key"], line, chosen[str(line.id)]["reason"]))
    line_ids = {str(line.id) for line in order.lines}
    if any(k.startswith("item-") and k.split("-")[1] not in line_ids for k in form):
        errors["items"] = _("This item is not part of your order.")
    choices = draft.choices({"items": chosen})
    taken = returned_quantities(order.id)  # read once, for the checks and keep it
    errors.update(
        validate_choices(
            order, choices, gift=data["gift"], policy=policy, today=date.today(), taken=taken
        )
    )
    kept = not errors and bool(return_keep_value(order, choices, current_rule(), taken))
    return chosen, errors, kept


def _store_photos(draft_key: str, line: OrderLine, reason: str) -> dict[str, str]:
    files = [f for f in request.files.getlist(f"item-{line.id}-photos") if f and f.filename]
    if not files:
        return {}
    field_name = f"item-{line.id}-photos"
    if reason not in PHOTO_REASONS:
        return {field_name: _("Photos are only needed for damaged or defective items.")}
    stored = db.session.query(DraftPhoto).filter_by(draft_key=draft_key, order_line_id=line.id)
    if stored.count() + len(files) > MAX_PHOTOS:
        return {field_name: _("Up to %(n)d photos per item.", n=MAX_PHOTOS)}
    cleaned = []
    for upload in files:
        data = upload.stream.read(8 * 1024 * 1024 + 1)
        try:
            cleaned.append(clean_image(data))
        except BadUpload as exc:
            if str(exc) == "too_big":
                message = _("%(name)s is larger than 8 MB.", name=upload.filename)
            elif str(exc) == "too_many_pixels":
                message = _(
                    "%(name)s has too many pixels: at most %(n)d megapixels. Please send a "
                    "smaller photo (a phone's normal setting is fine).",
                    name=upload.filename,
                    n=MAX_PIXELS // 1_000_000,
                )
            else:
                message = _("%(name)s is not a JPEG, PNG or WebP photo.", name=upload.filename)
            return {field_name: message}
    for content_type, data in cleaned:
        db.session.add(
            DraftPhoto(
                draft_key=draft_key, order_line_id=line.id, content_type=content_type, data=data
            )
        )
    db.session.flush()
    return {}

"""Creating, cancelling and expiring returns."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import lifecycle
from portal.extensions import db
from portal.links import public_url
from portal.models import (
    Order,
    OrderLine,
    Product,
    RelayPoint,
    ReturnItem,
    ReturnPhoto,
    ReturnRequest,
    Variant,
)
from portal.models.returns import REASONS, RESOLUTIONS
from portal.money import paid_for
from portal.notifications import notify
from portal.services import audit, label_voids, repair_cases, stock
from portal.services.eligibility import check_order, returned_quantities
from portal.services.errors import InvalidTransition, ValidationFailed
from portal.services.keep_it import current_rule, return_keep_value
from portal.services.kept_returns import keep
from portal.services.letterbox import is_letterbox
from portal.services.locks import lock_return, locked_order
from portal.services.policy import Policy
from portal.services.repair_eligibility import REPAIR, repair_offer, repair_problems
from portal.services.rma import RMA_ALPHABET, new_rma  # noqa: F401
from portal.shops import platform_stock


@dataclass
class ItemChoice:
    order_line_id: int
    quantity: int
    reason: str
    resolution: str
    comment: str = ""
    exchange_variant_id: int | None = None
    photos: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class Contact:
    name: str
    email: str
    line1: str
    postcode: str
    city: str
    country: str = "FR"
    line2: str | None = None


@dataclass
class ReturnDraft:
    order_id: int
    items: list[ItemChoice]
    relay_point_id: int | None
    locale: str
    submission_key: str
    gift: bool = False
    contact: Contact | None = None  # required for gifts (the recipient); else the buyer
    collection_date: date | None = None  # a letterbox collection's day (`services.letterbox`)


def exchange_options(line) -> list[Variant]:
    """Other variants of the same product, same price, with stock available now."""
    variant = line.variant
    return [
        v
        for v in variant.product.variants
        if v.id != variant.id
        and v.price == variant.price
        and v.currency == variant.currency
        and v.available > 0
    ]


def allowed_resolutions(order: Order, gift: bool, policy: Policy) -> tuple[str, ...]:
    if gift and not policy.gift_refund_to_buyer:
        return ("exchange", "store_credit")
    return RESOLUTIONS


def validate_choices(
    order: Order,
    items: list[ItemChoice],
    *,
    gift: bool,
    policy: Policy,
    today: date,
    taken: dict[int, int] | None = None,
) -> dict[str, str]:
    """Errors by field (`item-<line id>-quantity` …); empty when all is well."""
    errors: dict[str, str] = {}
    taken = returned_quantities(order.id) if taken is None else taken
    eligible = {e.line.id: e for e in check_order(order, policy, today, taken)}
    allowed = allowed_resolutions(order, gift, policy)
    if not items:
        errors["items"] = _("Choose at least one item to return.")
    for choice in items:
        key = f"item-{choice.order_line_id}"
        e = eligible.get(choice.order_line_id)
        if e is None:
            errors[key] = _("This item is not part of your order.")
            continue
        if choice.resolution == REPAIR:  # under warranty (repair_eligibility), gifts too
            offer = repair_offer(e, today, taken.get(e.line.id, 0))
            errors.update(repair_problems(key, offer, choice.quantity, choice.reason))
            continue
        if not e.ok:
            errors[f"{key}-quantity"] = e.problems[0][1] if e.problems else _("Already returned.")
            continue
        if not 1 <= choice.quantity <= e.returnable_quantity:
            errors[f"{key}-quantity"] = _(
                "You can return at most %(n)d of this item.", n=e.returnable_quantity
            )
        if choice.reason not in REASONS:
            errors[f"{key}-reason"] = _("Please tell us why you are returning it.")
        if choice.resolution not in allowed:
            errors[f"{key}-resolution"] = _("Please choose what you would like instead.")
        elif choice.resolution == "exchange":
            options = {v.id: v for v in exchange_options(e.line)}
            variant = options.get(choice.exchange_variant_id)
            if variant is None:
                errors[f"{key}-exchange"] = _("Please choose a size or colour that is available.")
            elif variant.available < choice.quantity:
                errors[f"{key}-exchange"] = _(
                    "Only %(n)d left in this size or colour.", n=variant.available
                )
        if len(choice.comment) > 1000:
            errors[f"{key}-comment"] = _("Please keep the comment under 1000 characters.")
    return errors


def find_by_submission(key: str) -> ReturnRequest | None:
    return db.session.scalar(select(ReturnRequest).where(ReturnRequest.submission_key == key))


def _taken_meanwhile(
    order: Order, items: list[ItemChoice], taken: dict[int, int]
) -> dict[str, str]:
    """Units another return of this order took since the customer chose (`taken` is read
    after the order's lock): the customer is told which item, and nothing is made."""
    lines = {line.id: line for line in order.lines}
    errors: dict[str, str] = {}
    for choice in items:
        line = lines.get(choice.order_line_id)
        if line is None or not taken.get(line.id) or not isinstance(choice.quantity, int):
            continue
        left = max(line.quantity - taken[line.id], 0)
        if choice.quantity <= left:
            continue
        name = line.variant.display_name
        if left:
            message = _(
                "Sorry, %(item)s was just included in another return for this order: "
                "you can return at most %(n)d more.",
                item=name,
                n=left,
            )
        else:
            message = _(
                "Sorry, %(item)s was just included in another return for this order.", item=name
            )
        errors[f"item-{line.id}-quantity"] = message
    return errors


def _order_loads(items: list[ItemChoice]) -> tuple:
    """What `create_return` reads of the order, loaded with it in one statement: its lines,
    their variants and products (and the products' variants when an exchange is asked
    for)."""
    lines = joinedload(Order.lines).joinedload(OrderLine.variant).joinedload(Variant.product)
    if any(choice.resolution == "exchange" for choice in items):
        lines = lines.joinedload(Product.variants)
    return (lines,)


def create_return(draft: ReturnDraft, *, policy: Policy, today: date) -> ReturnRequest:
    """Create the return and reserve exchange stock; the same submission key twice gives one."""
    # concurrent submissions for this order wait here, then read it, its lines and the
    # submission again (a caller finds a finished submission before, without the lock)
    order = locked_order(draft.order_id, *_order_loads(draft.items))
    if order is None:
        raise ValidationFailed({"order": _("We could not find this order.")})
    existing = find_by_submission(draft.submission_key)
    if existing is not None:
        return existing
    # units earlier returns hold, read once after the lock (nothing of this one is made yet)
    taken = returned_quantities(order.id)
    errors = validate_choices(
        order, draft.items, gift=draft.gift, policy=policy, today=today, taken=taken
    )
    errors.update(_taken_meanwhile(order, draft.items, taken))
    # keep it: decided here again, after the lock, from what the customer chose
    kept = bool(return_keep_value(order, draft.items, current_rule(), taken))
    relay = db.session.get(RelayPoint, draft.relay_point_id) if draft.relay_point_id else None
    if kept:
        relay = None  # nothing is shipped: no drop-off point
    elif relay is None or not relay.active:
        errors["relay_point"] = _("Please choose a drop-off point.")
    if draft.gift and draft.contact is None:
        errors["contact"] = _("Please tell us your name and e-mail.")
    if errors:
        raise ValidationFailed(errors)

    contact = draft.contact or Contact(
        name=order.shipping_name,
        email=order.email,
        line1=order.shipping_line1,
        line2=order.shipping_line2,
        postcode=order.shipping_postcode,
        city=order.shipping_city,
        country=order.shipping_country,
    )
    items = []
    lines = {line.id: line for line in order.lines}
    for choice in draft.items:
        line = lines[choice.order_line_id]
        item = ReturnItem(
            order_line=line,
            quantity=choice.quantity,
            reason=choice.reason,
            comment=choice.comment.strip(),
            resolution=choice.resolution,
            amount_paid=paid_for(line, taken.get(line.id, 0), choice.quantity),
        )
        if choice.resolution == "exchange":
            variant = db.session.get(Variant, choice.exchange_variant_id)
            stock.reserve(variant, choice.quantity)
            item.exchange_variant = variant
            item.stock_reserved = True
        item.photos = [ReturnPhoto(content_type=ct, data=data) for ct, data in choice.photos]
        items.append(item)
    rr = ReturnRequest(
        rma=new_rma(),
        access_key=secrets.token_urlsafe(24),
        submission_key=draft.submission_key,
        order=order,
        locale=draft.locale,
        is_gift=draft.gift,
        contact_name=contact.name,
        contact_email=contact.email,
        sender_line1=contact.line1,
        sender_line2=contact.line2,
        sender_postcode=contact.postcode,
        sender_city=contact.city,
        sender_country=contact.country,
        relay_point=relay,
        collection_date=draft.collection_date if is_letterbox(relay) else None,
        items=items,
        labels=[],  # a new return has none: nothing to read
    )
    db.session.add(rr)
    if kept:
        keep(rr, actor_type="customer", actor=contact.email)
        return rr
    audit.transition(
        rr,
        "request",
        actor_type="customer",
        actor=contact.email,
        items=[
            {"sku": i.order_line.variant.sku, "quantity": i.quantity, "resolution": i.resolution}
            for i in rr.items
        ],
    )
    repair_cases.open_cases(rr, today)  # repairs under warranty: one case per item
    db.session.flush()
    platform_stock.hold_all(rr)  # a platform order's exchanges: held there too, after commit
    return rr


def _release_all(rr: ReturnRequest) -> None:
    for item in rr.items:
        stock.release(item)
    label = rr.current_label
    if label is not None:
        label_voids.void(label)


def cancel_return(rr: ReturnRequest, *, actor_type: str, actor: str = "") -> None:
    lock_return(rr)  # a carrier scan committing meanwhile must not be overwritten
    if not lifecycle.can(rr, "cancel"):
        raise InvalidTransition(
            _("This return can no longer be cancelled: the parcel is already on its way.")
        )
    audit.transition(rr, "cancel", actor_type=actor_type, actor=actor)
    _release_all(rr)
    notify(rr, "cancelled")
    db.session.flush()


def expire_returns(now: datetime) -> list[ReturnRequest]:
    """Expire returns whose label ran out unused; safe to run at any frequency."""
    from portal.models import Label

    candidates = db.session.scalars(
        select(ReturnRequest)
        .join(Label, Label.return_id == ReturnRequest.id)
        .where(
            ReturnRequest.status.in_(lifecycle.states_where("expire")),
            Label.voided_at.is_(None),
            Label.expires_at < now,
        )
        .with_for_update(of=ReturnRequest, skip_locked=True)
    ).unique()
    expired = []
    for rr in candidates:
        label = rr.current_label
        if not lifecycle.can(rr, "expire") or label is None or label.expires_at >= now:
            continue
        audit.transition(rr, "expire", actor_type="system")
        _release_all(rr)
        notify(rr, "expired", start_url=public_url("/"))
        expired.append(rr)
    db.session.flush()
    return expired

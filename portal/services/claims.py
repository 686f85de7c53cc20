"""Claims: a problem with an order that needs no return (never arrived, arrived damaged,
wrong item, missing item).

The customer opens one from the order lookup (`open_claim`); support resolves it in one
screen (`resolve_claim`): a replacement shipped now (stock reserved with the same
conditional UPDATE as exchanges, then shipped at no charge) and/or a goodwill code (store
credit). If the original turns up later, the customer says so (`original_turned_up`) and
goes on to the ordinary return journey for it. Each verb moves the claim through
`lifecycle.CLAIM`, writes an audit event and queues the customer's e-mail, in the
caller's transaction; none commits.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from portal import lifecycle
from portal.carriers.local import new_tracking_code
from portal.extensions import db
from portal.models import Claim, ClaimLine, ClaimPhoto, Order, ReturnRequest, Variant
from portal.models.base import utcnow
from portal.models.claims import CLAIM_KINDS
from portal.services import audit, claim_mail, credits, kept_returns, stock
from portal.services.errors import OutOfStock, ValidationFailed
from portal.services.keep_it import current_rule, keep_it_value
from portal.words import CLAIM_PHOTO_KINDS

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_TEXT = 2000


def new_claim_number() -> str:
    chars = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    return f"C-{chars[:4]}-{chars[4:]}"


def validate(
    order: Order, kind: str, quantities: dict[int, int], description: str, photos: int
) -> dict[str, str]:
    """What is wrong with the customer's claim, by field (empty: nothing)."""
    errors: dict[str, str] = {}
    if kind not in CLAIM_KINDS:
        errors["kind"] = _("Choose what happened.")
    lines = {line.id: line for line in order.lines}
    if any(line_id not in lines for line_id in quantities):
        errors["items"] = _("This item is not part of your order.")
    elif not any(q > 0 for q in quantities.values()):
        errors["items"] = _("Choose at least one item concerned.")
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is not None and not 0 <= quantity <= line.quantity:
            errors[f"line-{line_id}"] = _("You bought %(n)d of this item.", n=line.quantity)
    if not description.strip():
        errors["description"] = _("Tell us what happened.")
    elif len(description) > MAX_TEXT:
        errors["description"] = _("At most %(n)d characters, please.", n=MAX_TEXT)
    if kind in CLAIM_PHOTO_KINDS and photos == 0:
        errors["photos"] = _("Add at least one photo of the damage.")
    if order.cancelled:
        errors["items"] = _("This order was cancelled.")
    return errors


def open_claim(
    order: Order,
    *,
    kind: str,
    quantities: dict[int, int],
    description: str,
    photos: list[tuple[str, bytes]],
    locale: str,
) -> Claim:
    """Record the customer's claim (ValidationFailed, nothing stored, when it is wrong)."""
    errors = validate(order, kind, quantities, description, len(photos))
    if errors:
        raise ValidationFailed(errors)
    claim = Claim(
        number=new_claim_number(),
        access_key=secrets.token_urlsafe(24),
        order_id=order.id,
        order=order,
        kind=kind,
        locale=locale,
        contact_name=order.shipping_name,
        contact_email=order.email,
        description=description.strip(),
    )
    step, _before, _after = lifecycle.apply(claim, "open_claim", lifecycle.CUSTOMER)
    claim.lines = [
        ClaimLine(order_line_id=line_id, quantity=q) for line_id, q in quantities.items() if q > 0
    ]
    claim.photos = [ClaimPhoto(content_type=t, data=d) for t, d in photos]
    db.session.add(claim)
    db.session.flush()
    audit.record(None, step.action, actor_type="customer", claim=claim.number, kind=kind)
    kept = keep_it_value(order, kind, quantities, current_rule())
    if kept:
        _keep_it(claim, kept)
    else:
        claim_mail.queue(claim, "claim_received")
    return claim


def _keep_it(claim: Claim, value: int) -> None:
    """The keep-it rule applies: resolved at once, the customer keeps the item and gets
    store credit of what they paid for it; nothing is shipped, no label."""
    step, _before, _after = lifecycle.apply(claim, "keep_it", lifecycle.SYSTEM)
    claim.credit = credits.issue_credit(
        amount=value,
        currency=claim.order.currency,
        owner_name=claim.contact_name,
        owner_email=claim.contact_email,
        kind="refund",
        note=f"{claim.number}: keep it",
    )
    claim.kept_value = value
    claim.resolved_by = "policy"
    claim.resolved_at = utcnow()
    db.session.flush()
    audit.record(None, step.action, actor_type="system", claim=claim.number, amount=value)
    claim_mail.queue(claim, "claim_kept")


def lock_claim(claim: Claim) -> None:
    """Hold the claim's row until the transaction ends and read it fresh (a second support
    click waits, then sees the first one's decision). SQLite: a write takes its lock."""
    db.session.execute(select(Claim.id).where(Claim.id == claim.id).with_for_update())
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(Claim)
            .where(Claim.id == claim.id)
            .values(status=Claim.status)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        select(Claim).where(Claim.id == claim.id).execution_options(populate_existing=True)
    ).all()


def resolve_claim(
    claim: Claim,
    *,
    replacement: bool,
    goodwill: int,
    note: str,
    actor: str,
    refund: bool = False,
) -> Claim:
    """Support's decision: ship a replacement of the lines concerned now (at no charge),
    and/or refund what was paid for them to the original payment (through a kept return,
    `kept_returns.refund_claim`), and/or give a goodwill code of `goodwill` minor units.
    Raises IllegalTransition when the claim was already resolved, ValidationFailed when
    nothing was chosen, OutOfStock when a replacement cannot be promised,
    InvalidTransition when nothing is left to refund; nothing changes then."""
    lock_claim(claim)
    step, before, after = lifecycle.apply(claim, "resolve_claim", lifecycle.STAFF)
    if not replacement and not refund and goodwill <= 0:
        raise ValidationFailed(
            {"decision": _("Choose a replacement, a refund and/or a goodwill code.")}
        )
    if goodwill < 0 or goodwill > order_total(claim.order):
        raise ValidationFailed({"goodwill": _("A goodwill code is at most what the order cost.")})
    if replacement:
        for line in claim.lines:
            _ship_replacement(line)
        claim.replacement_tracking_code = new_tracking_code()
    if refund:
        kept_returns.refund_claim(claim, actor=actor)
    if goodwill > 0:
        claim.credit = credits.issue_credit(
            amount=goodwill,
            currency=claim.order.currency,
            owner_name=claim.contact_name,
            owner_email=claim.contact_email,
            kind="goodwill",
            note=f"{claim.number}: {note}".strip(": "),
        )
    claim.staff_note = note.strip()
    claim.resolved_by = actor
    claim.resolved_at = utcnow()
    db.session.flush()
    audit.record(
        None,
        step.action,
        actor_type="staff",
        actor=actor,
        claim=claim.number,
        tracking_code=claim.replacement_tracking_code or "",
        amount=goodwill,
        refund_rma=claim.kept_return.rma if claim.kept_return else "",
    )
    claim_mail.queue(claim, "claim_resolved")
    return claim


def _ship_replacement(line: ClaimLine) -> None:
    """Promise the units with the exchanges' conditional UPDATE, then ship them."""
    variant = line.order_line.variant
    try:
        stock.reserve(variant, line.quantity)
    except OutOfStock as exc:
        raise OutOfStock(
            _(
                "%(variant)s is out of stock: no replacement can be sent. Offer a goodwill "
                "code instead.",
                variant=variant.sku,
            ),
            exc.sku,
        ) from exc
    db.session.execute(
        update(Variant)
        .where(Variant.id == variant.id)
        .values(
            stock_reserved=Variant.stock_reserved - line.quantity,
            stock_on_hand=Variant.stock_on_hand - line.quantity,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(variant)


def original_turned_up(claim: Claim) -> Claim:
    """The customer found the original: the claim says so; the return journey follows."""
    lock_claim(claim)
    step, _before, _after = lifecycle.apply(claim, "original_turned_up", lifecycle.CUSTOMER)
    claim.original_found_at = utcnow()
    audit.record(None, step.action, actor_type="customer", claim=claim.number)
    return claim


def order_total(order: Order) -> int:
    return max(sum(line.unit_price * line.quantity - line.discount for line in order.lines)
               - order.discount, 0)  # fmt: skip


def by_access_key(key: str) -> Claim | None:
    return db.session.scalar(select(Claim).where(Claim.access_key == key))


def by_number(number: str) -> Claim | None:
    return db.session.scalar(select(Claim).where(Claim.number == number.strip().upper()))


def queue() -> list[Claim]:
    """Claims support still has to look at, oldest first."""
    to_do = lifecycle.CLAIM_GROUPS["claim_to_resolve"]
    return list(
        db.session.scalars(
            select(Claim).where(Claim.status.in_(to_do)).order_by(Claim.created_at, Claim.id)
        )
    )


def history(email: str, *, exclude: Claim | ReturnRequest | None = None) -> dict:
    """The customer's earlier claims and returns (by e-mail, any case), for staff: repeat
    claims are shown, never refused."""
    address = (email or "").strip().lower()
    claims = list(
        db.session.scalars(
            select(Claim)
            .where(db.func.lower(Claim.contact_email) == address)
            .order_by(Claim.created_at.desc(), Claim.id.desc())
        )
    )
    returns = list(
        db.session.scalars(
            select(ReturnRequest)
            .join(Order, Order.id == ReturnRequest.order_id)
            .where(
                or_(
                    db.func.lower(ReturnRequest.contact_email) == address,
                    db.func.lower(Order.email) == address,
                )
            )
            .order_by(ReturnRequest.created_at.desc(), ReturnRequest.id.desc())
        )
    )
    others = [c for c in claims if not (isinstance(exclude, Claim) and c.id == exclude.id)]
    returns = [
        r for r in returns if not (isinstance(exclude, ReturnRequest) and r.id == exclude.id)
    ]
    return {
        "claims": others,
        "returns": returns,
        "claim_count": len(claims),
        "repeat": len(claims) > 1,
    }

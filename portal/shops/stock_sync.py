"""Our stock tables are the platform's cache: `shop sync` reconciles them from what the
platform can still sell (a connector's optional `stock_pages`, see platform.py).

For one variant, the platform's `available` already has taken out the units it holds for
our exchanges (the reservations `platform_stock.hold_all` made there and has not
released). Our own `stock_reserved` counts every exchange we promised, whether or not its
hold has reached the platform yet. So that nothing is promised twice:

    stock_on_hand = available + held there for us

and what we can still promise, `stock_on_hand - stock_reserved`, is the platform's
available less our promises that are not held there yet, plus holds we gave back here
whose release has not reached it yet. When the platform has sold what we promised (less
on hand than we reserved), on hand is kept at what is reserved — nothing more can be
promised — and the conflict is named in the sync's errors for a person to look at.

Only variants that changed are written (one read per page, one UPDATE per change, the
reserved count read inside the UPDATE itself so a customer reserving meanwhile is never
lost), so a second sync that finds the same levels writes nothing. Flushes, never
commits: `shop sync` commits after each page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import case, select, update
from sqlalchemy.orm import aliased

from portal.extensions import db
from portal.lifecycle import shops as call_states
from portal.models import PlatformCall, Variant
from portal.models.base import utcnow
from portal.shops.calls import RELEASE, RESERVE
from portal.shops.platform import StockLevel

Release = aliased(PlatformCall)


def held_in_platform(platform_name: str, hold_days: int | None = None) -> dict[str, int]:
    """Units the platform holds for our exchanges, by SKU: reservations it made whose
    release it has neither made nor refused. `hold_days`: how long the platform keeps a
    hold by itself (Shopify's draft orders give the stock back after
    `reserveInventoryUntil`); an older hold is no longer counted. Only the holds still
    open are read."""
    released = (
        select(Release.id)
        .where(
            Release.kind == RELEASE,
            # a release the platform refused may have given the units back: counted as
            # made, so that a doubt under-promises rather than promising a unit twice
            Release.status.in_((call_states.DONE, call_states.REFUSED)),
            Release.payload["reserve_key"].as_string() == PlatformCall.key,
        )
        .exists()
    )
    query = select(PlatformCall.payload).where(
        PlatformCall.platform == platform_name,
        PlatformCall.kind == RESERVE,
        PlatformCall.status == call_states.DONE,
        ~released,
    )
    if hold_days is not None:
        query = query.where(PlatformCall.done_at >= utcnow() - timedelta(days=hold_days))
    held: dict[str, int] = {}
    for payload in db.session.scalars(query):
        for line in (payload or {}).get("lines") or []:
            sku, quantity = line.get("sku"), line.get("quantity")
            if isinstance(sku, str) and isinstance(quantity, int) and quantity > 0:
                held[sku] = held.get(sku, 0) + quantity
    return held


def apply_levels(levels: Iterable[StockLevel], held: dict[str, int], result) -> None:
    """Bring our variants named in `levels` to the platform's figures; `result` is the
    sync's SyncResult (`stock_updated`, `errors`). Unknown SKUs are left alone: our
    variants come from orders, and one no customer bought cannot be exchanged for yet."""
    wanted: dict[str, int] = {}
    for level in levels:
        if isinstance(level.sku, str) and level.sku:
            wanted[level.sku] = max(int(level.available), 0) + held.get(level.sku, 0)
    if not wanted:
        return
    rows = db.session.execute(
        select(Variant.id, Variant.sku, Variant.stock_on_hand, Variant.stock_reserved).where(
            Variant.sku.in_(list(wanted))
        )
    ).all()
    for variant_id, sku, on_hand, reserved in rows:
        target = wanted[sku]
        if target < reserved:
            result.errors.append(
                f"stock {sku}: the shop has {target} for us but {reserved} "
                "are promised to exchanges here; nothing more is promised"
            )
        if max(target, reserved) == on_hand:
            continue
        db.session.execute(
            update(Variant)
            .where(Variant.id == variant_id)
            .values(
                stock_on_hand=case(
                    (Variant.stock_reserved > target, Variant.stock_reserved), else_=target
                )
            )
            .execution_options(synchronize_session=False)
        )
        result.stock_updated += 1
    db.session.flush()

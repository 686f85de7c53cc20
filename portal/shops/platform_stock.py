"""An exchange of a platform order holds, releases and ships its replacement in the
platform, which owns the stock (our Variant rows are its cache, reconciled by the sync):

- `hold_all(rr)` when the return is submitted: a reservation per exchange item (Shopify:
  a draft order with `reserveInventoryUntil`);
- `release(item)` whenever our own reservation is given back (cancel, expiry, rejection,
  a partial receipt): the platform's hold is released too;
- `replace(rr, item, variant, quantity)` when the exchange ships: the platform's hold is
  released and a zero-priced order made, linked to the return (tagged `retours` and the
  RMA), which the shop's usual fulfilment picks up. Its tracking number comes back with
  that order's fulfilment (`replacements.py`), and only then is the customer e-mailed.

Each is a `PlatformCall`, sent after commit, exactly once per key.
"""

from __future__ import annotations

from flask import current_app

from portal.models import PlatformCall, ReturnItem, ReturnRequest, Variant
from portal.shops import calls, platform
from portal.shops.platform import ReplacementLine, ReplacementOrder, Reservation


def _note(rr: ReturnRequest) -> str:
    return f"{current_app.config.get('SHOP_NAME', 'Retours')} {rr.rma}"


def _line(variant: Variant, quantity: int, connector=None) -> ReplacementLine:
    """`external_variant_id` from the connector's optional `variant_id(sku, product_code)`:
    the platform's id of a variant its sync named itself (no SKU there); else "" (by SKU)."""
    named = getattr(connector, "variant_id", None)
    external = named(variant.sku, variant.product.code) if named else ""
    return ReplacementLine(external_variant_id=external or "", sku=variant.sku, quantity=quantity)


def hold_all(rr: ReturnRequest, *, actor_type: str = "customer") -> None:
    connector = platform.for_source(rr.order.source)
    if connector is None:
        return
    for item in rr.items:
        if item.resolution != "exchange" or item.exchange_variant is None:
            continue
        key = f"retours-hold-{item.id}"
        data = Reservation(
            key, (_line(item.exchange_variant, item.quantity, connector),), _note(rr)
        )
        calls.queue(
            calls.RESERVE,
            connector.name,
            key,
            data,
            actor_type=actor_type,
            return_id=rr.id,
            return_item_id=item.id,
        )


def release(item: ReturnItem, *, actor_type: str = "system") -> PlatformCall | None:
    held = calls.by_key(f"retours-hold-{item.id}")
    if held is None:
        return None
    key = f"retours-release-{item.id}"
    return calls.queue(
        calls.RELEASE,
        held.platform,
        key,
        {"reserve_key": held.key},
        actor_type=actor_type,
        return_id=held.return_id,
        return_item_id=item.id,
    )


def replacement_of(item: ReturnItem) -> PlatformCall | None:
    return calls.by_key(f"retours-exchange-{item.id}")


def replace(
    rr: ReturnRequest, item: ReturnItem, variant: Variant, quantity: int, *, actor_type: str
) -> PlatformCall | None:
    """Queue the zero-priced replacement order; None for a non-platform order."""
    connector = platform.for_source(rr.order.source)
    if connector is None:
        return None
    release(item, actor_type="staff" if actor_type == "staff" else "system")
    key = f"retours-exchange-{item.id}"
    data = ReplacementOrder(
        key=key,
        external_order_id=rr.order.external_id or "",
        rma=rr.rma,
        email=rr.contact_email,
        lines=(_line(variant, quantity, connector),),
        note=f"{_note(rr)}: exchange for {item.order_line.variant.sku}",
    )
    return calls.queue(
        calls.REPLACEMENT,
        connector.name,
        key,
        data,
        actor_type="staff" if actor_type == "staff" else "system",
        return_id=rr.id,
        return_item_id=item.id,
    )

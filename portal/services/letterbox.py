"""Colissimo's letterbox collection (*retour en boîte aux lettres*) as a way to send the parcel.

Offered when Colissimo is configured with `COLISSIMO_LETTERBOX=1` (the contract includes it)
and the service proposes collection days for the customer's address
(`getListMailBoxPickingDates`). The choice is one `RelayPoint` row (network Colissimo, kind
`letterbox`, external id `BAL`, never near anyone) plus the day, kept on the return
(`collection_date`); the label then asks for the collection (`mailBoxPicking`) and the carrier
confirms it (`planPickup`). The page never waits longer than `RELAY_POINTS_TIMEOUT` for the
dates: without an answer the option is not shown. Flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import current_app

from labels import Address
from portal.carriers import COLISSIMO, offered_networks
from portal.extensions import db
from portal.models import Order, RelayPoint, ReturnRequest
from portal.services.drop_off_points import placeholder_point

LETTERBOX = "letterbox"
EXTERNAL_ID = "BAL"


def _carrier():
    from portal.carriers.colissimo import ColissimoCarrier, Settings

    config = current_app.config
    settings = Settings.from_config(config)
    wait = float(config.get("RELAY_POINTS_TIMEOUT") or 2.0)
    settings = replace(settings, timeout=min(settings.timeout, wait))
    return ColissimoCarrier(settings, shop_name=config.get("SHOP_NAME") or "")


def offered() -> bool:
    if not any(n.network == COLISSIMO for n in offered_networks()):
        return False
    return str(current_app.config.get("COLISSIMO_LETTERBOX") or "").lower() in ("1", "true", "yes")


def sender_of(order: Order) -> Address:
    return Address(
        name=order.shipping_name,
        line1=order.shipping_line1,
        line2=order.shipping_line2,
        postcode=order.shipping_postcode,
        city=order.shipping_city,
        country=order.shipping_country or "FR",
    )


def collection_days(sender: Address) -> list[date]:
    """The days Colissimo proposes to collect from `sender`'s letterbox ([] = not offered)."""
    if not offered():
        return []
    return _carrier().mailbox_picking_dates(sender)


def letterbox_row() -> RelayPoint:
    """The row that stands for "we collect it from your letterbox" (created on first use)."""
    return placeholder_point(COLISSIMO, EXTERNAL_ID, "Colissimo letterbox collection", LETTERBOX)


def is_letterbox(point: RelayPoint | None) -> bool:
    return point is not None and point.kind == LETTERBOX


def parse_day(raw: str | None, days: list[date]) -> date | None:
    """The chosen day if it is one of those proposed; else None."""
    try:
        day = date.fromisoformat((raw or "").strip()[:10])
    except ValueError:
        return None
    return day if day in days else None


def stored_day(raw: object) -> date | None:
    """The day kept in the journey's session (an ISO date), or None."""
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) and raw else None
    except ValueError:
        return None


def choose_collection(rr: ReturnRequest, day: date | None) -> None:
    """Keep the collection day with the return (None: not a letterbox collection)."""
    rr.collection_date = day if is_letterbox(rr.relay_point) else None
    db.session.flush()

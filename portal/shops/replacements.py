"""An exchange's replacement order coming back from the platform (sync or webhook): it is
ours, not a customer's order to import. Its fulfilment's tracking number becomes the
exchange's tracking number (the status page shows it) and the customer gets the
exchange-shipped e-mail with it, once.

A platform that sends no webhooks (PrestaShop) is asked by its poll: `poll_tracking` reads
each replacement order still without a tracking number through the connector's `tracking`.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.lifecycle import shops as states
from portal.models import PlatformCall, ReturnItem, ReturnRequest
from portal.notifications import notify
from portal.shops import credentials
from portal.shops.platform import PLATFORMS, PlatformError


def call_for(platform_name: str, external_order_id: str) -> PlatformCall | None:
    return db.session.scalar(
        select(PlatformCall).where(
            PlatformCall.platform == platform_name,
            PlatformCall.kind == "replacement",
            PlatformCall.external_id == external_order_id,
        )
    )


def tracked(call: PlatformCall, tracking_code: str | None) -> str:
    """'updated' when the tracking number is new to us, else 'unchanged'."""
    if not tracking_code or call.tracking_code or not states.call_in(call, states.DONE):
        return "unchanged"
    item = db.session.get(ReturnItem, call.return_item_id)
    rr = db.session.get(ReturnRequest, call.return_id)
    call.tracking_code = tracking_code[:64]
    taken = db.session.scalar(
        select(ReturnItem.id).where(ReturnItem.exchange_tracking_code == call.tracking_code)
    )
    if item.exchange_tracking_code is None and taken is None:
        item.exchange_tracking_code = call.tracking_code
    notify(
        rr,
        "exchange_shipped",
        name=item.display_name,
        variant_name=item.exchange_variant.display_name,
        quantity=call.payload["lines"][0]["quantity"],
        tracking_code=call.tracking_code,
    )
    db.session.flush()
    return "updated"


def waiting(platform_name: str, limit: int) -> list[PlatformCall]:
    """Replacement orders made in the platform whose tracking number we do not have yet."""
    return list(
        db.session.scalars(
            select(PlatformCall)
            .where(
                PlatformCall.platform == platform_name,
                PlatformCall.kind == "replacement",
                PlatformCall.status == states.DONE,
                PlatformCall.external_id.is_not(None),
                PlatformCall.tracking_code.is_(None),
            )
            .order_by(PlatformCall.id)
            .limit(limit)
        )
    )


def poll_tracking(platform_name: str, limit: int = 100) -> tuple[int, list[str]]:
    """Ask the platform for the tracking numbers of our replacement orders (flush, never
    commit): (how many came, what could not be read)."""
    connector = PLATFORMS.get(platform_name)
    look = getattr(connector, "tracking", None)
    found = credentials.current(platform_name) if look is not None else None
    if found is None:
        return 0, []
    came, errors = 0, []
    for call in waiting(platform_name, limit):
        try:
            answer = look(found, call.external_id)
        except PlatformError as exc:
            errors.append(f"{call.external_id}: {exc}")
            continue
        number = answer[1] if isinstance(answer, tuple) else answer
        if tracked(call, number) == "updated":
            came += 1
    return came, errors

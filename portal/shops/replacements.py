"""An exchange's replacement order coming back from the platform (sync or webhook): it is
ours, not a customer's order to import. Its fulfilment's tracking number becomes the
exchange's tracking number (the status page shows it) and the customer gets the
exchange-shipped e-mail with it, once."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.lifecycle import shops as states
from portal.models import PlatformCall, ReturnItem, ReturnRequest
from portal.notifications import notify


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

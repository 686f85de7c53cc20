"""Store credit for a platform order's customer is made in the platform (a Shopify gift
card, a WooCommerce coupon, a PrestaShop cart rule), so they can spend it at checkout.

Our `StoreCredit` row is made as before (the amount, the bonus, the owner); `queue` adds
the platform call that makes it there, with our code (letters and digits only, which
every platform accepts) so that a retry asks for the same one. The customer's e-mail waits
for the platform's answer (portal/shops/call_outcomes.py).
"""

from __future__ import annotations

import re

from flask import current_app

from portal.models import PlatformCall, ReturnRequest, StoreCredit
from portal.shops import calls, platform
from portal.shops.platform import PlatformCredit


def queue(
    rr: ReturnRequest, credit: StoreCredit, *, actor_type: str = "staff"
) -> PlatformCall | None:
    """The call that makes `credit` in the order's platform; None for a non-platform order
    (the credit is ours alone, as before)."""
    connector = platform.for_source(rr.order.source)
    if connector is None:
        return None
    key = f"retours-credit-{credit.id}"
    data = PlatformCredit(
        key=key,
        amount=credit.initial_amount,
        currency=credit.currency,
        email=credit.owner_email,
        note=f"{current_app.config.get('SHOP_NAME', 'Retours')} {rr.rma}",
        code=re.sub(r"[^A-Za-z0-9]", "", credit.code)[:20],
    )
    return calls.queue(
        calls.CREDIT,
        connector.name,
        key,
        data,
        actor_type=actor_type,
        return_id=rr.id,
        store_credit_id=credit.id,
    )


def spendable(credit: StoreCredit) -> bool:
    """Whether the customer may be shown the credit's code: ours alone, or made in the
    platform (not while it is waiting for the platform, nor after a refusal)."""
    from portal.lifecycle import shops as states
    from portal.shops.call_outcomes import waiting_credit

    call = waiting_credit(credit)
    return call is None or states.call_in(call, states.DONE)

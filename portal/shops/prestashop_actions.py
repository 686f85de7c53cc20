"""The calls that change a PrestaShop shop's money side: a credit slip for a refund, a cart
rule for store credit (the exchange's order and stock: `prestashop_exchange`). Plain data
in and out; the helpers here are shared with `prestashop_exchange`.

PrestaShop's webservice has no idempotency key, so each write that must happen once looks
first for what an earlier attempt made (an attempt whose answer was lost to a timeout):
- a cart rule carries our key at the start of its `description` (never shown to the
  customer), found again with `filter[description]=[key:]%`;
- a credit slip cannot carry text: the order's slips are compared with ours (same lines,
  units and amount); one the caller already holds for another refund (`made_before`) is
  never taken for this one;
- a replacement order the same way: the customer's orders paid with the replacement
  module, with the same products and units, not in `made_before`.
What the shop owner must still do is in docs/shops-prestashop.md (a credit slip records
the refund in the shop's books; PrestaShop's core does not pay it back).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask import current_app, has_app_context

from portal import money
from portal.shops.platform import (
    DONE,
    REFUSED,
    RETRY,
    Answer,
    PlatformCredit,
    PlatformError,
    PlatformRefund,
)
from portal.shops.prestashop import PrestaShopClient
from portal.shops.prestashop_mapping import Settings, to_local_text

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def answer_for(exc: PlatformError) -> Answer:
    """A timeout, dropped connection, 429 or 5xx is ours to try again; the rest a person's."""
    if exc.kind in ("unreachable", "server", "rate_limited"):
        return Answer(RETRY, reason=str(exc))
    return Answer(REFUSED, reason=f"PrestaShop: {exc}")


def setting(name: str, default):
    return current_app.config.get(name, default) if has_app_context() else default


def _settings() -> Settings:
    return Settings.from_config(current_app.config) if has_app_context() else Settings()


def _decimal(minor: int, currency: str) -> str:
    return str(money.to_decimal(minor, currency))


def read_order(client: PrestaShopClient, order_id: str) -> dict | None:
    found = client.listing("orders", {"display": "full", "filter[id]": f"[{order_id}]"})
    return found[0] if found else None


def _currency_id(client: PrestaShopClient, code: str) -> str | None:
    for row in client.listing("currencies", {"display": "[id,iso_code]"}):
        if str(row.get("iso_code") or "").upper() == code.upper():
            return str(row["id"])
    return None


# -- refunds: a credit slip (order_slip) --------------------------------------------------


def refund(client: PrestaShopClient, refund: PlatformRefund) -> Answer:
    try:
        return _refund(client, refund)
    except PlatformError as exc:
        return answer_for(exc)


def _slip_details(refund: PlatformRefund, rows: dict[str, dict]) -> list[dict]:
    details = []
    for line in refund.lines:
        row = rows.get(line.external_line_id)
        if row is None:
            raise PlatformError("bad_answer", f"order row {line.external_line_id} is not there")
        incl = Decimal(str(row.get("unit_price_tax_incl") or 0))
        excl = Decimal(str(row.get("unit_price_tax_excl") or 0))
        ratio = excl / incl if incl else Decimal(1)
        gross = money.to_decimal(line.amount, refund.currency)
        details.append(
            {
                "id_order_detail": line.external_line_id,
                "product_quantity": line.quantity,
                "amount_tax_excl": f"{(gross * ratio):.6f}",
                "amount_tax_incl": f"{gross:.6f}",
            }
        )
    return details


def _same_slip(slip: dict, details: list[dict], amount: str) -> bool:
    mine = sorted((str(d["id_order_detail"]), str(d["product_quantity"])) for d in details)
    theirs = (slip.get("associations") or {}).get("order_slip_details") or []
    given = sorted(
        (str(d.get("id_order_detail")), str(d.get("product_quantity")))
        for d in theirs
        if isinstance(d, dict)
    )
    return given == mine and Decimal(str(slip.get("amount") or 0)) == Decimal(amount)


def _refund(client: PrestaShopClient, refund: PlatformRefund) -> Answer:
    order = read_order(client, refund.external_order_id)
    if order is None:
        return Answer(REFUSED, reason=f"PrestaShop has no order {refund.external_order_id}")
    rows = {str(r.get("id")): r for r in (order.get("associations") or {}).get("order_rows") or []}
    details = _slip_details(refund, rows)
    amount = _decimal(refund.amount, refund.currency)
    slips = client.listing(
        "order_slip", {"display": "full", "filter[id_order]": f"[{refund.external_order_id}]"}
    )
    for slip in slips:
        if str(slip.get("id")) not in refund.made_before and _same_slip(slip, details, amount):
            return Answer(DONE, external_id=str(slip["id"]))
    lines_total = sum(line.amount for line in refund.lines)
    shipping = max(refund.amount - lines_total, 0)
    products = min(lines_total, refund.amount)
    made = client.create(
        "order_slip",
        "order_slip",
        {
            "id_customer": order.get("id_customer"),
            "id_order": refund.external_order_id,
            "conversion_rate": order.get("conversion_rate") or "1",
            "total_products_tax_excl": f"{sum(Decimal(d['amount_tax_excl']) for d in details):.6f}",
            "total_products_tax_incl": _decimal(products, refund.currency),
            "total_shipping_tax_excl": _decimal(shipping, refund.currency),
            "total_shipping_tax_incl": _decimal(shipping, refund.currency),
            "amount": amount,
            "shipping_cost": "1" if shipping else "0",
            "shipping_cost_amount": _decimal(shipping, refund.currency),
            "partial": "1",
            "order_slip_type": "0",
            "associations": {"order_slip_details": ("order_slip_detail", details)},
        },
    )
    return Answer(DONE, external_id=str(made["id"]))


# -- store credit: a cart rule ------------------------------------------------------------


def new_code() -> str:
    """RET-XXXX-XXXX-XXXX: 60 random bits, no look-alike characters."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"RET-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def issue_credit(client: PrestaShopClient, credit: PlatformCredit) -> Answer:
    try:
        return _issue_credit(client, credit)
    except PlatformError as exc:
        return answer_for(exc)


def _issue_credit(client: PrestaShopClient, credit: PlatformCredit) -> Answer:
    earlier = client.listing(
        "cart_rules", {"display": "[id,code]", "filter[description]": f"[{credit.key}:]%"}
    )
    if earlier:
        return Answer(DONE, external_id=str(earlier[0]["id"]), code=earlier[0].get("code"))
    currency = _currency_id(client, credit.currency)
    if currency is None:
        return Answer(REFUSED, reason=f"the shop has no currency {credit.currency}")
    customers = client.listing(
        "customers", {"display": "[id]", "filter[email]": f"[{credit.email}]"}
    )
    zone = _settings().zone
    now = datetime.now(UTC)
    until = credit.expires_on or now + timedelta(days=365)
    languages = client.listing("languages", {"display": "[id]"}) or [{"id": 1}]
    code = new_code()
    made = client.create(
        "cart_rules",
        "cart_rule",
        {
            "id_customer": customers[0]["id"] if customers else "0",
            "date_from": to_local_text(now, zone),
            "date_to": to_local_text(until.astimezone(UTC), zone),
            "description": f"{credit.key}: {credit.note}"[:65534],
            "quantity": "1",
            "quantity_per_user": "1",
            "priority": "1",
            "partial_use": "1",
            "code": code,
            "minimum_amount": "0",
            "free_shipping": "0",
            "reduction_percent": "0",
            "reduction_amount": _decimal(credit.amount, credit.currency),
            "reduction_tax": "1",
            "reduction_currency": currency,
            "highlight": "0",
            "active": "1",
            "name": [(lang["id"], (credit.note or "Retours")[:254]) for lang in languages],
        },
    )
    return Answer(DONE, external_id=str(made["id"]), code=str(made.get("code") or code))

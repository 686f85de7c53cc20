"""The calls that change a PrestaShop shop: a credit slip for a refund, a cart rule for store
credit, a zero-priced order for an exchange, and stock held for it. Plain data in and out.

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

import contextlib
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
    ReplacementLine,
    ReplacementOrder,
    Reservation,
)
from portal.shops.prestashop import PrestaShopClient
from portal.shops.prestashop_mapping import Settings, to_local_text

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _answer(exc: PlatformError) -> Answer:
    """A timeout, dropped connection, 429 or 5xx is ours to try again; the rest a person's."""
    if exc.kind in ("unreachable", "server", "rate_limited"):
        return Answer(RETRY, reason=str(exc))
    return Answer(REFUSED, reason=f"PrestaShop: {exc}")


def _config(name: str, default):
    return current_app.config.get(name, default) if has_app_context() else default


def _settings() -> Settings:
    return Settings.from_config(current_app.config) if has_app_context() else Settings()


def _decimal(minor: int, currency: str) -> str:
    return str(money.to_decimal(minor, currency))


def _order(client: PrestaShopClient, order_id: str) -> dict | None:
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
        return _answer(exc)


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
    order = _order(client, refund.external_order_id)
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
        return _answer(exc)


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


# -- exchanges: a zero-priced order from a cart, and stock --------------------------------


def _product(client: PrestaShopClient, line: ReplacementLine) -> tuple[str, str]:
    """(id_product, id_product_attribute) of what to send: '12-3', '12', our
    'prestashop-12-3' SKU, or a reference looked up in combinations then products."""
    for text in (line.external_variant_id, line.sku):
        bare = (text or "").removeprefix("prestashop-")
        product, _, combination = bare.partition("-")
        if product.isdigit() and (combination.isdigit() or not combination):
            return product, combination or "0"
    reference = line.sku or line.external_variant_id
    found = client.listing(
        "combinations", {"display": "[id,id_product]", "filter[reference]": f"[{reference}]"}
    )
    if found:
        return str(found[0]["id_product"]), str(found[0]["id"])
    found = client.listing("products", {"display": "[id]", "filter[reference]": f"[{reference}]"})
    if found:
        return str(found[0]["id"]), "0"
    raise PlatformError("bad_answer", f"no product with reference {reference!r} in the shop")


def create_replacement(client: PrestaShopClient, order: ReplacementOrder) -> Answer:
    try:
        return _create_replacement(client, order)
    except PlatformError as exc:
        return _answer(exc)


def _rows_of(items, product_key: str, attribute_key: str, quantity_key: str) -> list:
    return sorted(
        (str(i.get(product_key)), str(i.get(attribute_key) or "0"), str(i.get(quantity_key)))
        for i in items or []
        if isinstance(i, dict)
    )


def _create_replacement(client: PrestaShopClient, order: ReplacementOrder) -> Answer:
    original = _order(client, order.external_order_id)
    if original is None:
        return Answer(REFUSED, reason=f"PrestaShop has no order {order.external_order_id}")
    products = [(_product(client, line), line.quantity) for line in order.lines]
    wanted = sorted((p, a, str(q)) for (p, a), q in products)
    module = _config("PRESTASHOP_REPLACEMENT_MODULE", "ps_wirepayment")
    for earlier in client.listing(
        "orders",
        {
            "display": "full",
            "filter[id_customer]": f"[{original.get('id_customer')}]",
            "filter[module]": f"[{module}]",
            "filter[total_paid]": "[0,0]",
        },
    ):
        rows = (earlier.get("associations") or {}).get("order_rows")
        if str(earlier.get("id")) not in order.made_before and wanted == _rows_of(
            rows, "product_id", "product_attribute_id", "product_quantity"
        ):
            return _made(earlier)
    common = {
        key: original.get(key)
        for key in (
            "id_address_delivery",
            "id_address_invoice",
            "id_currency",
            "id_lang",
            "id_customer",
            "id_carrier",
        )
    }
    cart = client.create(
        "carts",
        "cart",
        {
            **common,
            "id_guest": "0",
            "recyclable": "0",
            "gift": "0",
            "associations": {
                "cart_rows": (
                    "cart_row",
                    [
                        {"id_product": p, "id_product_attribute": a, "quantity": q}
                        for (p, a), q in products
                    ],
                )
            },
        },
    )
    made = client.create(
        "orders",
        "order",
        {
            **common,
            "id_cart": cart["id"],
            "module": module,
            "payment": f"Retours {order.rma}"[:64],
            "total_paid": "0",
            "total_paid_real": "0",
            "total_products": "0",
            "total_products_wt": "0",
            "conversion_rate": "1",
        },
    )
    return _made(made)


def _made(made: dict) -> Answer:
    error_state = str(_config("PRESTASHOP_ERROR_STATE", "8"))
    if str(made.get("current_state") or "") == error_state:
        return Answer(
            REFUSED,
            external_id=str(made["id"]),
            reason=(
                f"PrestaShop made order {made.get('reference') or made['id']} in its "
                "'Payment error' state: the cart was not free (docs/shops-prestashop.md)"
            ),
        )
    return Answer(DONE, external_id=str(made["id"]), code=made.get("reference"))


def _stock(client: PrestaShopClient, product: str, attribute: str) -> dict:
    found = client.listing(
        "stock_availables",
        {
            "display": "full",
            "filter[id_product]": f"[{product}]",
            "filter[id_product_attribute]": f"[{attribute}]",
        },
    )
    if not found:
        raise PlatformError("bad_answer", f"no stock line for product {product}-{attribute}")
    return found[0]


def _move(client: PrestaShopClient, stock: dict, change: int) -> None:
    values = {k: v for k, v in stock.items() if k not in ("id", "associations")}
    values["quantity"] = str(int(stock.get("quantity") or 0) + change)
    client.update("stock_availables", "stock_available", str(stock["id"]), values)


def reserve(client: PrestaShopClient, reservation: Reservation) -> Answer:
    """Take the units off the shop's available stock; external_id says what to give back."""
    taken: list[tuple[dict, int]] = []
    try:
        for line in reservation.lines:
            stock = _stock(client, *_product(client, line))
            if int(stock.get("quantity") or 0) < line.quantity:
                _undo(client, taken)
                return Answer(
                    REFUSED, reason=f"only {stock.get('quantity')} of {line.sku} left in the shop"
                )
            _move(client, stock, -line.quantity)
            taken.append((stock, line.quantity))
    except PlatformError as exc:
        _undo(client, taken)
        return _answer(exc)
    held = ",".join(f"{stock['id']}x{units}" for stock, units in taken)
    return Answer(DONE, external_id=f"stock:{held}")


def _undo(client: PrestaShopClient, taken: list[tuple[dict, int]]) -> None:
    for stock, units in taken:
        with contextlib.suppress(PlatformError):  # best effort: the answer says what failed
            _move(client, _fresh(client, str(stock["id"])), units)


def _fresh(client: PrestaShopClient, stock_id: str) -> dict:
    found = client.listing("stock_availables", {"display": "full", "filter[id]": f"[{stock_id}]"})
    if not found:
        raise PlatformError("bad_answer", f"stock line {stock_id} is gone")
    return found[0]


def release(client: PrestaShopClient, external_id: str) -> Answer:
    """Give back what `reserve` took ("stock:<id>x<units>,…")."""
    if not external_id.startswith("stock:"):
        return Answer(REFUSED, reason=f"{external_id!r} is not a PrestaShop reservation")
    try:
        for part in filter(None, external_id[6:].split(",")):
            stock_id, _, units = part.partition("x")
            _move(client, _fresh(client, stock_id), int(units))
    except (PlatformError, ValueError) as exc:
        return _answer(exc) if isinstance(exc, PlatformError) else Answer(REFUSED, reason=str(exc))
    return Answer(DONE, external_id=external_id)

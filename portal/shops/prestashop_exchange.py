"""An exchange in a PrestaShop shop: the zero-priced replacement order made from a cart
(docs/shops-prestashop.md says what the shop needs for the order to be free); the
replacement's stock is held in `stock_availables` by `prestashop_holds`."""

from __future__ import annotations

from portal.shops.platform import (
    DONE,
    REFUSED,
    Answer,
    PlatformError,
    ReplacementLine,
    ReplacementOrder,
)
from portal.shops.prestashop import PrestaShopClient
from portal.shops.prestashop_actions import answer_for, read_order, setting


def product_of(client: PrestaShopClient, line: ReplacementLine) -> tuple[str, str]:
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
        return answer_for(exc)


def _rows_of(items, product_key: str, attribute_key: str, quantity_key: str) -> list:
    return sorted(
        (str(i.get(product_key)), str(i.get(attribute_key) or "0"), str(i.get(quantity_key)))
        for i in items or []
        if isinstance(i, dict)
    )


def _create_replacement(client: PrestaShopClient, order: ReplacementOrder) -> Answer:
    original = read_order(client, order.external_order_id)
    if original is None:
        return Answer(REFUSED, reason=f"PrestaShop has no order {order.external_order_id}")
    products = [(product_of(client, line), line.quantity) for line in order.lines]
    wanted = sorted((p, a, str(q)) for (p, a), q in products)
    module = setting("PRESTASHOP_REPLACEMENT_MODULE", "ps_wirepayment")
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
    error_state = str(setting("PRESTASHOP_ERROR_STATE", "8"))
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


def tracking(client: PrestaShopClient, order_id: str) -> str | None:
    """The tracking number the shop gave the order's shipment (order_carriers), if any."""
    rows = client.listing(
        "order_carriers", {"display": "[id,tracking_number]", "filter[id_order]": f"[{order_id}]"}
    )
    numbers = [str(r.get("tracking_number") or "").strip() for r in rows]
    return next((n for n in reversed(numbers) if n), None)

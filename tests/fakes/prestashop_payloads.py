"""Orders as PrestaShop's webservice shows them (`/api/orders?display=full`, JSON), for the
fake (`tests/fakes/prestashop.py`) and the tests: the fields the connector reads, in the
shapes of the orders and order_details resources (docs/shops-prestashop.md)."""

from __future__ import annotations


def row(
    row_id: int,
    *,
    product_id: int = 1,
    attribute_id: int = 0,
    quantity: int = 1,
    name: str = "Hummingbird printed t-shirt - Size : S",
    reference: str = "demo_1",
    price: str = "23.900000",
) -> dict:
    """One entry of an order's associations.order_rows, as the orders resource shows it."""
    return {
        "id": str(row_id),
        "product_id": str(product_id),
        "product_attribute_id": str(attribute_id),
        "product_quantity": str(quantity),
        "product_name": name,
        "product_reference": reference,
        "product_ean13": "",
        "product_isbn": "",
        "product_upc": "",
        "product_price": price,
        "id_customization": "0",
        "unit_price_tax_incl": price,
        "unit_price_tax_excl": f"{float(price) / 1.2:.6f}",
    }


def order(
    order_id: int,
    reference: str,
    *,
    rows: list[dict] | None = None,
    customer: int = 2,
    address: int = 5,
    currency: int = 1,
    date_add: str = "2026-11-10 10:00:00",
    date_upd: str | None = None,
    state: int = 2,
    discounts: str = "0.000000",
    shipping: str = "7.000000",
    gift: bool = False,
    gift_message: str = "",
    payment: str = "Bank wire",
) -> dict:
    """An order as /api/orders?display=full gives one (the fields the connector reads)."""
    rows = rows or [row(order_id * 10)]
    products = sum(float(r["unit_price_tax_incl"]) * int(r["product_quantity"]) for r in rows)
    paid = products + float(shipping) - float(discounts)
    return {
        "id": order_id,
        "id_address_delivery": str(address),
        "id_address_invoice": str(address),
        "id_cart": str(order_id),
        "id_currency": str(currency),
        "id_lang": "1",
        "id_customer": str(customer),
        "id_carrier": "2",
        "current_state": str(state),
        "module": "ps_wirepayment",
        "invoice_number": "0",
        "invoice_date": "0000-00-00 00:00:00",
        "delivery_number": "0",
        "delivery_date": "0000-00-00 00:00:00",
        "valid": "1",
        "date_add": date_add,
        "date_upd": date_upd or date_add,
        "shipping_number": "",
        "note": "",
        "id_shop_group": "1",
        "id_shop": "1",
        "secure_key": "b44a6d9efd7a0076a0fbce6b15eaf3b1",
        "payment": payment,
        "recyclable": "0",
        "gift": "1" if gift else "0",
        "gift_message": gift_message,
        "mobile_theme": "0",
        "total_discounts": discounts,
        "total_discounts_tax_incl": discounts,
        "total_discounts_tax_excl": discounts,
        "total_paid": f"{paid:.6f}",
        "total_paid_tax_incl": f"{paid:.6f}",
        "total_paid_tax_excl": f"{paid / 1.2:.6f}",
        "total_paid_real": f"{paid:.6f}",
        "total_products": f"{products / 1.2:.6f}",
        "total_products_wt": f"{products:.6f}",
        "total_shipping": shipping,
        "total_shipping_tax_incl": shipping,
        "total_shipping_tax_excl": shipping,
        "carrier_tax_rate": "0.000",
        "total_wrapping": "0.000000",
        "total_wrapping_tax_incl": "0.000000",
        "total_wrapping_tax_excl": "0.000000",
        "round_mode": "2",
        "round_type": "2",
        "conversion_rate": "1.000000",
        "reference": reference,
        "associations": {"order_rows": rows},
    }

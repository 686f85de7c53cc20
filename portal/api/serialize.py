"""Models to JSON, in the shapes the OpenAPI document describes."""

from __future__ import annotations

from datetime import datetime

from portal.models import Order, ReturnRequest, StoreCredit


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def order_json(order: Order) -> dict:
    return {
        "number": order.number,
        "email": order.email,
        "placed_at": iso(order.placed_at),
        "delivered_at": iso(order.delivered_at),
        "currency": order.currency,
        "cancelled": order.cancelled,
        "shipping_address": {
            "name": order.shipping_name,
            "line1": order.shipping_line1,
            "line2": order.shipping_line2,
            "postcode": order.shipping_postcode,
            "city": order.shipping_city,
            "country": order.shipping_country,
        },
        "discount": order.discount or 0,
        "payment": {"method": order.payment_method, "reference": order.payment_reference},
        "gift": {"code": order.gift_code, "message": order.gift_message}
        if order.gift_code
        else None,
        "lines": [
            {
                "sku": line.variant.sku,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "final_sale": line.final_sale,
                "discount": line.discount or 0,
            }
            for line in order.lines
        ],
    }


def return_json(rr: ReturnRequest) -> dict:
    label = rr.current_label
    return {
        "rma": rr.rma,
        "order": rr.order.number,
        "status": rr.status,
        "gift": rr.is_gift,
        "created_at": iso(rr.created_at),
        "received_at": iso(rr.received_at),
        "tracking_code": label.tracking_code if label else None,
        "items": [
            {
                "sku": item.order_line.variant.sku,
                "quantity": item.quantity,
                "reason": item.reason,
                "resolution": item.resolution,
                "exchange_sku": item.exchange_variant.sku if item.exchange_variant else None,
                "received_quantity": item.received_quantity,
                "grade": item.grade,
                "outcome": item.outcome,
            }
            for item in rr.items
        ],
    }


def credit_json(credit: StoreCredit) -> dict:
    return {
        "code": credit.code,
        "currency": credit.currency,
        "balance": credit.balance,
        "initial_amount": credit.initial_amount,
        "created_at": iso(credit.created_at),
    }

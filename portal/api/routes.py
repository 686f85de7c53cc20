"""Catalogue, orders and returns for the shop."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Response, abort, current_app, jsonify, request
from sqlalchemy import select

from labels import GiftReceiptData, GiftReceiptLine, render_gift_receipt
from portal.api.blueprint import bp, json_body
from portal.api.serialize import order_json, return_json
from portal.extensions import db
from portal.links import public_url
from portal.models import Order, ReturnRequest
from portal.services import shop_sync

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


@cache
def openapi_document() -> dict:
    return json.loads(OPENAPI_PATH.read_text())


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.put("/catalog")
def put_catalog():
    counts = shop_sync.upsert_variants(json_body())
    db.session.commit()
    return jsonify(counts)


@bp.put("/orders/<number>")
def put_order(number: str):
    order, created = shop_sync.upsert_order(number, json_body())
    db.session.commit()
    return jsonify(order_json(order)), 201 if created else 200


@bp.get("/orders/<number>")
def get_order(number: str):
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is None:
        abort(404, "No order with this number.")
    return jsonify(order_json(order))


@bp.get("/returns/<rma>")
def get_return(rma: str):
    rr = db.session.scalar(select(ReturnRequest).where(ReturnRequest.rma == rma.upper()))
    if rr is None:
        abort(404, "No return with this RMA number.")
    return jsonify(return_json(rr))


@bp.get("/orders/<number>/gift-receipt.pdf")
def gift_receipt(number: str):
    """A printable gift receipt: items without prices, the message, the code as text and QR."""
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is None:
        abort(404, "No order with this number.")
    if not order.gift_code:
        abort(404, "This order is not a gift.")
    locale = request.args.get("lang", current_app.config["DEFAULT_LOCALE"])
    if locale not in current_app.config["LANGUAGES"]:
        abort(400, "lang must be one of: " + ", ".join(current_app.config["LANGUAGES"]))
    pdf = render_gift_receipt(
        GiftReceiptData(
            shop_name=current_app.config["SHOP_NAME"],
            order_number=order.number,
            gift_code=order.gift_code,
            gift_message=order.gift_message,
            lines=tuple(
                GiftReceiptLine(
                    description=" · ".join(
                        p for p in (line.variant.product.name, line.variant.label) if p
                    ),
                    sku=line.variant.sku,
                    quantity=line.quantity,
                )
                for line in order.lines
            ),
            portal_url=public_url("/gift"),
            locale=locale,
        )
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="gift-receipt-{order.number}.pdf"'},
    )

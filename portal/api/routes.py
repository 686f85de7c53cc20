"""Catalogue, orders and returns for the shop."""

from __future__ import annotations

from flask import Response, abort, current_app, jsonify, request
from sqlalchemy import select

from labels import GiftReceiptData, GiftReceiptLine, render_gift_receipt
from portal.api.blueprint import bp, commit, json_body, path_key
from portal.api.serialize import order_json, return_json
from portal.extensions import db
from portal.links import public_url
from portal.models import Order, ReturnRequest
from portal.services import shop_sync
from portal.services.validation import document

NO_ORDER = "No order with this number."
NO_RETURN = "No return with this RMA number."


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.put("/catalog")
def put_catalog():
    counts = commit(shop_sync.upsert_variants(json_body()))
    return jsonify(counts)


@bp.put("/orders/<number>")
def put_order(number: str):
    order, created = commit(shop_sync.upsert_order(number, json_body()))
    return jsonify(order_json(order)), 201 if created else 200


def order_or_404(number: str) -> Order:
    number = path_key("OrderNumber", number, NO_ORDER)
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is None:
        abort(404, NO_ORDER)
    return order


@bp.get("/orders/<number>")
def get_order(number: str):
    return jsonify(order_json(order_or_404(number)))


@bp.get("/returns/<rma>")
def get_return(rma: str):
    rma = path_key("RmaNumber", rma, NO_RETURN)
    rr = db.session.scalar(select(ReturnRequest).where(ReturnRequest.rma == rma.upper()))
    if rr is None:
        abort(404, NO_RETURN)
    return jsonify(return_json(rr))


@bp.get("/orders/<number>/gift-receipt.pdf")
def gift_receipt(number: str):
    """A printable gift receipt: items without prices, the message, the code as text and QR."""
    order = order_or_404(number)
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
                    description=line.variant.display_name,
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

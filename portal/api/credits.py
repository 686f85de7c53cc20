"""Store credit for the shop's checkout: balance and redemption."""

from __future__ import annotations

from flask import abort, jsonify

from portal.api.blueprint import bp, json_body
from portal.api.serialize import credit_json
from portal.extensions import db
from portal.services import credits


@bp.get("/credits/<code>")
def get_credit(code: str):
    credit = credits.find_credit(code)
    if credit is None:
        abort(404, "No store credit with this code.")
    return jsonify(credit_json(credit))


@bp.post("/credits/<code>/redeem")
def redeem_credit(code: str):
    body = json_body()
    if not isinstance(body, dict):
        abort(400, "The body must be a JSON object.")
    try:
        tx, replayed = credits.redeem(code, body.get("amount"), body.get("idempotency_key"))
    except LookupError:
        abort(404, "No store credit with this code.")
    db.session.commit()
    return jsonify(
        code=tx.credit.code,
        spent=-tx.amount,
        balance=tx.balance_after,
        currency=tx.credit.currency,
        replayed=replayed,
    ), 200 if replayed else 201

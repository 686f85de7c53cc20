"""Store credit for the shop's checkout: balance and redemption."""

from __future__ import annotations

from flask import abort, jsonify

from portal.api.blueprint import bp, commit, json_object, path_key
from portal.api.serialize import credit_json
from portal.services import credits, validation

NO_CREDIT = "No store credit with this code."


@bp.get("/credits/<code>")
def get_credit(code: str):
    credit = credits.find_credit(path_key("CreditCode", code, NO_CREDIT))
    if credit is None:
        abort(404, NO_CREDIT)
    return jsonify(credit_json(credit))


@bp.post("/credits/<code>/redeem")
def redeem_credit(code: str):
    code = path_key("CreditCode", code, NO_CREDIT)
    body = json_object()
    validation.check("RedeemRequest", body)
    try:
        tx, replayed = commit(credits.redeem(code, body["amount"], body["idempotency_key"]))
    except LookupError:
        abort(404, NO_CREDIT)
    return jsonify(
        code=tx.credit.code,
        spent=-tx.amount,
        balance=tx.balance_after,
        currency=tx.credit.currency,
        replayed=replayed,
    ), 200 if replayed else 201

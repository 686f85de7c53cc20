"""The signed link of a repair quote: opens the one-click Accept / Decline page."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from portal.links import public_url
from portal.models import RepairCase, ReturnRequest

_SALT = "repair-quote"


def quote_token(rr: ReturnRequest, case: RepairCase) -> str:
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)
    return serializer.dumps([rr.access_key, case.id])


def read_quote_token(token: str) -> tuple[str, int] | None:
    try:
        value = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT).loads(token)
    except BadSignature:
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], int)
    ):
        return value[0], value[1]
    return None


def quote_path(rr: ReturnRequest, case: RepairCase) -> str:
    return f"/repair/quote/{quote_token(rr, case)}"


def quote_url(rr: ReturnRequest, case: RepairCase) -> str:
    return public_url(quote_path(rr, case))

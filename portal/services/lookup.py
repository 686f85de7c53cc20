"""Finding an order (number + e-mail or postcode) or a gift (gift code) for a customer."""

from __future__ import annotations

import hmac
import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Order

_SPACES = re.compile(r"\s+")


def normalize_number(raw: str) -> str:
    return _SPACES.sub("", raw or "").lstrip("#").upper()


def normalize_gift_code(raw: str) -> str:
    return _SPACES.sub("", raw or "").replace("-", "").upper()


def find_order(number: str, contact: str) -> Order | None:
    """The order only if both halves match; never says which half was wrong."""
    number = normalize_number(number)
    contact = (contact or "").strip()
    order = db.session.scalar(select(Order).where(func.upper(Order.number) == number))
    if "@" in contact:
        expected = order.email.lower() if order else "x@invalid"
        given = contact.lower()
    else:
        expected = _SPACES.sub("", order.shipping_postcode).upper() if order else "-"
        given = _SPACES.sub("", contact).upper()
    matched = hmac.compare_digest(expected.encode(), given.encode())
    return order if order is not None and matched else None


def find_gift(code: str) -> Order | None:
    code = normalize_gift_code(code)
    if len(code) < 12:
        return None
    return db.session.scalar(
        select(Order).where(func.upper(func.replace(Order.gift_code, "-", "")) == code)
    )

"""Finding an order (number + e-mail or postcode) or a gift (gift code) for a customer."""

from __future__ import annotations

import functools
import hmac
import re

from sqlalchemy import Select, bindparam, select

from portal.extensions import db
from portal.models import Order
from portal.models.orders import GIFT_CODE_KEY, order_number_key

_SPACES = re.compile(r"\s+")


def normalize_number(raw: str) -> str:
    return order_number_key(raw)


def normalize_gift_code(raw: str) -> str:
    return _SPACES.sub("", raw or "").replace("-", "").upper()


def find_order(number: str, contact: str) -> Order | None:
    """The order only if both halves match; never says which half was wrong."""
    found = match_order(number, contact)
    return db.session.get(Order, found.id) if found is not None else None


def match_order(number: str, contact: str):
    """As `find_order`, but a row of the order's `id`, `email` and `shipping_postcode`
    (what the journey starts from), not the whole order: the lookup answers with a
    redirect, and the next page reads the order with what it walks."""
    key = normalize_number(number)
    contact = (contact or "").strip()
    # Usually one order; two numbers typed alike ("FR-1", "FR1") are told apart by the
    # contact. Every candidate is compared, so the time does not depend on which matched.
    candidates = db.session.execute(number_statement(), {"key": key}).all()
    found = None
    for order in candidates or [None]:
        if _contact_matches(order, contact) and order is not None:
            found = order
    return found


# The two lookups are the busiest statements: built once per process (on first use), as
# table columns and a bound parameter, SQLAlchemy neither rebuilds them nor recomputes
# their cache key for every customer (≈ 100 µs a lookup: bench/README.md, round 4).
@functools.cache
def number_statement() -> Select:
    orders = Order.__table__
    return (
        select(orders.c.id, orders.c.email, orders.c.shipping_postcode)
        .where(orders.c.number_key == bindparam("key"))
        .limit(5)
    )


@functools.cache
def gift_statement() -> Select:
    orders = Order.__table__
    return select(orders.c.id, orders.c.shipping_postcode).where(
        GIFT_CODE_KEY == bindparam("code")  # noqa: SIM300 (an SQL expression)
    )


def _contact_matches(order, contact: str) -> bool:
    if "@" in contact:
        expected = order.email.lower() if order else "x@invalid"
        given = contact.lower()
    else:
        expected = _SPACES.sub("", order.shipping_postcode).upper() if order else "-"
        given = _SPACES.sub("", contact).upper()
    return hmac.compare_digest(expected.encode(), given.encode())


def match_gift(code: str):
    """The order whose gift code, without dashes and in upper case, is `code` (the
    expression is indexed: models.orders.GIFT_CODE_KEY): a row of its `id` and
    `shipping_postcode`, what the journey starts from."""
    code = normalize_gift_code(code)
    if len(code) < 12:
        return None
    return db.session.execute(gift_statement(), {"code": code}).first()

"""A discounted order and the refund of one of its units, shared by the tests of each way
an order comes in (the JSON API, the JSON and CSV imports)."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import Order, Refund
from portal.outbox import deliver_due
from portal.services import resolve, warehouse

# Two tees at €25.00 with €3.00 off their line, one at €25.00, and €10.00 off the order:
# the line's €3.00 is €1.50 a unit, then the €10.00 is spread pro rata over €23.50, €23.50
# and €25.00 (€3.26, €3.26, €3.48 with the remainder on the last unit). So a tee of the
# first line cost the customer €20.24, the third tee €21.52: 20.24 + 20.24 + 21.52 = 62.00.
ORDER_DISCOUNT, LINE_DISCOUNT = 1000, 300
ONE_UNIT_OF_THE_FIRST_LINE = 2024
THE_LAST_LINE = 2152


def refund_one_unit(factory, number: str) -> Refund:
    """Return one unit of the order's first line, receive and grade it A, refund it (its
    e-mails delivered)."""
    order = db.session.scalar(select(Order).where(Order.number == number))
    rr = factory.return_(order, quantity=1, with_label=False)
    item = rr.items[0]
    warehouse.receive_parcel(rr, {item.id: 1}, actor="w")
    warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w")
    refund = resolve.issue_refund(rr, item, actor="s")
    db.session.commit()
    deliver_due()  # the e-mails leave, as after a request
    return refund

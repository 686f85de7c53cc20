"""Keep it in the customer's journey: a damaged cheap item is kept, refunded at once."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Label, Refund
from tests.customer.pagekit import confirm, page, returns
from tests.keepit.keepkit import choose


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_damaged_cheap_item_skips_the_drop_off_and_is_refunded(en, shop, mailbox):
    response = choose(en, shop.order, shop.m_line)
    assert response.headers["Location"].endswith("/return/review")
    review = page(en.get("/return/review"))
    assert "Keep the item: no need to send it back" in review.text
    assert "Drop-off point" not in review.text
    done = confirm(en)
    assert done.status_code == 302
    (rr,) = returns()
    assert rr.status == "inspected" and rr.relay_point is None
    assert _count(Label) == 0
    (refund,) = db.session.scalars(select(Refund))
    assert (refund.amount, refund.method, refund.status) == (2500, "original_payment", "approved")
    status = page(en.get(done.headers["Location"]))
    assert "no parcel, no label" in status.text
    kinds = [m["X-Retours-Kind"] for m in mailbox.to(shop.order.email)]
    assert kinds == ["kept", "refund_approved"]

"""A kept return was never shipped: it cannot be received, cancelled or given a label;
each try says so clearly and changes nothing. Its steps follow the lifecycle table."""

from __future__ import annotations

from sqlalchemy import func, select

from portal import lifecycle
from portal.extensions import db
from portal.models import AuditEvent, Label, Refund
from portal.services import resolve
from portal.services.errors import AlreadyDone
from tests.customer.pagekit import confirm, page, returns
from tests.keepit.keepkit import choose


def _kept(client, shop):
    choose(client, shop.order, shop.m_line)
    where = confirm(client).headers["Location"].split("?")[0]
    (rr,) = returns()
    return rr, where


def _trail(rr) -> list[tuple[str, str | None, str | None]]:
    return [
        (e.action, e.from_status, e.to_status)
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.return_id == rr.id).order_by(AuditEvent.id)
        )
    ]


def test_the_audit_trail_holds_only_legal_steps(en, shop):
    rr, _where = _kept(en, shop)
    trail = _trail(rr)
    assert trail[0] == ("return_kept", None, "inspected")
    for action, before, after in trail:
        if before is not None or after is not None:
            assert lifecycle.legal_step(action, before, after), action


def test_the_customer_cannot_cancel_nor_get_a_label(en, shop, mailbox):
    rr, where = _kept(en, shop)
    mailbox.clear()
    token = where.rsplit("/r/", 1)[1]
    cancel = en.post(f"/r/{token}/cancel", data={"confirm": "yes"}, follow_redirects=True)
    assert "This return can no longer be cancelled" in page(cancel).text
    relabel = en.post(f"/r/{token}/relay", data={"relay_point_id": shop.point.id})
    assert relabel.status_code == 302
    shown = page(en.get(relabel.headers["Location"]))
    assert "A new label can only be issued before the parcel is sent." in shown.text
    db.session.refresh(rr)
    assert rr.status == "inspected" and rr.relay_point_id is None
    assert db.session.scalar(select(func.count()).select_from(Label)) == 0
    assert mailbox.kinds(shop.order.email) == []


def test_the_warehouse_cannot_receive_it_and_support_cannot_refund_it_again(
    en, shop, auth, mailbox
):
    rr, _where = _kept(en, shop)
    before = _trail(rr)
    mailbox.clear()
    auth.login("support")
    (item,) = rr.items
    again = en.post(f"/staff/returns/{rr.rma}/items/{item.id}/refund", follow_redirects=True)
    assert "has already been refunded" in page(again).text
    auth.login("warehouse")
    staff_page = page(en.get(f"/staff/returns/{rr.rma}"))
    assert "Kept by the customer (keep it): nothing was shipped back" in staff_page.text
    received = en.post(
        f"/staff/returns/{rr.rma}/receive", data={f"qty-{item.id}": "1"}, follow_redirects=True
    )
    assert "is kept by the customer (keep it): nothing was sent back" in page(received).text
    db.session.expire_all()
    assert _trail(rr) == before
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 1
    assert mailbox.kinds(shop.order.email) == []


def test_the_refund_service_refunds_a_kept_item_once(en, shop):
    rr, _where = _kept(en, shop)
    (item,) = rr.items
    try:
        resolve.issue_refund(rr, item, "test")
    except AlreadyDone as exc:
        assert "already been refunded" in exc.message
    else:
        raise AssertionError("a second refund was made")
    db.session.rollback()

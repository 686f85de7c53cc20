"""Support resolves a claim with a refund: a kept return of the claimed lines, linked to
the claim, refunded through the ordinary refund service; the e-mail says exactly that."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Claim, Label, Refund, ReturnRequest, StoreCredit
from tests.claims.claimkit import claim_of, submit
from tests.htmlkit import page


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _open(client, order, **kw) -> Claim:
    client.get("/lang/en")
    return claim_of(submit(client, order, **kw))


def test_support_refunds_a_claim_and_the_customer_is_told(app, client, shop, auth, mailbox):
    app.config["KEEP_IT_BELOW"] = 0  # support decides, not the policy
    claim = _open(client, shop.order, kind="never_arrived")
    mailbox.clear()
    auth.login("support")
    screen = page(client.get(f"/staff/claims/{claim.number}"))
    assert "Refund the items above to the original payment (€25.00)" in screen.text
    response = client.post(
        f"/staff/claims/{claim.number}/resolve",
        data={"refund": "yes", "goodwill": "5", "note": "So sorry."},
        follow_redirects=True,
    )
    assert "Claim resolved" in page(response).text
    db.session.expire_all()
    claim = db.session.get(Claim, claim.id)
    rr = claim.kept_return
    assert claim.status == "resolved" and rr is not None
    assert rr.status == "inspected" and rr.relay_point is None and _count(Label) == 0
    (refund,) = db.session.scalars(select(Refund))
    assert (refund.return_id, refund.amount, refund.method, refund.status) == (
        rr.id,
        2500,
        "original_payment",
        "approved",
    )
    decided = page(client.get(f"/staff/claims/{claim.number}"))
    assert f"Refunded to the original payment: €25.00, through return {rr.rma}" in decided.text
    assert rr.rma in page(client.get("/staff/refunds")).text  # "Refunds to pay", unchanged
    kinds = mailbox.kinds(shop.order.email)
    assert sorted(kinds) == ["claim_resolved", "refund_approved"]
    (mail,) = [m for m in mailbox.to(shop.order.email) if m["X-Retours-Kind"] == "claim_resolved"]
    body = mail.get_body(("plain",)).get_content()
    assert "We apologise" in body
    assert "A refund of €25.00 to your original payment method." in body
    assert "A goodwill code of €5.00" in body and "replacement" not in body.lower()


def test_the_claim_page_shows_the_refund(app, client, shop, auth):
    app.config["KEEP_IT_BELOW"] = 0
    client.get("/lang/en")
    response = submit(client, shop.order, kind="missing_item")
    where = response.headers["Location"]
    claim = claim_of(response)
    auth.login("support")
    done = client.post(
        f"/staff/claims/{claim.number}/resolve", data={"refund": "yes"}, follow_redirects=True
    )
    assert "Claim resolved" in page(done).text, page(done).text
    auth.logout()
    client.get("/lang/en")
    shown = page(client.get(where))
    assert "A refund of €25.00 to your original payment method." in shown.text


def test_a_second_refund_of_the_same_units_is_refused(app, client, shop, auth, factory):
    app.config["KEEP_IT_BELOW"] = 0
    first = _open(client, shop.order, quantities={shop.order.lines[1].id: 1})
    auth.login("support")
    client.post(f"/staff/claims/{first.number}/resolve", data={"refund": "yes"})
    second = _open(client, shop.order, quantities={shop.order.lines[1].id: 1})
    auth.login("support")
    screen = page(client.get(f"/staff/claims/{second.number}"))
    assert "Nothing is left to refund on these items." in screen.text
    refused = client.post(
        f"/staff/claims/{second.number}/resolve", data={"refund": "yes"}, follow_redirects=True
    )
    assert "Nothing is left to refund on these items: they were already refunded." in (
        page(refused).text
    )
    db.session.expire_all()
    assert db.session.get(Claim, second.id).status == "open"
    assert _count(Refund) == 1 and _count(ReturnRequest) == 1 and _count(StoreCredit) == 0


def test_two_clicks_refund_once(app, client, shop, auth, mailbox):
    app.config["KEEP_IT_BELOW"] = 0
    claim = _open(client, shop.order)
    auth.login("support")
    client.post(f"/staff/claims/{claim.number}/resolve", data={"refund": "yes"})
    again = client.post(
        f"/staff/claims/{claim.number}/resolve", data={"refund": "yes"}, follow_redirects=True
    )
    assert "This step is not possible now" in page(again).text
    assert _count(Refund) == 1 and _count(ReturnRequest) == 1
    assert mailbox.kinds(shop.order.email).count("refund_approved") == 1

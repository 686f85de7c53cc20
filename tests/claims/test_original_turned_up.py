"""The original turned up after a resolved claim: the customer asks, from the claim's page,
to send it back, and goes on through the return journey to a label."""

from __future__ import annotations

from sqlalchemy import select

from portal.claim_links import claim_token
from portal.extensions import db
from portal.models import ReturnRequest
from tests.claims.claimkit import claim_of, submit
from tests.htmlkit import page


def _resolved(client, shop, auth):
    claim = claim_of(submit(client, shop.order))
    auth.login("support")
    client.post(f"/staff/claims/{claim.number}/resolve", data={"replacement": "yes"})
    auth.logout()
    client.get("/lang/en")  # logging out forgets the session's language
    db.session.refresh(claim)
    return claim


def test_the_button_waits_for_the_decision(en, shop):
    claim = claim_of(submit(en, shop.order))
    token = claim_token(claim.access_key)
    assert "The original turned up after all?" not in page(en.get(f"/c/{token}")).text
    refused = en.post(f"/c/{token}/original", follow_redirects=True)
    assert "This step is not possible now" in page(refused).text
    db.session.refresh(claim)
    assert claim.status == "open" and claim.original_found_at is None


def test_the_original_turned_up_leads_to_a_return_label(en, shop, auth, factory, mailbox):
    claim = _resolved(en, shop, auth)
    point = factory.relay_point()
    db.session.commit()
    token = claim_token(claim.access_key)
    shown = page(en.get(f"/c/{token}"))
    assert "The original turned up after all?" in shown.text
    items = en.post(f"/c/{token}/original", follow_redirects=True)
    assert "Choose the item that turned up" in page(items).text
    db.session.refresh(claim)
    assert claim.status == "original_found" and claim.original_found_at is not None
    line = shop.order.lines[0]
    from tests.customer.pagekit import confirm, item_fields

    en.post("/return/items", data=item_fields(line, reason="changed_mind"))
    en.post("/return/relay", data={"relay_point_id": point.id})
    confirm(en)
    rr = db.session.scalar(select(ReturnRequest))
    assert rr is not None and rr.order_id == shop.order.id and rr.current_label is not None
    assert "confirmation" in mailbox.kinds(shop.order.email)
    again = en.post(f"/c/{token}/original", follow_redirects=True)
    assert "This step is not possible now" in page(again).text

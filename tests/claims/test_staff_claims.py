"""Support resolves a claim in one screen; the customer's e-mail says exactly that."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Claim, StoreCredit, Variant
from tests.claims.claimkit import claim_of, submit
from tests.htmlkit import page


def _open(client, shop, **kw) -> Claim:
    client.get("/lang/en")
    return claim_of(submit(client, shop.order, **kw))


def _stock(sku: str) -> tuple[int, int]:
    variant = db.session.scalar(select(Variant).where(Variant.sku == sku))
    db.session.refresh(variant)
    return variant.stock_on_hand, variant.stock_reserved


def test_the_queue_lists_open_claims_oldest_first_with_their_age(client, shop, auth):
    first = _open(client, shop)
    second = _open(client, shop, kind="missing_item", text="One missing.")
    first.created_at -= timedelta(days=2, hours=3)
    db.session.commit()
    auth.login("support")
    shown = page(client.get("/staff/claims"))
    text = shown.text
    assert text.index(first.number) < text.index(second.number)
    assert "2 d 3 h" in text and "An item is missing from the parcel" in text


def test_the_queue_is_for_support_only(client, shop, auth):
    auth.login("warehouse")
    assert client.get("/staff/claims").status_code == 403


def test_replacement_and_goodwill_in_one_click(client, shop, auth, mailbox):
    claim = _open(client, shop, quantities={shop.order.lines[0].id: 2})
    mailbox.clear()
    auth.login("support")
    response = client.post(
        f"/staff/claims/{claim.number}/resolve",
        data={"replacement": "yes", "goodwill": "5,00", "note": "Sorry for the wait."},
    )
    assert response.status_code == 302
    shown = page(client.get(response.headers["Location"]))
    assert "Claim resolved; the customer has been e-mailed." in shown.text
    db.session.refresh(claim)
    assert claim.status == "resolved" and claim.replacement_tracking_code
    assert _stock("TEE-M") == (3, 0)  # two units shipped, none left promised
    credit = db.session.scalar(select(StoreCredit))
    assert (credit.kind, credit.initial_amount, credit.owner_email) == (
        "goodwill",
        500,
        shop.order.email,
    )
    assert claim.replacement_tracking_code in shown.by_id("decision-replacement")
    (mail,) = mailbox.to(shop.order.email)
    assert mail["X-Retours-Kind"] == "claim_resolved"
    body = mail.get_body(("plain",)).get_content()
    assert "We apologise" in body
    assert (
        "replacement of the items below now, free of charge. Tracking number: "
        f"{claim.replacement_tracking_code}" in body
    )
    assert f"A goodwill code of €5.00 for your next order: {credit.code}" in body
    assert "Sorry for the wait." in body and "2 × TEE shirt" in body
    customer = page(client.get(f"/c/{claim_of_token(claim)}"))
    assert credit.code in customer.by_id("claim-credit")


def claim_of_token(claim) -> str:
    from portal.claim_links import claim_token

    return claim_token(claim.access_key)


def test_only_a_goodwill_code_says_nothing_of_a_replacement(client, shop, auth, mailbox):
    claim = _open(client, shop)
    mailbox.clear()
    auth.login("support")
    client.post(f"/staff/claims/{claim.number}/resolve", data={"goodwill": "3"})
    body = mailbox.to(shop.order.email)[0].get_body(("plain",)).get_content()
    assert "A goodwill code of €3.00" in body and "replacement" not in body
    assert _stock("TEE-M") == (5, 0)


def test_illegal_steps_get_a_clear_message_and_change_nothing(client, shop, auth, mailbox):
    claim = _open(client, shop)
    auth.login("support")
    nothing = client.post(f"/staff/claims/{claim.number}/resolve", data={}, follow_redirects=True)
    assert "Choose a replacement, a refund and/or a goodwill code." in page(nothing).text
    bad = client.post(
        f"/staff/claims/{claim.number}/resolve", data={"goodwill": "abc"}, follow_redirects=True
    )
    assert "Enter an amount such as 10 or 12,50." in page(bad).text
    huge = client.post(
        f"/staff/claims/{claim.number}/resolve", data={"goodwill": "1000"}, follow_redirects=True
    )
    assert "A goodwill code is at most what the order cost." in page(huge).text
    db.session.refresh(claim)
    assert claim.status == "open" and db.session.scalar(select(StoreCredit)) is None
    mailbox.clear()
    client.post(f"/staff/claims/{claim.number}/resolve", data={"goodwill": "2"})
    again = client.post(
        f"/staff/claims/{claim.number}/resolve",
        data={"replacement": "yes"},
        follow_redirects=True,
    )
    assert "This step is not possible now" in page(again).text
    db.session.refresh(claim)
    assert claim.replacement_tracking_code is None and _stock("TEE-M") == (5, 0)
    assert len(mailbox.to(shop.order.email)) == 1


def test_no_replacement_without_stock_and_nothing_changes(client, shop, auth, mailbox):
    claim = _open(client, shop, quantities={shop.order.lines[1].id: 1})
    shop.large.stock_on_hand = 0
    db.session.commit()
    auth.login("support")
    mailbox.clear()
    response = client.post(
        f"/staff/claims/{claim.number}/resolve",
        data={"replacement": "yes", "goodwill": "4"},
        follow_redirects=True,
    )
    assert "TEE-L is out of stock: no replacement can be sent." in page(response).text
    db.session.refresh(claim)
    assert claim.status == "open" and db.session.scalar(select(StoreCredit)) is None
    assert mailbox.to(shop.order.email) == []


def test_repeat_claims_are_flagged_and_history_shows_returns(client, shop, auth, factory):
    rr = factory.return_(order=shop.order)
    older = _open(client, shop)
    newer = _open(client, shop, kind="missing_item", text="Again.")
    auth.login("support")
    shown = page(client.get(f"/staff/claims/{newer.number}"))
    assert "Repeat claims: 2 claims from this e-mail address" in shown.by_id("repeat-claims")
    assert older.number in shown.by_id("customer-history")
    assert "Resolve and e-mail the customer" in shown.text  # shown, never refused
    assert rr.rma in shown.by_id("customer-history")


def test_each_step_is_on_the_audit_trail(client, shop, auth):
    claim = _open(client, shop)
    auth.login("support")
    client.post(f"/staff/claims/{claim.number}/resolve", data={"goodwill": "1"})
    actions = [
        (e.action, e.details.get("claim"))
        for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]
    assert ("claim_opened", claim.number) in actions
    assert ("claim_resolved", claim.number) in actions


def test_the_return_page_shows_the_customers_claims(client, shop, auth, factory):
    rr = factory.return_(order=shop.order)
    one = _open(client, shop)
    two = _open(client, shop, kind="missing_item", text="Again.")
    auth.login("support")
    shown = page(client.get(f"/staff/returns/{rr.rma}"))
    history = shown.by_id("customer-history")
    assert one.number in history and two.number in history and rr.rma not in history
    assert "Repeat claims: 2 claims" in shown.by_id("repeat-claims")


def test_the_staff_home_says_how_many_claims_wait(client, shop, auth):
    _open(client, shop)
    _open(client, shop, kind="missing_item", text="Again.")
    auth.login("support")
    shown = page(client.get("/staff/"))
    assert "Claims waiting for support: 2" in shown.by_id("home-claims")

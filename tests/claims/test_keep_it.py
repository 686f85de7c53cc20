"""Keep it: a damaged or wrong item worth less than KEEP_IT_BELOW is credited at once;
the customer keeps it, no label, nothing for support to do; the e-mail says so."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Label, ReturnRequest, StoreCredit
from tests.claims.claimkit import claim_of, submit
from tests.htmlkit import page


@pytest.fixture
def app_config(app_config):
    return {**app_config, "KEEP_IT_BELOW": 3000}  # a TEE costs 25,00 €


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_cheap_damaged_item_is_kept_and_credited_at_once(en, shop, auth, mailbox):
    response = submit(en, shop.order, kind="damaged", text="Torn seam.", photos=1)
    claim = claim_of(response)
    assert claim.status == "kept" and claim.kept_value == 2500
    credit = db.session.scalar(select(StoreCredit))
    assert (credit.initial_amount, credit.kind, credit.owner_email) == (
        2500,
        "refund",
        shop.order.email,
    )
    assert _count(ReturnRequest) == 0 and _count(Label) == 0
    shown = page(en.get(response.headers["Location"]))
    assert "Keep the item, no need to send it" in shown.text
    assert credit.code in shown.by_id("claim-credit")
    assert "The original turned up after all?" not in shown.text
    (mail,) = mailbox.to(shop.order.email)
    assert mail["X-Retours-Kind"] == "claim_kept"
    body = mail.get_body(("plain",)).get_content()
    assert "Keep the item, no need to send it back: there is no label and nothing to post." in body
    assert f"store credit of €25.00. Your code: {credit.code}" in body and "sorry" in body
    auth.login("support")
    assert claim.number not in page(en.get("/staff/claims")).text  # nothing left to do
    staff = page(en.get(f"/staff/claims/{claim.number}"))
    assert "the customer keeps the item" in staff.by_id("decision-kept")
    refused = en.post(
        f"/staff/claims/{claim.number}/resolve", data={"goodwill": "5"}, follow_redirects=True
    )
    assert "This step is not possible now" in page(refused).text
    assert _count(StoreCredit) == 1


@pytest.mark.parametrize(
    ("kind", "quantity", "photos"),
    [("damaged", 2, 1), ("never_arrived", 1, 0), ("missing_item", 1, 0)],
    ids=["worth too much", "nothing to keep", "nothing to keep either"],
)
def test_the_rule_does_not_apply(en, shop, mailbox, kind, quantity, photos):
    claim = claim_of(
        submit(en, shop.order, kind=kind, quantities={shop.order.lines[0].id: quantity},
               photos=photos)
    )  # fmt: skip
    assert claim.status == "open" and claim.kept_value is None and _count(StoreCredit) == 0
    assert mailbox.kinds(shop.order.email) == ["claim_received"]


def test_the_policy_page_and_the_form_tell_about_it(en, shop):
    assert "Keep it: no need to send back a small item" in page(en.get("/policy")).text
    assert "worth less than €30.00" in page(en.get("/policy")).text
    en.post("/lookup", data={"number": shop.order.number, "contact": shop.order.email})
    assert "Keep it" in page(en.get("/claim")).text

"""Keep it in the customer's journey: when every chosen item is damaged or faulty and the
return is worth less than KEEP_IT_BELOW, the drop-off step is skipped, no label is made,
and the refund (or store credit) is issued at once, exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Label, Refund, StoreCredit
from tests.customer.pagekit import confirm, item_fields, page, returns
from tests.keepit.keepkit import choose


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_damaged_cheap_item_skips_the_drop_off_and_is_refunded(en, shop, mailbox):
    response = choose(en, shop.order, shop.m_line)
    assert response.headers["Location"].endswith("/return/review")
    review = page(en.get("/return/review"))
    assert "Keep the item: no need to send it back" in review.text
    assert "Drop-off point" not in review.text
    assert "Confirm: I keep the items" in review.text
    done = confirm(en)
    assert done.status_code == 302
    (rr,) = returns()
    assert rr.status == "inspected" and rr.relay_point is None
    assert [(i.reception_status, i.acceptance_status) for i in rr.items] == [("kept", "refunding")]
    assert _count(Label) == 0
    (refund,) = db.session.scalars(select(Refund))
    assert (refund.amount, refund.method, refund.status) == (2500, "original_payment", "approved")
    status = page(en.get(done.headers["Location"]))
    assert "no parcel, no label, no drop-off point" in status.text
    assert "Download the label" not in status.text and "Cancel this return" not in status.text
    mails = mailbox.to(shop.order.email)
    assert [m["X-Retours-Kind"] for m in mails] == ["kept", "refund_approved"]
    body = mails[0].get_body(("plain",)).get_content()
    assert "you keep the items: there is nothing to send back, no parcel and no label" in body
    assert "Refund: we are sending the money back to your original payment method now" in body
    assert (
        "label" not in mails[0]["Subject"].lower() or "nothing to send back" in mails[0]["Subject"]
    )
    assert "drop it off" not in body and "Tracking number" not in body


def test_two_clicks_on_confirm_make_one_return_and_one_refund(en, shop, mailbox):
    choose(en, shop.order, shop.m_line)
    first, second = confirm(en), confirm(en)
    assert first.headers["Location"].split("?")[0] == second.headers["Location"].split("?")[0]
    assert len(returns()) == 1 and _count(Refund) == 1
    assert mailbox.kinds(shop.order.email).count("refund_approved") == 1


def test_store_credit_is_issued_at_once_and_the_return_is_resolved(en, shop, mailbox):
    choose(en, shop.order, shop.m_line, reason="defective", resolution="store_credit")
    confirm(en)
    (rr,) = returns()
    assert rr.status == "refunded"
    (credit,) = db.session.scalars(select(StoreCredit))
    assert (credit.initial_amount, credit.kind) == (2500, "refund")
    assert mailbox.kinds(shop.order.email) == ["kept", "store_credit"]
    body = mailbox.to(shop.order.email)[0].get_body(("plain",)).get_content()
    assert "Store credit: your code is issued now" in body


def test_the_french_customer_is_told_in_french(fr, shop, mailbox):
    choose(fr, shop.order, shop.m_line)
    review = page(fr.get("/return/review"))
    assert "Gardez l’article" in review.text and "inutile de le renvoyer" in review.text
    done = confirm(fr)
    assert (
        "aucun colis, aucune étiquette, aucun point de dépôt"
        in page(fr.get(done.headers["Location"])).text
    )
    (mail, _refund) = mailbox.to(shop.order.email)
    body = mail.get_body(("plain",)).get_content()
    assert "vous gardez les articles" in body


@pytest.mark.parametrize(
    ("reason", "resolution", "lines"),
    [
        ("too_small", "refund", 1),  # not damaged: it comes back
        ("damaged", "refund", 2),  # 50,00 €: worth sending back
    ],
    ids=["not damaged", "worth too much"],
)
def test_otherwise_the_journey_asks_for_a_drop_off_point(en, shop, reason, resolution, lines):
    chosen = [shop.m_line, shop.l_line][:lines]
    response = choose(en, shop.order, *chosen, reason=reason, resolution=resolution)
    assert response.headers["Location"].endswith("/return/relay")
    assert en.get("/return/review").headers["Location"].endswith("/return/relay")


def test_an_exchange_is_never_kept_and_the_page_says_so(en, shop):
    data = item_fields(shop.m_line, reason="damaged", resolution="exchange", exchange=shop.large)
    from tests.customer.pagekit import lookup

    assert lookup(en, shop.order).status_code == 302
    response = en.post("/return/items", data=data)
    assert response.headers["Location"].endswith("/return/relay")
    en.post("/return/relay", data={"relay_point_id": shop.point.id})
    review = page(en.get("/return/review"))
    assert "Exchanges are not covered by keep it" in review.text
    assert "Drop-off point" in review.text


def test_the_rule_is_off_by_default(app, en, shop):
    app.config["KEEP_IT_BELOW"] = 0
    response = choose(en, shop.order, shop.m_line)
    assert response.headers["Location"].endswith("/return/relay")


def test_the_faq_explains_the_rule_for_returns(en, shop):
    shown = page(en.get("/policy"))
    assert "The same holds when you return damaged or faulty items worth less than €30.00" in (
        shown.text
    )

"""Goodwill gestures: a store credit with a message, audited and e-mailed."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import StoreCredit
from tests.staff.staffkit import actions, flush_mail, page, reload, text_of


def gesture(client, rr, amount, note="Sorry for the late label."):
    return client.post(
        f"/staff/returns/{rr.rma}/goodwill",
        data={"amount": amount, "note": note},
        follow_redirects=True,
    )


def test_a_gesture_is_a_credit_with_an_email_and_an_audit_event(client, factory, support, mailbox):
    rr = factory.return_(locale="fr", with_label=False)
    flush_mail(mailbox)
    text = page(gesture(client, rr, "12,50"))
    assert "Goodwill gesture of €12.50 sent to the customer." in text
    credit = db.session.query(StoreCredit).one()
    assert (credit.kind, credit.balance, credit.currency) == ("goodwill", 1250, "EUR")
    assert (credit.owner_email, credit.return_id, credit.note) == (
        "anne@example.fr",
        rr.id,
        "Sorry for the late label.",
    )
    assert credit.code in text
    assert actions(rr)[-1] == "goodwill_gesture"
    assert reload(rr).status == "requested"  # a gesture changes no status
    body = text_of(mailbox.to("anne@example.fr")[0])
    assert "12,50 €" in body and credit.code in body and "Sorry for the late label." in body


@pytest.mark.parametrize(
    ("amount", "note", "message"),
    [
        ("0", "x", "Enter an amount greater than zero."),
        ("abc", "x", "Enter an amount such as 10 or 12,50."),
        ("1,234", "x", "Enter an amount such as 10 or 12,50."),
        ("500", "x", "A gesture cannot be more than the order's total."),
        ("5", "  ", "Write a short message to the customer."),
    ],
)
def test_a_bad_gesture_is_refused(client, factory, support, mailbox, amount, note, message):
    rr = factory.return_(with_label=False)
    flush_mail(mailbox)
    assert message in page(gesture(client, rr, amount, note))
    assert db.session.query(StoreCredit).count() == 0
    assert "goodwill_gesture" not in actions(rr)
    assert mailbox.kinds("anne@example.fr") == []


def test_warehouse_staff_cannot_give_gestures(client, factory, warehouse):
    rr = factory.return_(with_label=False)
    assert (
        client.post(
            f"/staff/returns/{rr.rma}/goodwill", data={"amount": "5", "note": "x"}
        ).status_code
        == 403
    )
    assert db.session.query(StoreCredit).count() == 0

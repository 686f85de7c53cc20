"""A kept return's refund goes through the real Stripe SDK (the loopback fake), after
commit, exactly once: approved → sent, the return resolved, every e-mail true."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Refund
from tests.customer.pagekit import confirm, page, returns
from tests.keepit.keepkit import choose
from tests.payments.conftest import STRIPE_SECRET, key_of, stripe_fake  # noqa: F401


@pytest.fixture
def app_config(app_config, stripe_fake):  # noqa: F811
    return app_config | {
        "PAYMENT_PROVIDER": "stripe",
        "PAYMENT_TIMEOUT": 1,
        "STRIPE_API_KEY": stripe_fake.api_key,
        "STRIPE_API_BASE": stripe_fake.url,
        "STRIPE_WEBHOOK_SECRET": STRIPE_SECRET,
    }


def test_the_kept_refund_is_sent_once_after_commit(en, shop, mailbox, stripe_fake):  # noqa: F811
    choose(en, shop.order, shop.m_line)
    done = confirm(en)
    again = confirm(en)  # a second click: the same return, no second refund
    assert again.headers["Location"].split("?")[0] == done.headers["Location"].split("?")[0]
    db.session.expire_all()
    (rr,) = returns()
    (refund,) = db.session.scalars(select(Refund))
    assert (refund.status, refund.provider, refund.amount) == ("sent", "stripe", 2500)
    assert stripe_fake.refunds_for(key_of(refund)) == 1 and len(stripe_fake.refunds) == 1
    assert rr.status == "refunded"
    assert mailbox.kinds(shop.order.email) == ["kept", "refund_approved", "refund_sent"]
    shown = page(en.get(done.headers["Location"].split("?")[0]))
    assert "no parcel, no label" in shown.text and "All done" in shown.text

"""The staff home: counts and lists, late returns in working days, search and sort."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.extensions import db
from portal.models.base import utcnow
from portal.services import queues, warehouse
from portal.services.policy import add_working_days
from tests.staff.staffkit import page

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (MONDAY, MONDAY + timedelta(days=2)),  # Wednesday
        (MONDAY + timedelta(days=3), MONDAY + timedelta(days=7)),  # Thursday → Monday
        (MONDAY + timedelta(days=4), MONDAY + timedelta(days=8)),  # Friday → Tuesday
        (MONDAY + timedelta(days=5), MONDAY + timedelta(days=8)),  # Saturday → Tuesday
    ],
)
def test_two_working_days_skip_the_weekend(start, expected):
    assert add_working_days(start, 2) == expected


def received(factory, days_ago: float = 0, **kwargs):
    rr = factory.return_(with_label=False, **kwargs)
    warehouse.receive_parcel(rr, {rr.items[0].id: 1}, actor="w")
    rr.received_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return rr


def test_late_means_two_working_days_after_receipt(factory):
    rr = received(factory)
    friday = MONDAY + timedelta(days=4)
    rr.received_at = friday
    assert not queues.is_late(rr, now=friday + timedelta(days=3))  # Monday
    assert not queues.is_late(rr, now=friday + timedelta(days=4))  # Tuesday, same hour
    assert queues.is_late(rr, now=friday + timedelta(days=4, minutes=1))


def test_a_resolved_return_is_never_late(factory):
    rr = received(factory, days_ago=10)
    rr.status = "refunded"
    assert not queues.is_late(rr)


def test_home_counts_and_lists_each_queue(client, factory, auth):
    auth.login("warehouse")
    waiting = factory.return_()
    fresh = received(factory)
    late = received(factory, days_ago=6)
    text = page(client.get("/staff/"))
    counts = {
        name: int(re.search(rf'id="count-{name}".*?class="count-n">(\d+)<', text, re.S).group(1))
        for name in queues.QUEUES
    }
    assert counts == {"late": 1, "awaiting": 1, "to_diagnose": 2, "to_resolve": 0}
    section = text.split('id="queue-late"')[1].split("</section>")[0]
    assert late.rma in section and fresh.rma not in section
    section = text.split('id="queue-awaiting"')[1].split("</section>")[0]
    assert waiting.rma in section


def test_inspected_returns_wait_for_support(client, factory, auth):
    auth.login("warehouse")
    rr = received(factory)
    warehouse.diagnose(rr, {rr.items[0].id: ("A", "", "")}, actor="w")
    db.session.commit()
    text = page(client.get("/staff/?queue=to_resolve"))
    assert rr.rma in text
    assert 'id="queue-to_diagnose"' not in text


@pytest.mark.parametrize("field", ["rma", "order", "email", "tracking"])
def test_search_by_rma_order_email_or_tracking(client, factory, auth, field):
    auth.login("warehouse")
    factory.variants()
    wanted = factory.return_(factory.order(email="wanted@example.fr", number="W-123"))
    other = factory.return_(factory.order(email="other@example.fr", number="O-456"))
    q = {
        "rma": wanted.rma.lower(),
        "order": "w-123",
        "email": "WANTED@example",
        "tracking": wanted.current_label.tracking_code.lower(),
    }[field]
    text = page(client.get("/staff/", query_string={"q": q, "queue": "awaiting"}))
    assert wanted.rma in text and other.rma not in text


def test_lists_sort_by_age(client, factory, auth):
    auth.login("warehouse")
    old = received(factory, days_ago=1.5)
    new = received(factory, days_ago=0.5)
    oldest_first = page(client.get("/staff/?queue=to_diagnose"))
    assert oldest_first.index(old.rma) < oldest_first.index(new.rma)
    newest_first = page(client.get("/staff/?queue=to_diagnose&sort=newest"))
    assert newest_first.index(new.rma) < newest_first.index(old.rma)


def test_a_blocked_label_purchase_is_an_alert(client, factory, auth):
    auth.login("warehouse")
    rr = factory.return_(with_label=False)
    rr.label_blocked = True
    rr.label_error = "address rejected by the carrier"
    db.session.commit()
    text = page(client.get("/staff/"))
    alert = text.split('id="blocked-labels"')[1].split("</section>")[0]
    assert rr.rma in alert and "address rejected by the carrier" in alert

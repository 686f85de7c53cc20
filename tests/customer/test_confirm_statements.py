"""Confirming reads and writes what it must, once: the order, its lines and what earlier
returns hold, read after the order's lock; the return written; the label recorded after
the carrier answered, the return's row locked and read again. Nothing is read twice, and
nothing is read once per item. A ceiling per case, with what the confirm made checked:
raising one is a decision (say why in the commit), not a fix for a red test."""

from __future__ import annotations

import pytest

from portal import lifecycle
from portal.extensions import db
from portal.models import OutboxMessage, Variant
from tests.customer.pagekit import confirm, item_fields, returns, to_review

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def statements(app, statements):
    """The customer fixture's statements, with the worker sending, as in production."""
    app.config["DELIVER_MAIL_AFTER_REQUEST"] = False
    return statements


def _confirm(client, statements: list[str]) -> tuple[list[str], list[str]]:
    db.session.expunge_all()  # nothing cached from the steps before
    statements.clear()
    response = confirm(client)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/r/")
    sent = list(statements)
    writes = [s for s in sent if s.split(None, 1)[0].upper() in WRITES]
    reads = [s for s in sent if s not in writes]
    return reads, writes


def _made(email: str):
    (rr,) = returns()
    assert lifecycle.phase(rr) == "ready" and rr.current_label is not None  # label issued
    mails = db.session.query(OutboxMessage).filter_by(return_id=rr.id).all()
    assert [m.kind for m in mails] == ["confirmation"] and mails[0].recipient == email
    return rr


def _not_twice(reads: list[str]) -> None:
    assert len(set(reads)) == len(reads) - 1, reads  # the submission: before and after the lock
    assert not [s for s in reads if "FROM return_items WHERE" in s]  # items never read back
    assert not [s for s in reads if "WHERE order_lines.id =" in s]  # no line one at a time


def test_confirm_a_refund_ceiling(en, shop, statements):
    to_review(en, shop.order, shop.point, item_fields(shop.line))
    reads, writes = _confirm(en, statements)
    rr = _made(shop.order.email)
    assert [i.resolution for i in rr.items] == ["refund"]
    _not_twice(reads)
    assert len(reads) <= 9, reads
    assert len(writes) <= 8, writes  # SQLite: the order's lock is a write too


def test_confirm_two_items_costs_what_one_does(en, factory, statements):
    factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 1), ("TEE-L", 1)])
    point = factory.relay_point()
    db.session.commit()
    both = {**item_fields(order.lines[0]), **item_fields(order.lines[1], reason="too_big")}
    to_review(en, order, point, both)
    reads, writes = _confirm(en, statements)
    rr = _made(order.email)
    assert sorted(i.reason for i in rr.items) == ["too_big", "too_small"]
    _not_twice(reads)
    assert len(reads) <= 9, reads
    # one INSERT per item on SQLite (its RETURNING keeps no order over several rows)
    assert len(writes) <= 8 + (db.engine.dialect.name == "sqlite"), writes


def test_confirm_an_exchange_ceiling(en, shop, statements):
    fields = item_fields(shop.line, resolution="exchange", exchange=shop.large.id)
    to_review(en, shop.order, shop.point, fields)
    reads, writes = _confirm(en, statements)
    rr = _made(shop.order.email)
    large = db.session.query(Variant).filter_by(sku="TEE-L").one()
    assert [i.exchange_variant_id for i in rr.items] == [large.id]
    assert large.stock_reserved == 1  # promised: the conditional UPDATE ran
    # the reservation reads the variant back; the exchange options come with the lines
    _not_twice([s for s in reads if "FROM variants WHERE variants.id =" not in s])
    assert len(reads) <= 10, reads
    assert len(writes) <= 9, writes

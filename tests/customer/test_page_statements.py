"""The journey's pages read the database in a few statements, not one per row or per
helper: a ceiling per page, with the page checked to show what it should. Raising a
ceiling is a decision (say why in the commit), not a fix for a red test."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.links import status_path
from tests.customer.pagekit import item_fields, lookup, page, to_review


def _read(client, path: str, statements: list[str]):
    db.session.expunge_all()  # nothing cached from the steps before
    statements.clear()
    response = client.get(path)
    assert response.status_code == 200
    return page(response), list(statements)


def test_items_page_ceiling(en, shop, statements):
    assert lookup(en, shop.order).status_code == 302
    shown, sent = _read(en, "/return/items", statements)
    assert shown.control(f"item-{shop.line.id}-quantity") is not None
    assert len(sent) <= 4, sent  # the order with its lines, their variants, photos, taken


def test_choosing_the_items_reads_the_order_once(en, shop, statements):
    """The choices are checked, and keep it decided, before the request's one commit:
    nothing is read again after it (the commit expires the order)."""
    assert lookup(en, shop.order).status_code == 302
    db.session.expunge_all()
    statements.clear()
    response = en.post("/return/items", data=item_fields(shop.line))
    assert response.headers["Location"].endswith("/return/relay")
    assert len(statements) <= 3, statements  # the order with its lines, variants, taken


def test_review_page_ceiling(en, shop, statements):
    to_review(en, shop.order, shop.point, item_fields(shop.line))
    shown, sent = _read(en, "/return/review", statements)
    assert shop.point.name in shown.text
    assert len(sent) <= 4, sent  # the order with its lines, variants, taken, the point


@pytest.mark.parametrize("resolution", ["refund", "exchange"])
def test_status_page_ceiling_and_no_repair_query_for_a_plain_return(
    en, shop, factory, statements, resolution
):
    rr = factory.return_(shop.order, locale="en", resolution=resolution, exchange_sku="TEE-L")
    db.session.commit()
    path, rma = status_path(rr), rr.rma
    names = (shop.m.display_name, shop.large.display_name)
    shown, sent = _read(en, path, statements)
    assert rma in shown.text
    assert names[0] in shown.text
    assert (names[1] in shown.text) == (resolution == "exchange")  # the replacement
    assert not [s for s in sent if "FROM repair_cases" in s]  # no item asks for a repair
    # the return with its labels, items, their lines, variants and products (the
    # replacement's too), order and relay point in one; the audit trail, the carrier's
    # latest scan, refunds, store credits, the question thread: one each
    assert len(sent) <= 6, sent

"""The last unit of a size is never promised to two people."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import ReturnRequest, Variant
from tests.customer.pagekit import confirm, item_fields, page, to_review


def stock(sku: str) -> tuple[int, int]:
    db.session.expire_all()
    v = db.session.query(Variant).filter_by(sku=sku).one()
    return v.stock_on_hand, v.stock_reserved


@pytest.fixture
def last_l(factory):
    factory.variants("TEE", M=5, L=1)
    factory.variants("SOCK", price=900, M=5)
    point = factory.relay_point()
    db.session.commit()
    return point


def test_second_customer_is_told_and_keeps_other_choices(app, en, factory, last_l):
    large = db.session.query(Variant).filter_by(sku="TEE-L").one()
    anne = factory.order([("TEE-M", 1)], email="anne@example.fr")
    bob = factory.order([("TEE-M", 1), ("SOCK-M", 1)], email="bob@example.fr")
    db.session.commit()
    bob_client = app.test_client()
    bob_client.get("/lang/en")
    tee, sock = bob.lines
    # both see the last L, and both choose it
    to_review(en, anne, last_l, item_fields(anne.lines[0], resolution="exchange", exchange=large))
    bob_choices = {
        **item_fields(
            tee, reason="too_small", resolution="exchange", exchange=large, comment="Too tight"
        ),
        **item_fields(sock, reason="changed_mind", resolution="refund"),
    }
    to_review(bob_client, bob, last_l, bob_choices)
    # Anne confirms first
    assert confirm(en).headers["Location"].startswith("/r/")
    assert stock("TEE-L") == (1, 1)
    # Bob is sent back to the items page and told why
    response = confirm(bob_client)
    assert response.headers["Location"] == "/return/items"
    shown = page(bob_client.get("/return/items"))
    told = (
        "Sorry, TEE shirt (Blue · L) was just taken by someone else. Please choose another option."
    )
    assert told in shown.text
    assert shown.by_id(f"item-{tee.id}-exchange-error") == told  # next to the item
    assert "none available right now" in shown.text
    # everything else Bob chose is still there; only the exchange must be chosen again
    kept = shown.form_posting_to("").values()
    assert kept[f"item-{tee.id}-quantity"] == "1"
    assert kept[f"item-{tee.id}-reason"] == "too_small"
    assert kept[f"item-{tee.id}-comment"] == "Too tight"
    assert f"item-{tee.id}-resolution" not in kept
    assert kept[f"item-{sock.id}-quantity"] == "1"
    assert kept[f"item-{sock.id}-reason"] == "changed_mind"
    assert kept[f"item-{sock.id}-resolution"] == "refund"
    # nothing was made for Bob, and the L is promised once
    assert db.session.query(ReturnRequest).filter_by(contact_email="bob@example.fr").count() == 0
    assert stock("TEE-L") == (1, 1)
    # the message is shown once, not on every later visit
    assert told not in page(bob_client.get("/return/items")).text
    # Bob picks store credit instead and finishes; the relay point was kept
    kept[f"item-{tee.id}-resolution"] = "store_credit"
    assert bob_client.post("/return/items", data=kept).status_code == 302
    assert "TEE shirt (Blue · M) — store credit" in page(bob_client.get("/return/review")).text
    assert confirm(bob_client).headers["Location"].startswith("/r/")
    assert stock("TEE-L") == (1, 1)


def test_review_page_catches_a_unit_taken_meanwhile(en, factory, last_l):
    large = db.session.query(Variant).filter_by(sku="TEE-L").one()
    bob = factory.order([("TEE-M", 1)])
    db.session.commit()
    to_review(en, bob, last_l, item_fields(bob.lines[0], resolution="exchange", exchange=large))
    factory.return_(factory.order([("TEE-M", 1)]), resolution="exchange", exchange_sku="TEE-L")
    response = en.get("/return/review")  # e.g. a reload of the review page
    assert response.headers["Location"] == "/return/items"
    assert "was just taken by someone else" in page(en.get("/return/items")).text
    assert stock("TEE-L") == (1, 1)


def test_unit_taken_between_checking_and_reserving(en, factory, last_l, monkeypatch):
    """The race itself: another customer's reservation commits after this request checked
    the stock and before it reserves. The conditional UPDATE refuses; the customer is told."""
    from sqlalchemy import update

    from portal.services import stock as stock_service

    large = db.session.query(Variant).filter_by(sku="TEE-L").one()
    bob = factory.order([("TEE-M", 1)])
    db.session.commit()
    to_review(en, bob, last_l, item_fields(bob.lines[0], resolution="exchange", exchange=large))
    real_reserve = stock_service.reserve

    def someone_else_first(variant, quantity):
        with db.engine.begin() as other:  # another connection: another customer
            other.execute(update(Variant).where(Variant.id == variant.id).values(stock_reserved=1))
        return real_reserve(variant, quantity)

    monkeypatch.setattr(stock_service, "reserve", someone_else_first)
    if db.engine.dialect.name == "sqlite":
        # SQLite has one write lock per file, taken before the checks (the order's lock,
        # `services.locks`): nobody can commit between checking and reserving. The
        # nearest race is another customer committing just before that lock.
        from portal.services import returns as returns_service

        real_lock = returns_service.locked_order

        def someone_else_just_before(order_id, *options):
            with db.engine.begin() as other:
                other.execute(
                    update(Variant).where(Variant.id == large.id).values(stock_reserved=1)
                )
            return real_lock(order_id, *options)

        monkeypatch.setattr(stock_service, "reserve", real_reserve)
        monkeypatch.setattr(returns_service, "locked_order", someone_else_just_before)
    response = confirm(en)
    assert response.headers["Location"] == "/return/items"
    shown = page(en.get("/return/items"))
    assert "Sorry, TEE shirt (Blue · L) was just taken by someone else." in shown.text
    assert db.session.query(ReturnRequest).count() == 0
    assert stock("TEE-L") == (1, 1)


# Threads racing for the last unit: tests/reliability/test_concurrency.py (both databases).

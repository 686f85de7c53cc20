"""Two support clicks at once, and two claims for the last unit: one replacement each
unit, one decision each claim (row lock on the claim, conditional UPDATE on the stock)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Claim, ClaimLine, StoreCredit, Variant
from portal.services import claims
from portal.services.errors import DomainError
from tests.reliability.kit import race

pytestmark = pytest.mark.concurrency


def _claim(order) -> Claim:
    claim = claims.open_claim(
        order,
        kind="never_arrived",
        quantities={order.lines[0].id: 1},
        description="Nothing came.",
        photos=[],
        locale="en",
    )
    db.session.commit()
    return claim


def _resolve_at_once(app, claim_ids: list[int], **decision) -> list[str]:
    def worker(i, barrier):
        with app.app_context():
            mine = db.session.get(Claim, claim_ids[i])
            barrier.wait()
            try:
                claims.resolve_claim(mine, note="", actor=f"s{i}", **decision)
                db.session.commit()
                return "resolved"
            except DomainError:
                db.session.rollback()
                return "refused"

    return race(len(claim_ids), worker)


def test_two_clicks_on_one_claim_resolve_it_once(app, factory):
    factory.variants("TEE", M=10, L=10)
    claim = _claim(factory.order([("TEE-M", 1)]))
    results = _resolve_at_once(app, [claim.id, claim.id], replacement=True, goodwill=100)
    assert sorted(results) == ["refused", "resolved"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(StoreCredit)) == 1
    variant = db.session.scalar(select(Variant).where(Variant.sku == "TEE-M"))
    assert (variant.stock_on_hand, variant.stock_reserved) == (9, 0)


def test_the_last_unit_replaces_one_claim_only(app, factory):
    factory.variants("TEE", M=1, L=10)
    first = _claim(factory.order([("TEE-M", 1)], email="a@example.fr"))
    second = _claim(factory.order([("TEE-M", 1)], email="b@example.fr"))
    results = _resolve_at_once(app, [first.id, second.id], replacement=True, goodwill=0)
    assert sorted(results) == ["refused", "resolved"]
    db.session.expire_all()
    variant = db.session.scalar(select(Variant).where(Variant.sku == "TEE-M"))
    assert (variant.stock_on_hand, variant.stock_reserved) == (0, 0)
    shipped = db.session.scalars(
        select(Claim).where(Claim.replacement_tracking_code.is_not(None))
    ).all()
    assert len(shipped) == 1
    assert db.session.scalar(select(func.count()).select_from(ClaimLine)) == 2

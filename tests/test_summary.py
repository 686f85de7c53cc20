"""The one summary of what the customer gets back (portal/services/summary.py)."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.services import summary, warehouse
from portal.services.policy import Policy
from portal.services.returns import ItemChoice


@pytest.fixture
def app_config(app_config):
    """The same fees for the warehouse's diagnosis as for the summary's policy."""
    return {**app_config, "RETURN_SHIPPING_FEE": 490, "STORE_CREDIT_BONUS_PERCENT": 10,
            "RESTOCKING_FEE_PERCENT": 20}  # fmt: skip


@pytest.fixture
def policy(app):
    return Policy.from_config({**app.config, "RETURN_SHIPPING_FEE": 490,
                               "STORE_CREDIT_BONUS_PERCENT": 10,
                               "RESTOCKING_FEE_PERCENT": 20})  # fmt: skip


def test_draft_summary_per_item_with_fee_bonus_and_replacement(app, factory, policy):
    factory.variants("TEE", M=5, L=5)
    factory.variants("SOCK", price=900, M=5)
    order = factory.order([("TEE-M", 2), ("SOCK-M", 1)])
    tee, sock = order.lines
    large = next(v for v in tee.variant.product.variants if v.sku == "TEE-L")
    choices = [
        ItemChoice(tee.id, 1, "too_small", "exchange", exchange_variant_id=large.id),
        ItemChoice(tee.id, 1, "too_small", "store_credit"),
        ItemChoice(sock.id, 1, "damaged", "refund"),
    ]
    s = summary.for_choices(order, choices, policy)
    exchange, credit, refund = s.items
    assert exchange.replacement == large.display_name and exchange.amount == 0
    assert (credit.paid, credit.amount, credit.bonus) == (2500, 2750, 250)
    assert (refund.paid, refund.fee, refund.amount) == (900, 490, 410)
    assert (s.refund_total, s.credit_total, s.fee_total, s.final) == (410, 2750, 490, False)


def test_return_summary_uses_the_diagnosed_amounts(app, factory, policy):
    rr = factory.return_()
    item = rr.items[0]
    before = summary.for_return(rr, policy).items[0]
    assert (before.amount, before.fee, before.final) == (2500 - 490, 490, False)
    warehouse.receive_parcel(rr, {item.id: 1}, "", "tests")
    warehouse.diagnose(rr, {item.id: ("B", "worn", "")}, actor="w")
    db.session.flush()
    after = summary.for_return(rr, policy)
    line = after.items[0]
    assert line.final and after.final
    # €25.00 paid, less 20 % restocking for a worn item (€5.00) and the €4.90 shipping fee
    assert (line.paid, line.fee, line.amount) == (2500, 990, 1510)
    assert line.amount == item.outcome_amount
    assert after.refund_total == 1510


def test_rejected_item_gets_nothing_back(app, factory, policy):
    rr = factory.return_()
    item = rr.items[0]
    warehouse.receive_parcel(rr, {item.id: 1}, "", "tests")
    warehouse.diagnose(rr, {item.id: ("C", "", "Worn and washed")}, actor="w")
    line = summary.for_return(rr, policy).items[0]
    assert (line.outcome, line.amount, line.fee) == ("rejected", 0, 0)

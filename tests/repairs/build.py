"""Building repair requests for the tests: a coffee grinder bought months ago, sent for
repair, and walked to the step a test needs, through the real verbs."""

from __future__ import annotations

import uuid
from datetime import date

from portal.extensions import db
from portal.models import Order, RepairCase, ReturnRequest, Variant
from portal.services import repair_cases, shop_sync, warehouse
from portal.services.labels import issue_label
from portal.services.policy import current_policy
from portal.services.returns import ItemChoice, ReturnDraft, create_return

STEPS = ("awaiting_parcel", "received", "repairing", "quoted", "no_fault")


def grinders(stock: int = 3, warranty_months: int | None = None) -> list[Variant]:
    """GRIND-BLACK and GRIND-WHITE, the same coffee grinder in two colours, 89 €."""
    shop_sync.upsert_variants(
        {
            "variants": [
                {
                    "sku": f"GRIND-{colour.upper()}",
                    "product": "GRIND",
                    "name": "Coffee grinder",
                    "colour": colour,
                    "price": 8900,
                    "currency": "EUR",
                    "stock": stock,
                    "warranty_months": warranty_months,
                }
                for colour in ("Black", "White")
            ]
        }
    )
    db.session.flush()
    return [
        db.session.query(Variant).filter_by(sku=s).one() for s in ("GRIND-BLACK", "GRIND-WHITE")
    ]


def grinder_order(factory, *, delivered_days_ago: int = 200, email: str = "anne@example.fr"):
    if db.session.query(Variant).filter_by(sku="GRIND-BLACK").first() is None:
        grinders()
    return factory.order([("GRIND-BLACK", 1)], delivered_days_ago=delivered_days_ago, email=email)


def repair(
    factory,
    order: Order | None = None,
    *,
    at: str = "awaiting_parcel",
    locale: str = "fr",
    fault: str = "The motor stopped working.",
    quantity: int = 1,
    received: int | None = None,
) -> tuple[ReturnRequest, RepairCase]:
    """A repair request of the order's first line, walked to step `at` (STEPS)."""
    assert at in STEPS, at
    order = order or grinder_order(factory)
    line = order.lines[0]
    rr = create_return(
        ReturnDraft(
            order_id=order.id,
            items=[ItemChoice(line.id, quantity, "stopped_working", "repair", comment=fault)],
            relay_point_id=factory.relay_point().id,
            locale=locale,
            submission_key=uuid.uuid4().hex,
        ),
        policy=current_policy(),
        today=date.today(),
    )
    issue_label(rr)
    db.session.commit()
    case = repair_cases.cases_of(rr)[0]
    if at != "awaiting_parcel":
        units = quantity if received is None else received
        warehouse.receive_parcel(rr, {rr.items[0].id: units}, actor="w@shop.example.com")
        db.session.commit()
    if at == "repairing":
        repair_cases.diagnose(rr, case, covered=True, note="The motor is faulty.")
        db.session.commit()
    if at == "no_fault":
        repair_cases.find_no_fault(rr, case, note="It grinds fine after cleaning.")
        db.session.commit()
    if at == "quoted":
        repair_cases.diagnose(
            rr, case, covered=False, note="The burr is broken by a stone.", quote=3500
        )
        db.session.commit()
    return rr, case

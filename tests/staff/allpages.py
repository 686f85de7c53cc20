"""Every staff page, with returns in every state a page can show: for the tests that read
every page (no raw codes, 360 px, accessibility)."""

from __future__ import annotations

from portal.extensions import db
from portal.payments.service import change_state
from portal.services import resolve, warehouse
from portal.services.returns import cancel_return


def _received(factory, **kwargs):
    rr = factory.return_(**kwargs)
    warehouse.receive_parcel(rr, {i.id: i.quantity for i in rr.items}, actor="w@shop")
    return rr


def _inspected(factory, grade="A", reject="", **kwargs):
    rr = _received(factory, **kwargs)
    warehouse.diagnose(rr, {i.id: (grade, "", reject) for i in rr.items}, actor="w@shop")
    return rr


def build_returns(factory) -> dict[str, str]:
    """Returns in every state (committed): name → RMA."""
    factory.variants("TEE", M=5, L=5)
    made = {
        "label issued": factory.return_(reason="too_big"),
        "label pending": factory.return_(with_label=False, reason="colour"),
        "received": _received(factory, resolution="store_credit", reason="changed_mind"),
        "inspected": _inspected(factory, grade="B", reason="not_as_described"),
    }
    paid = _inspected(factory, reason="damaged")
    refund = resolve.issue_refund(paid, paid.items[0], actor="s@shop")
    resolve.mark_refund_paid(refund, actor="s@shop")
    made["refunded"] = paid
    owed = _inspected(factory, reason="defective")
    resolve.issue_refund(owed, owed.items[0], actor="s@shop")
    made["refund to pay"] = owed
    failed = _inspected(factory, reason="too_late")
    change_state(
        resolve.issue_refund(failed, failed.items[0], actor="s@shop"),
        "provider_refuse",
        actor_type="system",
    )
    made["refund failed"] = failed
    credited = _inspected(factory, resolution="store_credit")
    resolve.issue_refund(credited, credited.items[0], actor="s@shop")
    resolve.goodwill_gesture(credited, 500, "Sorry for the wait", actor="s@shop")
    made["store credit"] = credited
    swapped = _inspected(factory, resolution="exchange")
    resolve.ship_exchange(swapped, swapped.items[0], actor_type="staff", actor="s@shop")
    made["exchanged"] = swapped
    refused = _inspected(factory, grade="C", reject="worn beyond policy")
    made["rejected, to send back"] = refused
    sent_back = _inspected(factory, grade="C", reject="not our item")
    resolve.reject_item(sent_back, sent_back.items[0], actor="s@shop")
    made["rejected"] = sent_back
    cancelled = factory.return_()
    cancel_return(cancelled, actor_type="customer")
    made["cancelled"] = cancelled
    factory.question(made["received"], "Where is my parcel?")  # a thread, the inbox
    db.session.commit()
    return {name: rr.rma for name, rr in made.items()}


def staff_paths(rmas: dict[str, str]) -> list[tuple[str, str]]:
    """(name, path) of every staff page an admin can open."""
    paths = [
        ("queues", "/staff/"),
        ("one queue", "/staff/?queue=to_resolve&sort=newest"),
        ("scan", "/staff/scan"),
        ("refunds", "/staff/refunds"),
        ("users", "/staff/users"),
        ("password", "/staff/password"),
        ("support inbox", "/staff/inbox"),
        ("claims", "/staff/claims"),
        ("insights", "/staff/insights"),
        ("insights, a year", "/staff/insights?days=365"),
        ("shops", "/staff/shops"),
    ]
    paths += [(f"return: {name}", f"/staff/returns/{rma}") for name, rma in rmas.items()]
    return paths

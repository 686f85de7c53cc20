"""The lifecycle table, walked: every allowed step works, every other one is refused and
changes nothing, the database refuses unknown states, and the generated page matches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import lifecycle
from portal.commands.lifecycle import DOC, render
from portal.extensions import db
from portal.models import AuditEvent, Refund, ReturnRequest
from portal.services import audit
from portal.services.errors import IllegalTransition

ROOT = Path(__file__).resolve().parent.parent


def _audit_count(rr: ReturnRequest) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.return_id == rr.id)
    )


def _set(obj, machine, state) -> None:
    """Test set-up only: put `obj` in `state` as if earlier steps had happened."""
    setattr(obj, machine.column, state)
    db.session.commit()


@pytest.mark.parametrize("event", list(lifecycle.RETURN.events.values()), ids=lambda e: e.name)
def test_every_return_step_from_every_state(app, factory, event):
    rr = factory.return_(with_label=False)
    if event.name in ("request", "keep"):  # a return's first steps; not for an existing one
        pytest.raises(IllegalTransition, lifecycle.apply, rr, event.name, "customer")
        return
    actor = sorted(event.actors)[0]
    for state in lifecycle.RETURN.states:
        _set(rr, lifecycle.RETURN, state)
        before = _audit_count(rr)
        if state in event.sources:
            row = audit.transition(rr, event.name, actor_type=actor, actor="test")
            db.session.commit()  # the CHECK constraint accepts where it leads
            assert rr.status == (event.target or state)
            assert (row.action, row.from_status, row.to_status) == (
                event.action,
                state,
                rr.status,
            )
            assert lifecycle.legal_step(row.action, row.from_status, row.to_status)
            assert _audit_count(rr) == before + 1
        else:
            with pytest.raises(IllegalTransition):
                audit.transition(rr, event.name, actor_type=actor, actor="test")
            db.session.rollback()
            db.session.refresh(rr)
            assert rr.status == state and _audit_count(rr) == before, state


@pytest.mark.parametrize("event", list(lifecycle.RETURN.events.values()), ids=lambda e: e.name)
def test_only_the_listed_actors_may_trigger_a_step(app, factory, event):
    rr = factory.return_(with_label=False)
    source = next((s for s in event.sources if s is not None), None)
    if source is None:
        return
    _set(rr, lifecycle.RETURN, source)
    for actor in sorted(lifecycle.ANYONE - event.actors):
        with pytest.raises(IllegalTransition):
            audit.transition(rr, event.name, actor_type=actor)
        assert rr.status == source


@pytest.mark.parametrize("machine", [lifecycle.RECEPTION, lifecycle.ACCEPTANCE], ids=str)
def test_every_item_step_from_every_state(app, factory, machine):
    rr = factory.return_(with_label=False)
    item = rr.items[0]
    for event in machine.events.values():
        for state in machine.states:
            _set(item, machine, state)
            actor = sorted(event.actors)[0]
            if state in event.sources:
                assert audit.transition(item, event.name, actor_type=actor) is None
                db.session.commit()
                assert getattr(item, machine.column) == (event.target or state)
            else:
                with pytest.raises(IllegalTransition):
                    audit.transition(item, event.name, actor_type=actor)
                assert getattr(item, machine.column) == state


def test_every_refund_step_from_every_state(app, factory):
    rr = factory.return_(with_label=False)
    item = rr.items[0]

    def new_refund() -> Refund:
        return Refund(
            return_item_id=item.id, return_id=rr.id, amount=100, currency="EUR", method="x"
        )

    for event in lifecycle.REFUND.events.values():
        actor = "staff" if "staff" in event.actors else "system"  # provider events: system
        for state in (None, *lifecycle.REFUND.states):
            refund = new_refund()
            if state is not None:
                audit.transition(refund, "owe", actor_type="staff")
                db.session.add(refund)
                refund.status = state  # test set-up only
                db.session.flush()
            if state in event.sources:
                audit.transition(refund, event.name, actor_type=actor)
                assert refund.status == event.target
            else:
                with pytest.raises(IllegalTransition):
                    audit.transition(refund, event.name, actor_type=actor)
                assert refund.status == state
            db.session.rollback()


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("return_requests", "status"),
        ("return_items", "reception_status"),
        ("return_items", "acceptance_status"),
    ],
)
def test_the_database_refuses_a_state_the_table_does_not_know(app, factory, table, column):
    rr = factory.return_(with_label=False)
    row_id = rr.id if table == "return_requests" else rr.items[0].id
    with pytest.raises(IntegrityError):
        db.session.execute(
            db.text(f"UPDATE {table} SET {column} = 'closed' WHERE id = :id"), {"id": row_id}
        )
        db.session.flush()
    db.session.rollback()


def test_the_journey_leaves_only_legal_steps_in_the_audit_trail(app, factory):
    from portal.services import resolve, warehouse

    rr = factory.return_()
    item = rr.items[0]
    warehouse.receive_parcel(rr, {item.id: 1}, actor="w")
    warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w")
    refund = resolve.issue_refund(rr, item, actor="s")
    db.session.commit()
    # approved is not paid: the item and the return stay open until the money leaves
    assert (rr.status, refund.status) == ("inspected", "approved")
    assert (item.reception_status, item.acceptance_status) == ("received", "refunding")
    resolve.mark_refund_paid(refund, actor="s")
    db.session.commit()
    assert (rr.status, refund.status) == ("refunded", "sent")
    assert (item.reception_status, item.acceptance_status) == ("received", "settled")
    trail = db.session.scalars(
        select(AuditEvent).where(AuditEvent.return_id == rr.id, AuditEvent.to_status.is_not(None))
    ).all()
    assert [e.action for e in trail] == [
        "return_requested",
        "label_issued",
        "parcel_received",
        "items_inspected",
        "refund_issued",
        "return_resolved",
    ]
    assert all(lifecycle.legal_step(e.action, e.from_status, e.to_status) for e in trail)


def test_docs_lifecycle_is_generated_from_the_table():
    assert DOC.read_text(encoding="utf-8") == render(), "run: flask --app wsgi lifecycle doc"


# Nothing but the lifecycle assigns or compares a return's, an item's or a refund's status.
OWNERS = r"\b(rr|item|i|refund|locked|r|other|ReturnRequest|ReturnItem|Refund)"
FIELDS = r"(status|reception_status|acceptance_status)"
STATUS_WRITE = re.compile(OWNERS + r"\." + FIELDS + r"\s*=[^=]")
STATUS_COMPARE = re.compile(
    OWNERS + r"\." + FIELDS + r"\s*((==|!=)\s*[\"']|(not in|in)\s*\(\s*[\"'])"
)
# an object's status against anything, a named constant too: the lifecycle's helpers ask
# (queries name their states with constants and `states_where`, as the lifecycle says)
# a state asked of the lifecycle as a literal instead of the machine's constant (groups,
# asked by name through `is_in`/`claim_in`, are names, not states)
LITERAL_STATE = re.compile(r"lifecycle\.(repair_at|refund_in|call_in)\([^)]*,\s*[\"']")
INSTANCE_COMPARE = re.compile(
    r"\b(rr|item|i|refund|locked|r|other)\." + FIELDS + r"\s*(==|!=|not in\b|in\b)"
)


def test_no_status_is_assigned_or_compared_outside_the_lifecycle():
    offenders = []
    files = [*ROOT.glob("portal/**/*.py"), *ROOT.glob("templates/**/*.html")]
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        if (
            rel.startswith("portal/lifecycle/") or rel == "portal/outbox.py"
        ):  # the outbox has its own
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "OutboxMessage" in line or "row.status" in line:
                continue
            if any(
                rx.search(line)
                for rx in (STATUS_WRITE, STATUS_COMPARE, INSTANCE_COMPARE, LITERAL_STATE)
            ):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == []

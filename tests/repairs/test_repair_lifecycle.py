"""The repair machine's table, walked: every allowed step works from its states, every
other one is refused and changes nothing, only the listed actors may take a step, and the
database refuses a state the table does not know."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from portal import lifecycle
from portal.extensions import db
from portal.models import RepairCase
from portal.services.errors import IllegalTransition

REPAIR = lifecycle.REPAIR


def _set(case, state) -> None:
    """Test set-up only: put the case in `state` as if earlier steps had happened."""
    setattr(case, REPAIR.column, state)
    db.session.commit()


@pytest.mark.parametrize("event", list(REPAIR.events.values()), ids=lambda e: e.name)
def test_every_repair_step_from_every_state(app, factory, event):
    _rr, case = factory.repair()
    case = db.session.get(RepairCase, case.id)
    if event.name == "open":  # a case's first step; an existing one cannot take it
        pytest.raises(IllegalTransition, lifecycle.apply, case, "open", "customer", REPAIR)
        return
    actor = sorted(event.actors)[0]
    for state in REPAIR.states:
        _set(case, state)
        if state in event.sources:
            lifecycle.apply(case, event.name, actor, REPAIR)
            db.session.commit()  # the CHECK constraint accepts where it leads
            assert case.status == (event.target or state)
        else:
            with pytest.raises(IllegalTransition):
                lifecycle.apply(case, event.name, actor, REPAIR)
            db.session.rollback()
            db.session.refresh(case)
            assert case.status == state


@pytest.mark.parametrize("event", list(REPAIR.events.values()), ids=lambda e: e.name)
def test_only_the_listed_actors_may_take_a_repair_step(app, factory, event):
    _rr, case = factory.repair()
    source = next((s for s in event.sources if s is not None), None)
    if source is None:
        return
    _set(case, source)
    for actor in sorted(lifecycle.ANYONE - event.actors):
        with pytest.raises(IllegalTransition):
            lifecycle.apply(case, event.name, actor, REPAIR)
        assert case.status == source


def test_every_repair_state_is_reachable_from_the_first():
    reached, frontier = {REPAIR.initial}, [REPAIR.initial]
    while frontier:
        here = frontier.pop()
        for event in REPAIR.events.values():
            if here in event.sources and event.target and event.target not in reached:
                reached.add(event.target)
                frontier.append(event.target)
    assert reached == set(REPAIR.states)


def test_the_database_refuses_an_unknown_repair_state(app, factory):
    _rr, case = factory.repair()
    with pytest.raises(IntegrityError):
        db.session.execute(
            db.text("UPDATE repair_cases SET status = 'fixed' WHERE id = :id"), {"id": case.id}
        )
        db.session.flush()
    db.session.rollback()


def test_the_repair_machine_is_in_the_lifecycle_and_its_page():
    from portal.commands.lifecycle import render

    assert REPAIR in lifecycle.MACHINES
    page = render()
    assert "repair" in page and "accept_quote" in page and "ship_repaired" in page

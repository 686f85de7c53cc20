"""The claim's table, walked: every allowed step works from its states and by its actors,
every other one is refused and changes nothing; the database refuses unknown states."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from portal import lifecycle
from portal.extensions import db
from portal.models import Claim, ClaimLine
from portal.services.errors import IllegalTransition


def _claim(order) -> Claim:
    claim = Claim(
        number="C-TEST-01",
        access_key="k" * 32,
        order_id=order.id,
        kind="damaged",
        contact_name="Anne",
        contact_email=order.email,
        lines=[ClaimLine(order_line_id=order.lines[0].id, quantity=1)],
    )
    lifecycle.apply(claim, "open_claim", "customer")
    db.session.add(claim)
    db.session.commit()
    return claim


def test_claim_is_one_of_the_machines_and_governs_claims(app, factory):
    assert lifecycle.CLAIM in lifecycle.MACHINES
    claim = _claim(factory.order())
    assert lifecycle.machine_of(claim) is lifecycle.CLAIM
    assert claim.status == lifecycle.CLAIM.initial == "open"


@pytest.mark.parametrize("event", list(lifecycle.CLAIM.events.values()), ids=lambda e: e.name)
def test_every_claim_step_from_every_state_and_actor(app, factory, event):
    claim = _claim(factory.order())
    if event.sources == (None,):  # the first step: an existing claim cannot take it
        pytest.raises(IllegalTransition, lifecycle.apply, claim, event.name, "customer")
        return
    for state in lifecycle.CLAIM.states:
        for actor in sorted(lifecycle.ANYONE):
            claim.status = state  # test set-up only
            db.session.commit()
            if state in event.sources and actor in event.actors:
                lifecycle.apply(claim, event.name, actor)
                db.session.commit()  # the CHECK constraint accepts where it leads
                assert claim.status == (event.target or state)
            else:
                with pytest.raises(IllegalTransition):
                    lifecycle.apply(claim, event.name, actor)
                assert claim.status == state, (state, actor)


def test_the_database_refuses_a_state_the_table_does_not_know(app, factory):
    claim = _claim(factory.order())
    with pytest.raises(IntegrityError):
        db.session.execute(db.text("UPDATE claims SET status = 'closed' WHERE id = :id"),
                           {"id": claim.id})  # fmt: skip
        db.session.flush()
    db.session.rollback()


def test_the_groups_hold_only_known_states():
    for states in lifecycle.CLAIM_GROUPS.values():
        assert set(states) <= set(lifecycle.CLAIM.states)

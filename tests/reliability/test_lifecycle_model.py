"""A Hypothesis model of the whole return lifecycle, checked after every step.

Rules drive the real service verbs (the same ones the routes call, each followed by
the route's single commit): customers submit returns (sometimes several sessions at
once), labels are issued, the carrier sends events (and replays them), parcels are
received, items diagnosed, refunded (by several staff at once), exchanges shipped,
rejected items sent back, returns cancelled (sometimes while the carrier scans) or
expired, and the outbox delivers e-mail with injected crashes. After every step
`invariants.violations()` must be empty: refunds ≤ paid per order line, at most one
refund per item, 0 ≤ reserved ≤ on hand, a status trail that chains, one outbox
message per event. A domain error (a refusal a person would read) must change
nothing; any other exception is a bug.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select, update

from portal import outbox
from portal.carriers.base import TrackingUpdate
from portal.extensions import db
from portal.models import Label, OutboxMessage, Refund, ReturnItem, ReturnRequest
from portal.models.base import utcnow
from portal.services import resolve, returns, tracking, warehouse
from portal.services.errors import DomainError
from portal.services.labels import issue_label
from portal.services.policy import current_policy
from tests.factories import Factory
from tests.reliability.invariants import violations
from tests.reliability.kit import parallel, race, rounds

pytestmark = [
    pytest.mark.stateful,
    pytest.mark.guarantee("The lifecycle keeps its invariants after every step of any sequence"),
]

PICK = st.integers(min_value=0, max_value=10_000)


class Lifecycle(RuleBasedStateMachine):
    app = None
    counter = None

    def __init__(self) -> None:
        super().__init__()
        self.factory = Factory()
        self.orders: list[int] = []
        self.rrs: list[int] = []
        self.events: list[TrackingUpdate] = []
        self.steps = 0
        self.done: Counter[str] = Counter()

    # -- helpers ---------------------------------------------------------------------

    def attempt(self, verb, *args, **kwargs):
        """Call a verb and commit, as a route would; a refusal rolls back and must have
        changed nothing."""
        try:
            result = verb(*args, **kwargs)
            db.session.commit()
            self.done[verb.__name__] += 1
            return result
        except DomainError:
            db.session.rollback()
            return None

    def pick_rr(self, pick: int, *statuses: str) -> ReturnRequest:
        """A return, preferably one in `statuses` (so that long paths are walked often)."""
        db.session.expire_all()
        ids = self.rrs
        if statuses:
            fitting = db.session.scalars(
                select(ReturnRequest.id).where(
                    ReturnRequest.id.in_(self.rrs), ReturnRequest.status.in_(statuses)
                )
            ).all()
            ids = sorted(fitting) or ids
        return db.session.get(ReturnRequest, ids[pick % len(ids)])

    def draft(self, order_id: int, quantity: int, resolution: str) -> returns.ReturnDraft:
        order = db.session.get(returns.Order, order_id)
        line = order.lines[0]
        exchange = None
        if resolution == "exchange":
            exchange = next(v for v in line.variant.product.variants if v.id != line.variant_id)
        return returns.ReturnDraft(
            order_id=order_id,
            items=[
                returns.ItemChoice(
                    line.id,
                    quantity,
                    "too_small",
                    resolution,
                    exchange_variant_id=exchange.id if exchange else None,
                )
            ],
            relay_point_id=self.point_id,
            locale="en",
            submission_key=uuid.uuid4().hex,
        )

    # -- setup -----------------------------------------------------------------------

    @initialize()
    def shop(self) -> None:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        self.factory.variants("TEE", M=50, L=2)  # few L: exchanges compete for them
        self.point_id = self.factory.relay_point().id
        for lines in ([("TEE-M", 1)], [("TEE-M", 2)], [("TEE-M", 1)]):
            self.orders.append(self.factory.order(lines).id)
        db.session.commit()

    # -- customers -------------------------------------------------------------------

    @rule(
        pick=PICK,
        quantity=st.integers(1, 2),
        resolution=st.sampled_from(["refund", "store_credit", "exchange"]),
        sessions=st.integers(1, 3),
        label=st.booleans(),
        new_order=st.booleans(),
    )
    def submit(self, pick, quantity, resolution, sessions, label, new_order) -> None:
        if new_order:  # another delivered order, so that units to return never run out
            self.orders.append(self.factory.order([("TEE-M", quantity)]).id)
            db.session.commit()
        order_id = self.orders[-1] if new_order else self.orders[pick % len(self.orders)]
        drafts = [self.draft(order_id, quantity, resolution) for _ in range(sessions)]
        db.session.commit()
        app = self.app

        def customer(i, barrier):
            with app.app_context():
                barrier.wait()
                try:
                    rr = returns.create_return(
                        drafts[i], policy=current_policy(), today=date.today()
                    )
                    db.session.commit()
                    return rr.id
                except DomainError:
                    db.session.rollback()
                    return None
                finally:
                    db.session.remove()

        results = race(min(sessions, parallel(3, 2)), customer)
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, errors
        for rr_id in results:
            if rr_id is None:
                continue
            self.rrs.append(rr_id)
            if label:
                self.attempt(issue_label, db.session.get(ReturnRequest, rr_id))

    @precondition(lambda self: self.rrs)
    @rule(pick=PICK)
    def issue_missing_label(self, pick) -> None:
        rr = self.pick_rr(pick, "requested")
        if rr.status == "requested":
            self.attempt(issue_label, rr)

    @precondition(lambda self: self.rrs)
    @rule(pick=PICK)
    def cancel(self, pick) -> None:
        rr = self.pick_rr(pick)
        self.attempt(returns.cancel_return, rr, actor_type="customer", actor=rr.contact_email)

    @precondition(lambda self: self.rrs)
    @rule(pick=PICK)
    def label_runs_out(self, pick) -> None:
        rr = self.pick_rr(pick, "label_issued")
        db.session.execute(
            update(Label)
            .where(Label.return_id == rr.id, Label.voided_at.is_(None))
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
        returns.expire_returns(utcnow())
        db.session.commit()

    # -- the carrier -----------------------------------------------------------------

    @precondition(lambda self: self.rrs)
    @rule(pick=PICK, status=st.sampled_from(["in_transit", "out_for_delivery", "delivered"]))
    def carrier_event(self, pick, status) -> None:
        rr = self.pick_rr(pick, "label_issued", "in_transit")
        label = db.session.scalar(
            select(Label).where(Label.return_id == rr.id).order_by(Label.id.desc()).limit(1)
        )
        if label is None:
            return
        update_ = TrackingUpdate(uuid.uuid4().hex, label.tracking_code, status)
        self.events.append(update_)
        tracking.apply_tracking(update_, provider="local")
        db.session.commit()

    @precondition(lambda self: self.events)
    @rule(pick=PICK)
    def carrier_replays(self, pick) -> None:
        update_ = self.events[pick % len(self.events)]
        assert tracking.apply_tracking(update_, provider="local") == "duplicate"
        db.session.commit()

    @precondition(lambda self: self.rrs)
    @rule(pick=PICK)
    def cancel_while_the_carrier_scans(self, pick) -> None:
        rr = self.pick_rr(pick, "label_issued")
        label = rr.current_label
        if label is None:
            return
        update_ = TrackingUpdate(uuid.uuid4().hex, label.tracking_code, "in_transit")
        self.events.append(update_)
        app, rr_id = self.app, rr.id

        def actor(i, barrier):
            with app.app_context():
                mine = db.session.get(ReturnRequest, rr_id)
                barrier.wait()
                try:
                    if i == 0:
                        returns.cancel_return(mine, actor_type="customer")
                    else:
                        tracking.apply_tracking(update_, provider="local")
                    db.session.commit()
                except DomainError:
                    db.session.rollback()
                finally:
                    db.session.remove()

        results = race(2, actor)
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, errors

    # -- the warehouse ---------------------------------------------------------------

    @precondition(lambda self: self.rrs)
    @rule(pick=PICK, units=st.integers(1, 2))
    def receive(self, pick, units) -> None:
        rr = self.pick_rr(pick, "label_issued", "in_transit", "expired", "received")
        quantities = {item.id: min(units, item.quantity) for item in rr.items}
        self.attempt(warehouse.receive_parcel, rr, quantities, actor="warehouse")

    @precondition(lambda self: self.rrs)
    @rule(pick=PICK, grade=st.sampled_from("ABC"), reject=st.booleans())
    def diagnose(self, pick, grade, reject) -> None:
        rr = self.pick_rr(pick, "received")
        grades = {
            item.id: (grade, "", "Worn and washed" if reject else "")
            for item in rr.items
            if item.received_quantity and item.grade is None
        }
        self.attempt(warehouse.diagnose, rr, grades, actor="warehouse")

    # -- support ---------------------------------------------------------------------

    @precondition(lambda self: self.rrs)
    @rule(pick=PICK, staff=st.integers(1, 3))
    def refund(self, pick, staff) -> None:
        rr = self.pick_rr(pick, "inspected", "received")
        app, rr_id = self.app, rr.id
        item_ids = [i.id for i in rr.items]
        n = min(staff, parallel(3, 2))

        def support(i, barrier):
            with app.app_context():
                mine = db.session.get(ReturnRequest, rr_id)
                items = [db.session.get(ReturnItem, item_id) for item_id in item_ids]
                barrier.wait()
                done = 0
                for item in items:
                    try:
                        resolve.issue_refund(mine, item, actor=f"support-{i}")
                        db.session.commit()
                        done += 1
                    except DomainError:
                        db.session.rollback()
                db.session.remove()
                return done

        before = db.session.scalar(select(db.func.count()).select_from(Refund))
        results = race(n, support)
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, errors
        db.session.expire_all()
        after = db.session.scalar(select(db.func.count()).select_from(Refund))
        assert after - before == sum(results) <= len(item_ids)

    @precondition(lambda self: self.rrs)
    @rule(pick=PICK)
    def ship_exchange(self, pick) -> None:
        rr = self.pick_rr(pick, "inspected", "label_issued", "in_transit")
        for item in rr.items:
            self.attempt(resolve.ship_exchange, rr, item, actor_type="staff", actor="support")

    @precondition(lambda self: self.rrs)
    @rule(pick=PICK)
    def send_back(self, pick) -> None:
        rr = self.pick_rr(pick, "inspected")
        for item in rr.items:
            self.attempt(resolve.reject_item, rr, item, actor="support")

    @precondition(lambda self: self.rrs)
    @rule(pick=PICK, grade=st.sampled_from("AB"))
    def advance(self, pick, grade) -> None:
        """The next ordinary step of a return that is not finished, so that long paths
        (receipt, diagnosis, refunds, exchanges) are walked as often as short ones."""
        rr = self.pick_rr(pick, "requested", "label_issued", "in_transit", "received", "inspected")
        if rr.status == "requested":
            self.attempt(issue_label, rr)
        elif rr.status in ("label_issued", "in_transit"):
            quantities = {item.id: item.quantity for item in rr.items}
            self.attempt(warehouse.receive_parcel, rr, quantities, actor="warehouse")
        elif rr.status == "received":
            grades = {i.id: (grade, "", "") for i in rr.items if i.received_quantity}
            self.attempt(warehouse.diagnose, rr, grades, actor="warehouse")
        else:
            for item in rr.items:
                if item.outcome == "exchange":
                    self.attempt(resolve.ship_exchange, rr, item, actor_type="staff")
                elif item.outcome in ("refund", "store_credit"):
                    self.attempt(resolve.issue_refund, rr, item, actor="support")

    # -- e-mail ----------------------------------------------------------------------

    @rule(crash=st.sampled_from(["none", "smtp_fails", "worker_dies", "dies_after_sending"]))
    def deliver_mail(self, crash) -> None:
        if crash == "none":
            outbox.deliver_due()
        elif crash == "smtp_fails":
            real = self.app.config["SMTP_URL"]
            self.app.config["SMTP_URL"] = "smtp://127.0.0.1:9?timeout=0.2"  # nobody listens
            try:
                outbox.deliver_due()
            finally:
                self.app.config["SMTP_URL"] = real
        else:
            claimed = outbox._claim(3)  # the worker took a batch …
            if crash == "dies_after_sending":
                for row_id in claimed[:1]:  # … sent one, and died before marking it
                    row = db.session.get(OutboxMessage, row_id)
                    outbox.send_raw(row.recipient, outbox.message_bytes(row))
            db.session.rollback()

    @rule()
    def time_passes(self) -> None:
        """Leases and backoffs run out."""
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status != "sent")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()

    # -- after every step ------------------------------------------------------------

    @invariant()
    def invariants_hold(self) -> None:
        self.steps += 1
        broken = violations()
        assert not broken, "\n".join(broken)

    def teardown(self) -> None:
        """In the end every e-mail goes out."""
        if self.app is None:
            return
        self.time_passes()
        outbox.deliver_due(limit=10_000)
        db.session.expire_all()
        left = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status != "sent"))
        assert list(left) == []
        self.done["refund"] += db.session.scalar(select(db.func.count()).select_from(Refund))
        self.done["returns"] += len(self.rrs)
        self.counter.add(1, steps=self.steps, **self.done)


def test_lifecycle_model(app, mailbox, attempts):
    from hypothesis.stateful import run_state_machine_as_test

    Lifecycle.app, Lifecycle.counter = app, attempts
    examples = rounds(default=4, scale=0.5)
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=examples,
            stateful_step_count=40,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )

"""When we are late, the customer hears it from us first: one apology per cause, true when
sent, in their language; by policy an automatic store credit, audited as `system`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, LateNotice, StoreCredit
from portal.services import resolve, warehouse
from tests.followup.kit import follow_up, held, later, mails, received, text_of


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LATE_GOODWILL": 0}


def test_a_missed_refund_promise_sends_one_apology(app, factory, mailbox):
    rr = received(factory, locale="en")
    assert follow_up(later(rr.received_at, hours=1))["refund_late"] == 0
    assert mails(mailbox, rr.contact_email, "late_refund") == []

    now = later(rr.received_at, days=5)  # past two working days whatever the weekday
    assert follow_up(now)["refund_late"] == 1
    assert follow_up(now)["refund_late"] == 0  # a second run sends nothing
    assert follow_up(later(now, days=3))["refund_late"] == 0
    [mail] = mails(mailbox, rr.contact_email, "late_refund")
    assert mail["Subject"] == f"Your return {rr.rma}: we are late, sorry"
    text = text_of(mail)
    assert "We are late." in text and "What happens next" in text
    assert "store credit of" not in text  # LATE_GOODWILL is 0: no gesture promised
    assert db.session.scalar(select(StoreCredit.id)) is None
    [notice] = db.session.scalars(select(LateNotice)).all()
    assert (notice.return_id, notice.cause, notice.goodwill_amount) == (rr.id, "refund_late", 0)


def test_nothing_is_sent_once_the_return_is_settled(app, factory, mailbox):
    rr = received(factory, resolution="store_credit")
    [item] = rr.items
    warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w@example.fr")
    resolve.issue_refund(rr, item, actor="s@example.fr")
    db.session.commit()
    assert follow_up(later(rr.received_at, days=6))["refund_late"] == 0
    assert mails(mailbox, rr.contact_email, "late_refund") == []


def test_a_label_stuck_at_the_carrier(app, factory, mailbox):
    rr = factory.return_(with_label=False, locale="fr")
    assert follow_up(later(rr.created_at, hours=23))["label_stuck"] == 0
    assert follow_up(later(rr.created_at, hours=25))["label_stuck"] == 1
    assert follow_up(later(rr.created_at, hours=50))["label_stuck"] == 0
    [mail] = mails(mailbox, rr.contact_email, "late_label")
    assert mail["Subject"] == f"Votre retour {rr.rma} : votre étiquette a du retard, désolés"
    text = text_of(mail)
    assert "le transporteur n’a pas encore émis l’étiquette" in text
    assert "Vous n’avez rien à faire" in text


def test_a_parcel_held_at_a_point_for_days(app, factory, mailbox):
    rr = factory.return_(locale="en")
    since = later(rr.created_at, hours=2)
    held(rr, since, location="Tabac de la Roquette, Paris")
    assert follow_up(later(since, days=2))["held_at_point"] == 0
    assert follow_up(later(since, days=4))["held_at_point"] == 1
    assert follow_up(later(since, days=5))["held_at_point"] == 0
    [mail] = mails(mailbox, rr.contact_email, "late_held")
    text = text_of(mail)
    assert "(Tabac de la Roquette, Paris)" in text
    assert "We will e-mail you as soon as the parcel reaches us." in text


def test_a_parcel_that_moved_on_is_not_held(app, factory, mailbox):
    rr = factory.return_(locale="en")
    since = later(rr.created_at, hours=2)
    held(rr, since)
    [item] = rr.items
    warehouse.receive_parcel(rr, {item.id: 1}, actor="w@example.fr")
    db.session.commit()
    assert follow_up(later(since, days=4))["held_at_point"] == 0
    assert mails(mailbox, rr.contact_email, "late_held") == []


class TestGoodwill:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "LATE_GOODWILL": 500}

    def test_by_policy_an_automatic_credit_audited_as_system(self, app, factory, mailbox):
        rr = received(factory, locale="en")
        follow_up(later(rr.received_at, days=5))
        follow_up(later(rr.received_at, days=6))
        [credit] = db.session.scalars(select(StoreCredit)).all()
        assert (credit.kind, credit.initial_amount, credit.return_id) == ("goodwill", 500, rr.id)
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.return_id == rr.id, AuditEvent.actor == "followup")
        ).all()
        assert sorted((e.action, e.actor_type) for e in events) == [
            ("goodwill_gesture", "system"),
            ("late_notice_sent", "system"),
        ]
        [mail] = mails(mailbox, rr.contact_email, "late_refund")
        text = text_of(mail)
        assert "we have added store credit of €5.00 for you" in text
        assert f"Your code: {credit.code}" in text
        # the apology states the gesture: no second e-mail about it
        assert mails(mailbox, rr.contact_email, "goodwill") == []

    def test_each_cause_once_each_with_its_gesture(self, app, factory, mailbox):
        rr = factory.return_(locale="fr")
        since = later(rr.created_at, hours=1)
        held(rr, since)
        follow_up(later(since, days=4))
        [item] = rr.items
        warehouse.receive_parcel(rr, {item.id: 1}, actor="w@example.fr")
        db.session.commit()
        follow_up(later(rr.received_at, days=5))
        causes = db.session.scalars(select(LateNotice.cause).order_by(LateNotice.id)).all()
        assert causes == ["held_at_point", "refund_late"]
        assert db.session.query(StoreCredit).count() == 2
        assert len(mails(mailbox, rr.contact_email, "late_held")) == 1
        assert len(mails(mailbox, rr.contact_email, "late_refund")) == 1
        assert "5,00 €" in text_of(mails(mailbox, rr.contact_email, "late_refund")[0])


def test_the_cron_command_is_idempotent(app, factory, mailbox, runner):
    rr = received(factory, locale="en")
    when = later(rr.received_at, days=5).isoformat()
    first = runner.invoke(args=["followup", "run", "--now", when, "--deliver"])
    assert first.exit_code == 0, first.output
    assert "refund_late 1" in first.output
    second = runner.invoke(args=["followup", "run", "--now", when, "--deliver"])
    assert "refund_late 0" in second.output
    assert len(mails(mailbox, rr.contact_email, "late_refund")) == 1
    bad = runner.invoke(args=["followup", "run", "--now", "yesterday"])
    assert bad.exit_code != 0 and "ISO" in bad.output

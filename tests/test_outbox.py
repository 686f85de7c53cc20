"""The outbox: e-mails written in the request's transaction, delivered after commit,
retried with backoff when the SMTP server fails, never lost."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.base import utcnow
from portal.outbox import backoff, deliver_due


def make_return(factory, **kwargs):
    return factory.return_(**kwargs)


def test_email_is_delivered_to_smtp_after_commit(app, factory, mailbox):
    rr = make_return(factory)
    assert mailbox.messages == []  # queued, not sent inside the transaction
    assert deliver_due() == (1, 0)
    (mail,) = mailbox.to(rr.contact_email)
    assert rr.rma in mail["Subject"]
    row = db.session.query(OutboxMessage).one()
    assert row.status == "sent" and row.sent_at is not None


def test_rolled_back_request_sends_nothing(app, factory, mailbox):
    from portal.notifications import notify

    rr = make_return(factory, with_label=False)
    notify(rr, "cancelled")
    db.session.rollback()
    assert deliver_due() == (0, 0)
    assert mailbox.messages == []


@pytest.fixture
def broken_smtp(app):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:1?timeout=1"  # nothing listens there
    yield
    app.config["SMTP_URL"] = app.config["TEST_SMTP_URL"]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TEST_SMTP_URL": app_config["SMTP_URL"]}


def test_failure_keeps_the_message_and_retries_later(app, factory, mailbox, broken_smtp):
    make_return(factory)
    assert deliver_due() == (0, 1)
    row = db.session.query(OutboxMessage).one()
    assert row.status == "pending" and row.attempts == 1
    assert "ConnectionRefused" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert deliver_due() == (0, 0)  # not due yet


def test_message_is_sent_once_the_server_is_back(app, factory, mailbox, broken_smtp):
    rr = make_return(factory)
    deliver_due()
    app.config["SMTP_URL"] = app.config["TEST_SMTP_URL"]
    row = db.session.query(OutboxMessage).one()
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deliver_due() == (1, 0)
    assert len(mailbox.to(rr.contact_email)) == 1


def test_backoff_grows_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30) == timedelta(hours=1)


def test_a_crashed_worker_lease_runs_out_and_the_message_is_sent(app, factory, mailbox):
    rr = make_return(factory)
    row = db.session.query(OutboxMessage).one()
    row.status = "sending"  # a worker claimed it, then died
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deliver_due() == (1, 0)
    assert len(mailbox.to(rr.contact_email)) == 1


def test_worker_command_delivers(app, runner, factory, mailbox):
    rr = make_return(factory)
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    assert mailbox.kinds(rr.contact_email) == ["confirmation"]


def test_without_smtp_mail_is_written_as_eml_and_listed_in_debug(app_config, tmp_path):
    from portal import create_app
    from tests.factories import Factory

    app = create_app({**app_config, "SMTP_URL": None, "DEV_MAIL_PAGE": True})
    with app.app_context():
        if "sqlite" in app.config["SQLALCHEMY_DATABASE_URI"]:
            db.create_all()
        rr = Factory().return_()
        deliver_due()
        (eml,) = (tmp_path / "mail").glob("*.eml")
        message = message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert rr.rma in message["Subject"]
        client = app.test_client()
        page = client.get("/dev/mail/").get_data(as_text=True)
        assert rr.rma in page
        assert client.get(f"/dev/mail/{eml.name}").status_code == 200


def test_dev_mail_page_is_absent_outside_debug(client):
    assert client.get("/dev/mail/").status_code == 404


def test_mail_leaves_once_the_body_is_sent_even_if_the_server_never_closes(
    client, factory, mailbox
):
    """werkzeug's dev server skips close() when the browser resets the connection."""
    order = factory.order()
    rr = factory.return_(order, with_label=False)
    db.session.commit()
    from portal.links import status_path

    response = client.post(status_path(rr) + "/cancel", data={"confirm": "yes"}, buffered=False)
    assert mailbox.to(rr.contact_email) == []  # nothing sent before the body went out
    b"".join(response.response)  # the server writes the body, and never calls close()
    assert mailbox.kinds(rr.contact_email) == ["cancelled"]


# -- built by the worker, claimed once, one connection per batch (issue 16) ------------------


def queue_many(factory, count: int):
    from portal.notifications import notify

    rr = make_return(factory)
    deliver_due()
    for _ in range(count):
        notify(rr, "in_transit")
    db.session.commit()
    return rr


def test_the_request_stores_what_the_mail_says_and_the_worker_builds_it(app, factory, mailbox):
    rr = make_return(factory)
    row = db.session.query(OutboxMessage).one()
    assert row.raw is None  # no MIME, no PDF in the request's transaction
    assert (row.kind, row.locale, row.context["rma"]) == ("confirmation", "fr", rr.rma)
    assert row.context["label"]["id"] == rr.current_label.id
    assert row.context["summary"]["items"][0]["name"] == "TEE shirt (Blue · M)"
    assert deliver_due() == (1, 0)
    (mail,) = mailbox.to(rr.contact_email)
    attachment, slip = mail.iter_attachments()
    assert attachment.get_content() == rr.current_label.pdf
    assert slip.get_filename() == f"return-slip-{rr.rma}.pdf"


def test_a_message_the_worker_cannot_build_is_failed_with_the_reason(app, factory, mailbox):
    rr = make_return(factory)
    row = db.session.query(OutboxMessage).one()
    row.context = {**row.context, "label": {"id": 999_999}}  # the label row is gone
    db.session.commit()
    assert deliver_due() == (0, 1)
    db.session.expire_all()
    row = db.session.query(OutboxMessage).one()
    assert row.status == "failed" and "cannot be built" in row.last_error
    assert mailbox.to(rr.contact_email) == []
    from portal.outbox import undelivered

    assert [r.id for r, _rr in undelivered()] == [row.id]
    assert deliver_due() == (0, 0)  # never retried blindly, never sent half-built


def test_one_smtp_connection_per_batch(app, factory, mailbox, monkeypatch):
    from portal import outbox

    rr = queue_many(factory, 5)
    connections = []
    real = outbox._connect
    monkeypatch.setattr(outbox, "_connect", lambda url: connections.append(url) or real(url))
    assert deliver_due() == (5, 0)
    assert len(connections) == 1
    assert mailbox.kinds(rr.contact_email) == ["confirmation"] + ["in_transit"] * 5


def test_the_loop_does_not_sleep_after_a_full_batch(app, runner, factory, mailbox, monkeypatch):
    import portal.commands.outbox as command

    rr = queue_many(factory, 5)
    mailbox.clear()
    seen_at_first_sleep = []

    def sleep(seconds):
        seen_at_first_sleep.append(len(mailbox.to(rr.contact_email)))
        raise KeyboardInterrupt

    monkeypatch.setattr(command.time, "sleep", sleep)
    result = runner.invoke(args=["outbox", "deliver", "--loop", "--batch", "2"])
    assert "sent 2, failed 0\nsent 2, failed 0\nsent 1, failed 0" in result.output
    assert seen_at_first_sleep == [5]  # rounds of 2, 2, then 1: the only wait is after it


def test_two_workers_on_sqlite_never_send_one_message_twice(app, factory, mailbox):
    """The claim is one UPDATE under the database's write lock: no duplicate, even where
    FOR UPDATE SKIP LOCKED does nothing."""
    import threading

    rr = queue_many(factory, 30)
    mailbox.clear()
    barrier = threading.Barrier(2)
    totals: list = []

    def worker():
        with app.app_context():
            barrier.wait()
            total = 0
            while True:
                sent, failed = deliver_due(limit=7)
                total += sent
                if not sent and not failed:
                    break
            db.session.remove()
            totals.append(total)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(totals) == 30 and len(totals) == 2
    message_ids = [m["Message-ID"] for m in mailbox.to(rr.contact_email)]
    assert len(message_ids) == 30 == len(set(message_ids))
    assert {row.status for row in db.session.query(OutboxMessage)} == {"sent"}


def test_a_claim_that_overlaps_another_takes_other_rows(app, factory):
    """Worker B claims at the very moment worker A's claim statement is about to run:
    each gets its own rows (a select-then-update claim would hand both the same ones)."""
    import threading

    from sqlalchemy import event

    from portal import outbox

    queue_many(factory, 6)
    db.session.execute(update_all_due())
    db.session.commit()
    other: list[int] = []
    armed = [True]

    def claim_in_between(conn, cursor, statement, params, context, executemany):
        if armed[0] and statement.lstrip().upper().startswith("UPDATE OUTBOX"):
            armed[0] = False

            def worker_b():
                with app.app_context():
                    other.extend(outbox._claim(4))
                    db.session.remove()

            thread = threading.Thread(target=worker_b)
            thread.start()
            thread.join(30)

    event.listen(db.engine, "before_cursor_execute", claim_in_between)
    try:
        mine = outbox._claim(4)
    finally:
        event.remove(db.engine, "before_cursor_execute", claim_in_between)
    assert other and mine  # 6 due (the confirmation was sent): each worker got some …
    assert set(mine).isdisjoint(other)  # … and never the same
    assert len(mine) + len(other) == 6


def update_all_due():
    from sqlalchemy import update

    return update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))

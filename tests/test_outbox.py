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

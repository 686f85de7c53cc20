"""'Ask a question' on the status page: the thread above the form, the promise, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.extensions import db
from portal.links import status_path
from portal.models import Message, Thread
from tests.htmlkit import page


def _ask(client, rr, body, **kwargs):
    return client.post(status_path(rr) + "/ask", data={"body": body}, **kwargs)


def test_the_status_page_offers_the_form_and_says_the_promise(client, factory):
    rr = factory.return_()
    shown = page(client.get(status_path(rr)))
    form = shown.form_posting_to(status_path(rr) + "/ask")
    assert "body" in form.values()
    assert "We answer within 12 working hours (Monday to Friday, 9:00 to 18:00)." in shown.text
    assert "Ask a question" in shown.text


def test_a_question_lands_in_the_thread_with_the_promised_time(client, factory):
    rr = factory.return_()
    response = _ask(client, rr, "The parcel is ready.\nCan I drop it off on Sunday?")
    assert response.status_code == 302
    shown = page(client.get(response.headers["Location"]))
    assert "Thank you. We answer within 12 working hours, by " in shown.text
    thread = shown.by_id("thread-messages")
    assert "The parcel is ready." in thread and "Can I drop it off on Sunday?" in thread
    assert "You" in thread
    assert "We will answer by" in shown.by_id("reply-due")
    stored = db.session.scalars(db.select(Message)).all()
    assert [(m.author, m.source, m.body) for m in stored] == [
        ("customer", "web", "The parcel is ready.\nCan I drop it off on Sunday?")
    ]


def test_the_promised_time_is_in_working_hours(client, factory, monkeypatch):
    friday_5pm_paris = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
    monkeypatch.setattr("portal.conversation.threads.utcnow", lambda: friday_5pm_paris)
    rr = factory.return_()
    response = _ask(client, rr, "Hello?")
    shown = page(client.get(response.headers["Location"]))
    assert "by Tuesday 8 December, 11:00." in shown.text


def test_french_customers_read_french(client, factory):
    rr = factory.return_()
    response = _ask(client, rr, "Bonjour", headers={"Accept-Language": "fr"})
    shown = page(client.get(response.headers["Location"], headers={"Accept-Language": "fr"}))
    assert "Poser une question" in shown.text
    assert "Merci. Nous répondons sous 12 heures ouvrées, d’ici " in shown.text


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("   \n  ", "Please write your message."),
        ("x" * 2001, "Your message is too long: 2000 characters at most."),
    ],
)
def test_bad_input_is_refused_plainly_and_changes_nothing(client, factory, body, says):
    rr = factory.return_()
    response = _ask(client, rr, body)
    assert response.status_code == 302
    assert says in page(client.get(response.headers["Location"])).text
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0


def test_a_forged_link_finds_nothing(client, factory):
    factory.return_()
    assert client.post("/r/not-a-token/ask", data={"body": "hi"}).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0


class TestGuards:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": True,
            "QUESTION_RATE_LIMIT": "2 per minute",
        }

    def test_without_the_csrf_token_nothing_is_taken(self, client, factory):
        rr = factory.return_()
        assert _ask(client, rr, "hello").status_code == 400
        assert db.session.scalar(db.select(db.func.count(Message.id))) == 0

    def test_questions_are_rate_limited(self, client, factory):
        rr = factory.return_()
        form = page(client.get(status_path(rr))).form_posting_to(status_path(rr) + "/ask")
        codes = []
        for n in range(3):
            data = {**form.values(), "body": f"question {n}"}
            codes.append(client.post(status_path(rr) + "/ask", data=data).status_code)
        assert codes == [302, 302, 429]
        assert db.session.scalar(db.select(db.func.count(Message.id))) == 2


def test_old_questions_still_show_in_order(client, factory):
    rr = factory.return_()
    factory.question(rr, "first", created_at=datetime.now(UTC) - timedelta(days=2))
    factory.question(rr, "second")
    text = page(client.get(status_path(rr))).by_id("thread-messages")
    assert text.index("first") < text.index("second")


def test_a_missed_promise_is_owned_up_to(client, factory):
    rr = factory.return_()
    factory.question(rr, "Hello?", created_at=datetime.now(UTC) - timedelta(days=9))
    shown = page(client.get(status_path(rr)))
    assert "We are late in answering you, sorry: we answer as soon as we can." in shown.text
    assert "We will answer by" not in shown.text

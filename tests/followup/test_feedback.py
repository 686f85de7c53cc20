"""After the last step: one e-mail asks "Did everything go well?" with five signed links;
a link opens a page (nothing recorded), its "Send" records the rating; the last rating
counts until a comment is sent; bad or late answers get a clear message and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Feedback
from tests.followup.kit import follow_up, later, links_of, mails, resolved, text_of
from tests.htmlkit import page


@pytest.fixture
def app_config(app_config):
    return {**app_config, "FEEDBACK_DELAY_HOURS": 24}


def asked(factory, mailbox, locale="en"):
    rr = resolved(factory, locale=locale)
    follow_up(later(rr.resolved_at, hours=25))
    [mail] = mails(mailbox, rr.contact_email, "feedback")
    return rr, mail


def path(url: str) -> str:
    return url.removeprefix("http://portal.test")


def stored(rr) -> Feedback:
    db.session.expire_all()
    return db.session.scalar(select(Feedback).where(Feedback.return_id == rr.id))


def test_one_question_once_the_money_has_left(app, factory, mailbox):
    rr = resolved(factory, locale="en")
    assert follow_up(later(rr.resolved_at, hours=23))["feedback"] == 0
    assert follow_up(later(rr.resolved_at, hours=25))["feedback"] == 1
    assert follow_up(later(rr.resolved_at, days=9))["feedback"] == 0
    [mail] = mails(mailbox, rr.contact_email, "feedback")
    assert mail["Subject"] == f"Your return {rr.rma}: did everything go well?"
    assert "Did everything go well?" in text_of(mail)
    assert sorted(links_of(mail)) == [1, 2, 3, 4, 5]
    assert stored(rr).status == "asked"


def test_not_asked_while_the_refund_is_not_paid(app, factory, mailbox):
    rr = resolved(factory, locale="en", pay=False)  # approved, the money has not left
    assert follow_up(later(rr.created_at, days=10))["feedback"] == 0
    assert mails(mailbox, rr.contact_email, "feedback") == []


def test_the_question_in_french(app, factory, mailbox):
    rr, mail = asked(factory, mailbox, locale="fr")
    assert mail["Subject"] == f"Votre retour {rr.rma} : tout s’est-il bien passé ?"
    text = text_of(mail)
    assert "5 — excellent" in text and "1 — très mauvais" in text


def test_a_link_shows_the_rating_chosen_and_records_nothing(app, factory, mailbox, client):
    rr, mail = asked(factory, mailbox)
    response = client.get(path(links_of(mail)[4]), headers={"Accept-Language": "en"})
    assert response.status_code == 200
    shown = page(response)
    assert "Did everything go well?" in shown.text
    form = shown.form_posting_to(f"/feedback/{path(links_of(mail)[4]).split('/')[2]}")
    assert form.values()["rating"] == "4"
    assert stored(rr).status == "asked" and stored(rr).rating is None  # a GET never writes


def test_rate_change_then_comment_then_nothing_changes(app, factory, mailbox, client):
    rr, mail = asked(factory, mailbox)
    token = path(links_of(mail)[1]).split("/")[2]
    send = f"/feedback/{token}"
    client.post(send, data={"rating": "2"}, headers={"Accept-Language": "en"})
    assert (stored(rr).status, stored(rr).rating) == ("rated", 2)
    response = client.post(
        send, data={"rating": "4"}, headers={"Accept-Language": "en"}, follow_redirects=True
    )
    assert "Thank you: we have your answer." in page(response).text
    assert "Your rating: 4 out of 5." in page(response).text
    assert (stored(rr).status, stored(rr).rating) == ("rated", 4)
    client.post(send, data={"rating": "5", "comment": "  Quick and kind.  "})
    assert (stored(rr).status, stored(rr).rating, stored(rr).comment) == (
        "commented",
        5,
        "Quick and kind.",
    )
    late = client.post(
        send, data={"rating": "1", "comment": "changed"}, headers={"Accept-Language": "en"}
    )
    assert late.status_code == 409
    assert "can no longer be changed" in page(late).text
    assert (stored(rr).rating, stored(rr).comment) == (5, "Quick and kind.")
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.return_id == rr.id, AuditEvent.actor_type == "customer"
        )
    ).all()
    assert actions.count("feedback_received") == 3


@pytest.mark.parametrize("rating", ["", "0", "6", "abc", "4.5", "-1"])
def test_a_bad_rating_is_refused_plainly(app, factory, mailbox, client, rating):
    rr, mail = asked(factory, mailbox)
    token = path(links_of(mail)[3]).split("/")[2]
    response = client.post(
        f"/feedback/{token}", data={"rating": rating}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in page(response).text
    assert (stored(rr).status, stored(rr).rating) == ("asked", None)


def test_a_comment_too_long_is_refused(app, factory, mailbox, client):
    rr, mail = asked(factory, mailbox, locale="fr")
    token = path(links_of(mail)[3]).split("/")[2]
    response = client.post(
        f"/feedback/{token}",
        data={"rating": "3", "comment": "x" * 1001},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 400
    assert "moins de 1000 caractères" in page(response).text
    assert stored(rr).status == "asked"


def test_a_forged_or_status_token_is_not_a_feedback_link(app, factory, mailbox, client):
    rr, mail = asked(factory, mailbox)
    status_token = path(rr and mail.get_body(("plain",)).get_content().split("/r/")[1].split()[0])
    assert client.get(f"/feedback/{status_token}/5").status_code == 404
    assert client.post(f"/feedback/{status_token}", data={"rating": "5"}).status_code == 404
    assert client.get("/feedback/not-a-token/5").status_code == 404
    assert stored(rr).status == "asked"


def test_an_out_of_range_link_shows_the_page_without_a_choice(app, factory, mailbox, client):
    rr, mail = asked(factory, mailbox)
    token = path(links_of(mail)[3]).split("/")[2]
    response = client.get(f"/feedback/{token}/9")
    assert response.status_code == 200
    assert page(response).form_posting_to(f"/feedback/{token}").values().get("rating") is None


class TestGuards:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "FEEDBACK_DELAY_HOURS": 0,
            "WTF_CSRF_ENABLED": True,
        }

    def test_a_post_without_the_pages_token_changes_nothing(self, app, factory, mailbox, client):
        rr, mail = asked(factory, mailbox)
        token = path(links_of(mail)[5]).split("/")[2]
        response = client.post(f"/feedback/{token}", data={"rating": "5"}, headers=EN)
        assert response.status_code == 400
        assert "The form may have expired" in page(response).text  # the app's CSRF page
        assert stored(rr).status == "asked"
        # the page's own form carries its token: sending it works
        form = page(client.get(path(links_of(mail)[5]), headers=EN)).form_posting_to(
            f"/feedback/{token}"
        )
        ok = client.post(f"/feedback/{token}", data=form.values(), headers=EN)
        assert ok.status_code in (302, 303)
        assert (stored(rr).status, stored(rr).rating) == ("rated", 5)


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "FEEDBACK_DELAY_HOURS": 0,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOOKUP_RATE_LIMIT": "3 per minute",
        }

    def test_posts_are_rate_limited(self, app, factory, mailbox, client):
        rr, mail = asked(factory, mailbox)
        token = path(links_of(mail)[5]).split("/")[2]
        codes = [
            client.post(f"/feedback/{token}", data={"rating": "5"}).status_code for _ in range(4)
        ]
        assert codes == [302, 302, 302, 429]
        assert (
            "Too many attempts"
            in page(client.post(f"/feedback/{token}", data={"rating": "1"}, headers=EN)).text
        )
        assert stored(rr).rating == 5  # the refused ones changed nothing


EN = {"Accept-Language": "en"}

"""Staff see the customer's answer on the return, and the insights page (support and
admin): ratings distribution and average over a period, recent comments, apologies sent by
cause, goodwill given automatically."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models.base import utcnow
from portal.services import feedback
from tests.followup.kit import follow_up, held, later, received, resolved
from tests.htmlkit import page

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LATE_GOODWILL": 300, "FEEDBACK_DELAY_HOURS": 0}


def cells(shown, row_id: str) -> list[str]:
    return [td.get_text(" ", strip=True) for td in shown.soup.select(f"#{row_id} td")]


def answered(factory, rating: int, comment: str = "", email: str = "anne@example.fr"):
    rr = resolved(factory, locale="en", email=email)
    feedback.ask(rr)
    feedback.answer(rr, rating, comment)
    db.session.commit()
    return rr


def test_the_return_page_shows_the_rating_and_comment(app, factory, auth, client):
    rr = answered(factory, 4, "Fast, thank you")
    auth.login("warehouse")
    shown = page(client.get(f"/staff/returns/{rr.rma}", headers=EN))
    assert shown.by_id("feedback-status") == "Customer's opinion: Rated, with a comment"
    assert shown.by_id("feedback-rating") == "Rating: 4 — good"
    assert shown.by_id("feedback-comment") == "Fast, thank you"
    french = page(client.get(f"/staff/returns/{rr.rma}", headers=FR))
    assert "Note : 4 — bien" in french.by_id("feedback-rating")


def test_the_return_page_lists_the_apologies_sent(app, factory, auth, client):
    rr = received(factory, locale="en")
    follow_up(later(rr.received_at, days=5))
    auth.login("warehouse")
    shown = page(client.get(f"/staff/returns/{rr.rma}", headers=EN))
    notices = shown.by_id("return-late-notices")
    assert "Apology sent: Refund or exchange later than promised" in notices
    assert "automatic gesture €3.00" in notices
    audit = shown.by_id("audit")
    assert "Apology sent: we are late" in audit and "Cause: Refund or exchange later" in audit
    assert "Automatic" in audit  # the actor type "system", in words


def test_insights_for_support(app, factory, auth, client):
    answered(factory, 5, "Perfect", email="a@example.fr")
    answered(factory, 4, email="b@example.fr")
    answered(factory, 1, "Too slow", email="c@example.fr")
    late = received(factory, locale="fr", email="d@example.fr")
    follow_up(later(late.received_at, days=5))
    stuck = factory.return_(factory.order(email="e@example.fr"), with_label=False)
    follow_up(later(stuck.created_at, hours=30))
    parcel = factory.return_(factory.order(email="f@example.fr"))
    held(parcel, utcnow() - timedelta(days=5))
    follow_up(utcnow())
    auth.login("support")
    home = page(client.get("/staff/", headers=EN))
    assert "Insights: ratings, comments, apologies sent" in home.by_id("followup-home")
    assert late.rma in home.by_id("late-notices")
    shown = page(client.get("/staff/insights", headers=EN))
    assert shown.by_id("ratings-average") == "Average: 3.3 out of 5, from 3 answers."
    assert cells(shown, "rating-5")[:2] == ["5 — excellent", "1"]
    assert cells(shown, "rating-3")[:2] == ["3 — fair", "0"]
    assert "Perfect" in shown.by_id("comments") and "Too slow" in shown.by_id("comments")
    assert cells(shown, "cause-refund_late") == ["Refund or exchange later than promised", "1"]
    assert cells(shown, "cause-label_stuck") == ["Label stuck at the carrier", "1"]
    assert cells(shown, "cause-held_at_point") == ["Parcel held at a point", "1"]
    assert "3 gestures, €9.00 in all" in shown.by_id("automatic-goodwill")
    french = page(client.get("/staff/insights?days=7", headers=FR))
    assert french.by_id("ratings-average") == "Moyenne : 3,3 sur 5, sur 3 réponses."
    assert "3 gestes, 9,00 € au total" in french.by_id("automatic-goodwill")


def test_insights_period_leaves_older_answers_out(app, factory, auth, client):
    rr = answered(factory, 2, "Long ago")
    fb = feedback.feedback_of(rr)
    fb.rated_at = utcnow() - timedelta(days=40)
    db.session.commit()
    auth.login("admin")
    shown = page(client.get("/staff/insights?days=30", headers=EN))
    assert shown.by_id("ratings-average") == "No rating in this period."
    assert "Long ago" not in shown.text
    wider = page(client.get("/staff/insights?days=90", headers=EN))
    assert "Long ago" in wider.by_id("comments")
    odd = client.get("/staff/insights?days=abc", headers=EN)
    assert odd.status_code == 200  # an unknown period falls back to 30 days


def test_insights_is_for_support_and_admin(app, factory, auth, client):
    assert client.get("/staff/insights").status_code in (302, 401)
    auth.login("warehouse")
    assert client.get("/staff/insights").status_code == 403
    home = page(client.get("/staff/", headers=EN))
    assert "Insights" not in home.by_id("followup-home")

"""Browsers for the campaign: each a test client with its own cookie, in English."""

from __future__ import annotations

from tests.customer.pagekit import item_fields, to_review
from tests.factories import PASSWORD


def customer_at_review(app, order, point, **choice):
    """A new browser that found `order`, chose its first line and a relay point, and is
    looking at the review page."""
    client = app.test_client()
    client.get("/lang/en")
    to_review(client, order, point, item_fields(order.lines[0], **choice))
    assert client.get("/return/review").status_code == 200
    return client


def staff_browser(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    return client

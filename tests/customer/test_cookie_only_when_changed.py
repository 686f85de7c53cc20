"""The session cookie is written only when the session changed: a customer's pages read
the journey from it without re-signing it (or clearing a staff remember cookie), while a
staff login keeps Flask-Login's "strong" session protection."""

from __future__ import annotations

from tests.customer.pagekit import lookup, page
from tests.factories import PASSWORD


def test_reading_the_journey_writes_no_cookie(en, shop):
    found = lookup(en, shop.order)
    assert any(c.startswith("session=") for c in found.headers.getlist("Set-Cookie"))
    for path in ("/return/items", "/", "/return/items"):
        response = en.get(path)
        assert response.status_code == 200, path
        assert response.headers.getlist("Set-Cookie") == [], path
    shown = page(en.get("/return/items"))  # the journey still goes on
    assert shown.control(f"item-{shop.line.id}-quantity") is not None


def test_a_staff_session_from_another_browser_is_still_logged_out(client, factory):
    user = factory.staff("warehouse")
    client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert client.get("/staff/").status_code == 200
    moved = client.get("/staff/", headers={"User-Agent": "another browser"})
    assert moved.status_code == 302
    assert "/staff/login" in moved.headers["Location"]

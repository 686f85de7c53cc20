"""Staff login: a fresh session, one message for any mistake, expiry, disabling."""

from __future__ import annotations

import time

from portal.extensions import db
from portal.models import StaffUser
from tests.factories import PASSWORD
from tests.staff.staffkit import page


def login(client, email, password=PASSWORD, next_=None):
    url = "/staff/login" + (f"?next={next_}" if next_ else "")
    return client.post(url, data={"email": email, "password": password})


def test_login_page_has_labelled_fields(client):
    text = page(client.get("/staff/login"))
    assert {"email", "password"} <= text.page.label_for
    assert text.page.unlabelled_controls() == []
    assert "Log in" in text


def test_login_renews_the_session_and_opens_the_home(client, factory):
    user = factory.staff("warehouse")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = login(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:{user.session_version}"
        assert session["login_at"] == session["seen_at"]
    assert "Queues" in page(client.get("/staff/"))


def test_wrong_email_and_wrong_password_look_the_same(client, factory):
    user = factory.staff("support")
    wrong_email = login(client, "nobody@shop.test")
    wrong_password = login(client, user.email, "not the password")
    assert wrong_email.status_code == wrong_password.status_code == 401
    assert "Wrong e-mail or password." in page(wrong_email)
    assert page(wrong_email).replace("nobody@shop.test", user.email) == page(wrong_password)
    assert client.get("/staff/").status_code == 302


def test_email_is_not_case_sensitive(client, factory):
    user = factory.staff("warehouse")
    assert login(client, user.email.upper()).status_code == 302


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/staff/scan")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=/staff/scan")


def test_next_goes_back_to_the_page_but_never_off_site(client, factory):
    user = factory.staff("warehouse")
    assert login(client, user.email, next_="/staff/scan").headers["Location"] == "/staff/scan"
    client.post("/staff/logout")
    response = login(client, user.email, next_="https://evil.example/")
    assert response.headers["Location"] == "/staff/"


def test_logout_ends_the_session(client, auth):
    auth.login("warehouse")
    assert client.get("/staff/").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/staff/").status_code == 302


def test_idle_for_an_hour_logs_out(client, auth):
    auth.login("warehouse")
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 3601
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_sessions_end_after_eight_hours_even_when_active(client, auth):
    auth.login("warehouse")
    with client.session_transaction() as session:
        session["login_at"] = time.time() - 8 * 3600 - 1
        session["seen_at"] = time.time()
    assert client.get("/staff/").status_code == 302


def test_disabling_an_account_logs_it_out_everywhere(app, client, auth, factory):
    user = factory.staff("support")
    laptop, phone = app.test_client(), app.test_client()
    assert login(laptop, user.email).status_code == 302
    assert login(phone, user.email).status_code == 302
    auth.login("admin")
    client.post(f"/staff/users/{user.id}/disable")
    assert laptop.get("/staff/").status_code == 302
    assert phone.get("/staff/").status_code == 302
    assert login(laptop, user.email).status_code == 401
    db.session.expire_all()
    assert db.session.get(StaffUser, user.id).active is False

"""Staff management, for admins: list, create, disable."""

from __future__ import annotations

from portal.extensions import db
from portal.models import StaffUser
from tests.staff.staffkit import page


def create(client, email, role="warehouse", password="a long enough password", first_name=""):
    return client.post(
        "/staff/users",
        data={"email": email, "role": role, "password": password, "first_name": first_name},
        follow_redirects=True,
    )


def test_the_first_name_an_account_is_created_with_signs_its_replies(client, auth):
    auth.login("admin")
    text = page(create(client, "camille@example.com", "support", first_name="  Camille  "))
    assert "Camille" in text.page.by_id("staff-list")
    assert db.session.query(StaffUser).filter_by(email="camille@example.com").one().first_name == (
        "Camille"
    )


def test_a_first_name_on_two_lines_is_refused_and_nothing_is_created(client, auth):
    auth.login("admin")
    response = create(client, "x@example.com", first_name="Ca\nmille")
    assert response.status_code == 400
    assert db.session.query(StaffUser).filter_by(email="x@example.com").first() is None


def test_an_admin_creates_an_account_that_can_log_in(app, client, auth):
    auth.login("admin")
    text = page(create(client, "New.Person@Example.com", "support"))
    assert "Account created for new.person@example.com (Support)." in text
    assert "new.person@example.com" in text.page.by_id("staff-list")
    other = app.test_client()
    response = other.post(
        "/staff/login",
        data={"email": "new.person@example.com", "password": "a long enough password"},
    )
    assert response.status_code == 302


def test_a_short_password_or_a_taken_email_is_refused(client, auth):
    admin = auth.login("admin")
    assert "password must be at least 10 characters" in page(
        create(client, "a@example.com", password="short")
    )
    assert "email already has an account" in page(create(client, admin.email))
    assert db.session.query(StaffUser).count() == 1


def test_an_admin_disables_an_account(client, auth, factory):
    auth.login("admin")
    colleague = factory.staff("warehouse")
    text = page(client.post(f"/staff/users/{colleague.id}/disable", follow_redirects=True))
    assert f"{colleague.email} is disabled and logged out everywhere." in text
    db.session.expire_all()
    assert colleague.active is False


def test_an_admin_cannot_disable_themself(client, auth):
    admin = auth.login("admin")
    text = page(client.post(f"/staff/users/{admin.id}/disable", follow_redirects=True))
    assert "You cannot disable your own account." in text
    db.session.expire_all()
    assert admin.active is True

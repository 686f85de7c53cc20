"""Staff sessions end on the server: a copy of the cookie (stolen, or left in another
browser) stops working the moment its owner logs out, is disabled, or changes password."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import StaffUser
from tests.factories import PASSWORD
from tests.staff.staffkit import page as text_of_page

NEW = "a much longer secret"


def _cookie_name(app) -> str:
    return app.config["SESSION_COOKIE_NAME"]


def _logged_in(app, role="support", user=None):
    client = app.test_client()
    user = user or _factory_staff(role)
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client, user


def _factory_staff(role):
    from tests.factories import Factory

    return Factory().staff(role)


def _copy(app, client):
    """A second browser holding the very same session cookie."""
    name = _cookie_name(app)
    cookie = client.get_cookie(name)
    thief = app.test_client()
    thief.set_cookie(name, cookie.value)
    return thief


def _works(client) -> bool:
    response = client.get("/staff/")
    return response.status_code == 200 and "Queues" in text_of_page(response)


def test_a_copied_cookie_works_until_the_owner_logs_out_then_never(app):
    owner, _user = _logged_in(app)
    thief = _copy(app, owner)
    assert _works(thief)  # the copy is a real session...

    assert owner.post("/staff/logout").status_code == 302

    assert not _works(owner)
    response = thief.get("/staff/")
    assert response.status_code == 302  # ...and ends with the owner's logout
    assert response.headers["Location"].startswith("/staff/login")


def test_logging_in_again_after_logout_does_not_revive_the_old_copy(app):
    owner, user = _logged_in(app)
    thief = _copy(app, owner)
    owner.post("/staff/logout")
    again, _ = _logged_in(app, user=user)
    assert _works(again)
    assert not _works(thief)


def test_disabling_an_account_ends_its_sessions_at_once(app):
    victim, user = _logged_in(app, "warehouse")
    copy = _copy(app, victim)
    admin, _ = _logged_in(app, "admin")

    response = admin.post(f"/staff/users/{user.id}/disable", follow_redirects=True)

    assert "is disabled and logged out everywhere" in text_of_page(response)
    assert not _works(victim)
    assert not _works(copy)
    response = victim.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app):
    here, user = _logged_in(app, "warehouse")
    elsewhere = _copy(app, here)
    laptop, _ = _logged_in(app, user=user)

    response = here.post(
        "/staff/password",
        data={"current": PASSWORD, "new": NEW, "confirm": NEW},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "Password changed. Your other sessions are logged out." in text_of_page(response)
    assert _works(here)
    assert not _works(elsewhere)
    assert not _works(laptop)
    old = app.test_client().post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert old.status_code == 401
    new = app.test_client().post("/staff/login", data={"email": user.email, "password": NEW})
    assert new.status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"current": "wrong!", "new": "x" * 12, "confirm": "x" * 12}, "is not your password"),
        ({"current": PASSWORD, "new": "short", "confirm": "short"}, "at least 10 characters"),
        ({"current": PASSWORD, "new": "x" * 12, "confirm": "y" * 12}, "do not match"),
    ],
)
def test_a_refused_password_change_changes_nothing(app, data, message):
    here, user = _logged_in(app, "warehouse")
    copy = _copy(app, here)
    version, hashed = user.session_version, user.password_hash

    response = here.post("/staff/password", data=data)

    assert response.status_code == 400
    assert message in text_of_page(response)
    db.session.expire_all()
    again = db.session.get(StaffUser, user.id)
    assert (again.session_version, again.password_hash) == (version, hashed)
    assert _works(copy)


def test_the_password_page_needs_a_login(app):
    response = app.test_client().get("/staff/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")

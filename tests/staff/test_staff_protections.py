"""CSRF on every staff form and a rate-limited login (both switched on here)."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.htmlkit import page
from tests.staff.staffkit import actions, reload


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": "3 per minute",
    }


def csrf_token(client, path: str) -> str:
    return page(client.get(path)).control("csrf_token").attrs["value"]


def login(client, email, password=PASSWORD):
    token = csrf_token(client, "/staff/login")
    return client.post(
        "/staff/login", data={"email": email, "password": password, "csrf_token": token}
    )


def test_a_staff_post_without_token_is_refused_and_changes_nothing(client, factory):
    rr = factory.return_()
    user = factory.staff("support")
    assert login(client, user.email).status_code == 302
    item = rr.items[0]
    response = client.post(f"/staff/returns/{rr.rma}/receive", data={f"qty-{item.id}": "1"})
    assert response.status_code == 400
    rr = reload(rr)
    assert (rr.status, rr.items[0].received_quantity) == ("label_issued", 0)
    assert "parcel_received" not in actions(rr)


def test_the_same_post_with_the_page_token_works(client, factory):
    rr = factory.return_()
    user = factory.staff("warehouse")
    login(client, user.email)
    token = csrf_token(client, f"/staff/returns/{rr.rma}")
    item = rr.items[0]
    response = client.post(
        f"/staff/returns/{rr.rma}/receive", data={f"qty-{item.id}": "1", "csrf_token": token}
    )
    assert response.status_code == 302
    assert reload(rr).status == "received"


def test_login_without_token_is_refused(client, factory):
    user = factory.staff("warehouse")
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


def test_login_is_rate_limited(client, factory):
    user = factory.staff("warehouse")
    for _ in range(3):
        assert login(client, user.email, "wrong password").status_code == 401
    response = login(client, user.email)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_the_reject_preview_sends_only_with_its_token(client, factory):
    from portal.services import warehouse

    rr = factory.return_()
    warehouse.receive_parcel(rr, {i.id: i.quantity for i in rr.items}, actor="w")
    from portal.extensions import db

    db.session.commit()
    login(client, factory.staff("warehouse").email)
    item = rr.items[0]
    fields = {f"grade-{item.id}": "C", f"reject-{item.id}": "stained"}
    token = csrf_token(client, f"/staff/returns/{rr.rma}")
    preview = page(
        client.post(f"/staff/returns/{rr.rma}/diagnose", data={**fields, "csrf_token": token})
    )
    send = preview.form_posting_to(f"/staff/returns/{rr.rma}/diagnose").values()
    without = {k: v for k, v in send.items() if k != "csrf_token"}
    assert client.post(f"/staff/returns/{rr.rma}/diagnose", data=without).status_code == 400
    assert reload(rr).items[0].outcome is None
    assert client.post(f"/staff/returns/{rr.rma}/diagnose", data=send).status_code == 302
    assert reload(rr).items[0].rejection_reason == "stained"

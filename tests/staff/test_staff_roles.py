"""Every staff route checks the role on the server: each route × each role + anonymous."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from portal.extensions import db
from portal.models import Refund
from portal.services import resolve, warehouse
from tests.factories import PASSWORD

ROLES = ("anonymous", "warehouse", "support", "admin")
RANK = {role: i for i, role in enumerate(ROLES)}

# (method, path, least role). `{rma}`, `{item}`, `{refund}`, `{user}` come from the world.
ROUTES = [
    ("GET", "/staff/", "warehouse"),
    ("GET", "/staff/scan", "warehouse"),
    ("POST", "/staff/scan", "warehouse"),
    ("GET", "/staff/returns/{rma}", "warehouse"),
    ("POST", "/staff/returns/{rma}/receive", "warehouse"),
    ("POST", "/staff/returns/{rma}/diagnose", "warehouse"),
    ("POST", "/staff/returns/{rma}/items/{item}/refund", "support"),
    ("POST", "/staff/returns/{rma}/items/{item}/ship-exchange", "support"),
    ("POST", "/staff/returns/{rma}/items/{item}/send-back", "support"),
    ("POST", "/staff/returns/{rma}/goodwill", "support"),
    ("POST", "/staff/returns/{rma}/reissue-label", "support"),
    ("GET", "/staff/refunds", "support"),
    ("POST", "/staff/refunds/{refund}/paid", "support"),
    ("GET", "/staff/users", "admin"),
    ("POST", "/staff/users", "admin"),
    ("POST", "/staff/users/{user}/disable", "admin"),
]


@pytest.fixture
def world(factory):
    """A return waiting for its parcel, a refund waiting to be paid, a colleague."""
    rr = factory.return_(with_label=False)
    done = factory.return_(with_label=False)
    warehouse.receive_parcel(done, {done.items[0].id: 1}, actor="setup")
    warehouse.diagnose(done, {done.items[0].id: ("A", "", "")}, actor="setup")
    resolve.issue_refund(done, done.items[0], actor="setup")
    db.session.commit()
    colleague = factory.staff("warehouse")
    refund = db.session.query(Refund).one()
    return SimpleNamespace(rma=rr.rma, item=rr.items[0].id, refund=refund.id, user=colleague.id)


def outcome(response) -> str:
    """'login' (sent to log in), 'forbidden' (403) or 'allowed' (anything else)."""
    if response.status_code == 302 and response.headers["Location"].startswith("/staff/login"):
        return "login"
    if response.status_code == 403:
        assert "Not allowed" in response.get_data(as_text=True)
        return "forbidden"
    assert response.status_code < 500, response.status_code
    return "allowed"


def expected(role: str, least: str) -> str:
    if role == "anonymous":
        return "login"
    return "allowed" if RANK[role] >= RANK[least] else "forbidden"


def test_every_route_checks_the_role_on_the_server(app, factory, world):
    """Walk the table: each route, for an anonymous visitor and each role."""
    wrong = []
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            user = factory.staff(role)
            client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
        for method, path, least in ROUTES:
            got = outcome(client.open(path.format(**vars(world)), method=method, data={}))
            if got != expected(role, least):
                wrong.append(f"{role:9} {method:4} {path}: {got}, expected {expected(role, least)}")
    assert wrong == []


def test_a_warehouse_user_cannot_refund_and_nothing_changes(client, factory, auth):
    rr = factory.return_(with_label=False)
    warehouse.receive_parcel(rr, {rr.items[0].id: 1}, actor="w")
    warehouse.diagnose(rr, {rr.items[0].id: ("A", "", "")}, actor="w")
    db.session.commit()
    auth.login("warehouse")
    page = client.get(f"/staff/returns/{rr.rma}").get_data(as_text=True)
    assert "Support resolves these items." in page
    assert 'id="refund-' not in page
    response = client.post(f"/staff/returns/{rr.rma}/items/{rr.items[0].id}/refund")
    assert response.status_code == 403
    assert "Your account cannot do this." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(Refund).count() == 0
    assert rr.status == "inspected"

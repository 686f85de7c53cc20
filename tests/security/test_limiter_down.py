"""With the rate limiter's Redis unreachable, customers and staff are still served (the
limits are not counted, and it is logged) instead of a 500 on every page."""

from __future__ import annotations

import logging

import pytest
import redis

from portal import create_app
from tests.conftest import free_port


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens
        "LOOKUP_RATE_LIMIT": "1 per minute",
    }


def test_the_lookup_and_the_login_answer_with_the_limiter_down(client, factory, caplog):
    order = factory.order()
    caplog.set_level(logging.WARNING)
    for _ in range(3):  # over the limit of 1, which is not counted
        found = client.post("/lookup", data={"number": order.number, "contact": order.email})
        assert found.status_code in (302, 303), found.status_code
    assert "lookup limits not counted" in caplog.text
    login = client.post("/staff/login", data={"email": "x@example.fr", "password": "nope"})
    assert login.status_code == 401 and "<form" in login.get_data(as_text=True)  # wrong password


def test_with_swallowing_off_the_failure_is_not_hidden(app_config):
    app = create_app({**app_config, "RATELIMIT_SWALLOW_ERRORS": False})
    client = app.test_client()
    with app.app_context():
        from portal.extensions import db

        db.create_all()
    with pytest.raises(redis.exceptions.ConnectionError):
        client.post("/lookup", data={"number": "FR-1", "contact": "a@b.fr"})

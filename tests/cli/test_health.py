"""GET /healthz: 200 when the database answers, 503 when it does not."""

from __future__ import annotations

import pytest

from portal import create_app


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True}


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-retours-dir/deeper/retours.sqlite",
        "postgresql+psycopg://postgres@127.0.0.1:1/retours",
    ],
    ids=["sqlite-missing-dir", "postgresql-closed-port"],
)
def test_unreachable_database_is_a_503(app_config, url):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": False}
    # the failed session was cleaned up: a second probe answers the same, not a 500
    assert app.test_client().get("/healthz").status_code == 503

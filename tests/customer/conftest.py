"""Customer-journey fixtures: an English-speaking client and a small shop."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import event

from portal.extensions import db


@pytest.fixture
def en(client):
    """The test client, having clicked "English" (remembered in the session)."""
    assert client.get("/lang/en").status_code == 302
    return client


@pytest.fixture
def shop(factory):
    """TEE in M (5) and L (5) at 25,00 €, an order of one TEE-M delivered 5 days ago
    to 75011, and one relay point in 75011."""
    variants = factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 1)])
    point = factory.relay_point()
    db.session.commit()
    return SimpleNamespace(
        order=order, line=order.lines[0], point=point, m=variants[0], large=variants[1]
    )


@pytest.fixture
def statements():
    """Every SQL statement the app sends while the test runs, in order."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)

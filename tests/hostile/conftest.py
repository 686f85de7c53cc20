"""Hostile-input fixtures: an English client, a shop with a return. Every test in this
folder carries the `hostile` marker (`pytest -m hostile` runs them alone)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from portal.extensions import db
from tests.conftest import BufferedClient

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.hostile)


class EnglishClient(BufferedClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def app(app):
    app.test_client_class = EnglishClient
    return app


@pytest.fixture
def shop(factory):
    """TEE M/L in stock, an order of one TEE-M, a relay point, a return with a label."""
    variants = factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 2)], gift_code="GIFT-2024-ABCD")
    point = factory.relay_point()
    rr = factory.return_(factory.order([("TEE-M", 1)]))
    db.session.commit()
    return SimpleNamespace(order=order, point=point, rr=rr, m=variants[0], large=variants[1])

"""Keep-it fixtures: the rule on below 30,00 €, a shop with a cheap tee, an English client."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from portal.extensions import db


@pytest.fixture
def app_config(app_config):
    return {**app_config, "KEEP_IT_BELOW": 3000}  # a TEE costs 25,00 €


@pytest.fixture
def shop(factory):
    """TEE in M (5) and L (5) at 25,00 €; an order of 2 TEE-M and 1 TEE-L delivered 5 days
    ago, and one relay point."""
    variants = factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 2), ("TEE-L", 1)])
    point = factory.relay_point()
    db.session.commit()
    return SimpleNamespace(
        order=order, m_line=order.lines[0], l_line=order.lines[1], point=point,
        m=variants[0], large=variants[1],
    )  # fmt: skip


@pytest.fixture
def en(client):
    assert client.get("/lang/en").status_code == 302
    return client


@pytest.fixture
def fr(client):
    assert client.get("/lang/fr").status_code == 302
    return client

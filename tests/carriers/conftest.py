"""The carrier tests' set-up, once: each network's fake on loopback and the app pointed at it.

A module sets `SLOW_SECONDS` (how long the fakes' "slow" mode waits) and `NETWORKS` (the fakes
every test of the module has configured); a test that asks for a fake by name (`mondial_relay`,
`colissimo`) has it configured too. Pages are in English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.colissimo_server import FakeColissimo
from tests.fakes.mondial_relay_server import FakeMondialRelay

FAKES = {"mondial_relay": FakeMondialRelay, "colissimo": FakeColissimo}


def _fake(request: pytest.FixtureRequest, name: str) -> Iterator:
    fake = FAKES[name](slow_seconds=getattr(request.module, "SLOW_SECONDS", 2.5)).start()
    yield fake
    fake.stop()


@pytest.fixture
def mondial_relay(request: pytest.FixtureRequest) -> Iterator[FakeMondialRelay]:
    yield from _fake(request, "mondial_relay")


@pytest.fixture
def colissimo(request: pytest.FixtureRequest) -> Iterator[FakeColissimo]:
    yield from _fake(request, "colissimo")


@pytest.fixture
def app_config(app_config: dict, request: pytest.FixtureRequest) -> dict:
    config = app_config | {"DEFAULT_LOCALE": "en"}
    wanted = set(getattr(request.module, "NETWORKS", ()))
    for name in FAKES:
        if name in wanted or name in request.fixturenames:
            config |= request.getfixturevalue(name).config()
    return config

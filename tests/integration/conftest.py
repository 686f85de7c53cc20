"""Carriers wired end to end: the app with the local carrier, or with EasyPost pointed at the
fake EasyPost server on loopback (a test that asks for the `easypost` fixture)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.easypost_server import FakeEasyPost

WEBHOOK_SECRET = "whsec-intégration"


@pytest.fixture
def easypost() -> Iterator[FakeEasyPost]:
    fake = FakeEasyPost(slow_seconds=1.5).start()
    yield fake
    fake.stop()


@pytest.fixture
def app_config(app_config: dict, request: pytest.FixtureRequest) -> dict:
    config = app_config | {"DEFAULT_LOCALE": "en", "EASYPOST_WEBHOOK_SECRET": WEBHOOK_SECRET}
    if "easypost" in request.fixturenames:
        fake: FakeEasyPost = request.getfixturevalue("easypost")
        config |= {
            "EASYPOST_API_KEY": fake.api_key,
            "EASYPOST_API_BASE": fake.url,
            "EASYPOST_TIMEOUT": 1,
        }
    return config

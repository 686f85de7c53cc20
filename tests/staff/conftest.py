"""Fixtures for the back-office tests."""

from __future__ import annotations

import pytest
from flask import g
from jinja2 import BytecodeCache

from tests.conftest import BufferedClient
from tests.staff.staffkit import Desk


class StaffClient(BufferedClient):
    """A browser set to English, whose requests each start afresh.

    The `app` fixture keeps one app context open for the whole test, so every request
    shares its `g`, where Flask-Login caches the user it loaded and Flask-WTF the CSRF
    token. A real server starts each request with an empty `g` (the user is loaded again:
    session version, idle and absolute expiry); so do we, for those two.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        return super().open(*args, **kwargs)


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the apps of this test run (each test builds an app)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()


@pytest.fixture
def app(app):
    app.test_client_class = StaffClient
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    return app


@pytest.fixture
def desk(client) -> Desk:
    return Desk(client)


@pytest.fixture
def support(auth):
    return auth.login("support")


@pytest.fixture
def warehouse(auth):
    return auth.login("warehouse")

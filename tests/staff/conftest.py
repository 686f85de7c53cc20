"""Fixtures for the back-office tests."""

from __future__ import annotations

import pytest

from tests.conftest import BufferedClient
from tests.staff.staffkit import Desk


class StaffClient(BufferedClient):
    """A browser set to English."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def app(app):
    app.test_client_class = StaffClient
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

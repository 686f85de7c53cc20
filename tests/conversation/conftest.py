"""Fixtures for the conversation tests: our inbound domain, an English staff client."""

from __future__ import annotations

import pytest

from tests.staff.conftest import StaffClient

DOMAIN = "in.retours.test"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "INBOUND_DOMAIN": DOMAIN}


@pytest.fixture
def app(app):
    app.test_client_class = StaffClient
    return app

"""Repair fixtures: an English client, the customer's and the staff's."""

from __future__ import annotations

import pytest


@pytest.fixture
def en(client):
    """The test client, having clicked "English" (remembered in the session)."""
    assert client.get("/lang/en").status_code == 302
    return client

"""Claims fixtures: a small shop (as tests/customer's) and helpers to open a claim."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from PIL import Image

from portal.extensions import db


@pytest.fixture
def shop(factory):
    """TEE in M (5) and L (5) at 25,00 €; an order of 2 TEE-M and 1 TEE-L delivered."""
    variants = factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 2), ("TEE-L", 1)])
    db.session.commit()
    return SimpleNamespace(order=order, m=variants[0], large=variants[1])


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def en(client):
    """The test client, having clicked "English"."""
    assert client.get("/lang/en").status_code == 302
    return client

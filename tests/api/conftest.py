"""Fixtures for the shop API: a checked client and payloads that are valid as they stand."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from tests.api.spec import Api

VARIANT = {
    "sku": "TEE-ORG-BLUE-M",
    "product": "TEE-ORG",
    "name": "Organic T-shirt",
    "size": "M",
    "colour": "Blue",
    "price": 2500,
    "currency": "EUR",
    "stock": 12,
    "returnable": True,
}

ORDER = {
    "number": "FR-10023",
    "email": "customer@example.fr",
    "placed_at": "2026-11-02T10:15:00Z",
    "delivered_at": "2026-11-05T14:00:00Z",
    "currency": "EUR",
    "shipping_address": {
        "name": "Customer Name",
        "line1": "12 rue Oberkampf",
        "line2": None,
        "postcode": "75011",
        "city": "Paris",
        "country": "FR",
    },
    "discount": 0,
    "payment": {"method": "card", "reference": "pi_123"},
    "gift": None,
    "lines": [
        {
            "sku": "TEE-ORG-BLUE-M",
            "quantity": 2,
            "unit_price": 2500,
            "final_sale": False,
            "discount": 0,
        }
    ],
}


def variant(**changes) -> dict:
    return {**copy.deepcopy(VARIANT), **changes}


def order(**changes) -> dict:
    return {**copy.deepcopy(ORDER), **changes}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def api(client, api_token) -> Api:
    return Api(client, api_token)


@pytest.fixture
def catalog(api) -> None:
    """Two variants of one product: TEE-ORG-BLUE-M and TEE-ORG-BLUE-L."""
    response = api.put(
        "/api/v1/catalog",
        json={"variants": [variant(), variant(sku="TEE-ORG-BLUE-L", size="L", stock=3)]},
    )
    assert response.status_code == 200, response.get_json()

"""The catalogue API takes a product's warranty period, as its OpenAPI document says."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Product
from tests.api.conftest import variant
from tests.api.spec import Api, check_request

CATALOG = "/api/v1/catalog"


@pytest.fixture
def api(client, api_token) -> Api:
    return Api(client, api_token)


def _months():
    db.session.expire_all()
    return db.session.scalar(select(Product.warranty_months))


def test_the_catalogue_sets_and_clears_a_warranty(api):
    body = {"variants": [variant(warranty_months=36)]}
    check_request("PUT", CATALOG, body)  # the published document accepts it
    assert api.put(CATALOG, json=body).status_code == 200
    assert _months() == 36
    assert api.put(CATALOG, json={"variants": [variant()]}).status_code == 200
    assert _months() == 36  # left out: kept
    assert api.put(CATALOG, json={"variants": [variant(warranty_months=None)]}).status_code == 200
    assert _months() is None  # null: the policy's default


def test_a_negative_warranty_is_refused_and_named(api):
    response = api.put(CATALOG, json={"variants": [variant(warranty_months=-1)]})
    assert response.status_code == 422
    assert "warranty_months" in response.get_data(as_text=True)
    assert _months() is None

"""Bearer tokens: 401 without a valid one; only the token's hash is stored."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import ApiToken, Variant
from tests.api.conftest import count, variant
from tests.api.spec import SPEC, Api, documented_operations

PROTECTED = sorted(
    (method, path)
    for method, path in documented_operations()
    if SPEC["paths"][path][method.lower()].get("security", SPEC["security"])
)
PARAMS = {"number": "FR-1", "rma": "R-0000-00", "code": "CR-0000"}


def test_the_protected_operations_are_all_but_the_document():
    assert len(PROTECTED) == len(documented_operations()) - 1


@pytest.mark.parametrize(("method", "path"), PROTECTED)
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer rt_wrong"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["none", "wrong", "basic"],
)
def test_every_protected_operation_needs_a_token(client, api_token, method, path, headers):
    api = Api(client, None)
    response = api.request(method, path, headers=headers, json={}, **PARAMS)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_failed_request_writes_nothing(client, api_token):
    body = {"variants": [variant()]}
    response = Api(client, "rt_wrong").put("/api/v1/catalog", json=body)
    assert response.status_code == 401
    assert count(Variant) == 0


def test_a_revoked_token_is_refused(client, api_token):
    api = Api(client, api_token)
    assert api.get("/api/v1/orders/{number}", number="FR-1").status_code == 404
    row = db.session.scalar(select(ApiToken))
    row.revoked = True
    db.session.commit()
    assert api.get("/api/v1/orders/{number}", number="FR-1").status_code == 401


def test_cli_prints_a_working_token_and_stores_only_its_hash(app, client, runner):
    result = runner.invoke(args=["api-token", "create", "shop-prod"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token and "\n" not in token and len(token) >= 32

    api = Api(client, token)
    response = api.put("/api/v1/catalog", json={"variants": [variant()]})
    assert response.status_code == 200

    db.session.expire_all()
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "shop-prod"))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.last_used_at is not None
    stored = [getattr(row, column.key) for column in ApiToken.__table__.columns]
    assert not any(token in str(value) for value in stored)
    assert not any(token[3:20] in str(value) for value in stored)

    second = runner.invoke(args=["api-token", "create", "shop-prod"]).output.strip()
    assert second != token
    assert count(ApiToken) == 2


def test_last_use_is_recorded_even_for_a_read(client, api_token):
    response = Api(client, api_token).get("/api/v1/orders/{number}", number="FR-1")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_unknown_api_url_and_wrong_method_answer_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json
    response = client.delete("/api/v1/catalog")
    assert response.status_code == 405 and response.json["error"] == "method_not_allowed"

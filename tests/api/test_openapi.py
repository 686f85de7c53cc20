"""The OpenAPI document is valid, served, and covers exactly the routes under /api/v1."""

from __future__ import annotations

import re

import pytest
from babel.numbers import list_currencies
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from portal.services import validation
from tests.api.spec import SPEC, Api, documented_operations, errors_for, operation

RULE_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def routes(app, prefix: str = "/api/v1") -> set[tuple[str, str]]:
    return {
        (method, RULE_ARG.sub(r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(prefix)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_api_route_is_documented_and_every_documented_operation_exists(app):
    served = routes(app)
    documented = documented_operations()
    assert served, "no /api/v1 routes found"
    assert served - documented == set(), "routes missing from openapi.json"
    assert documented - served == set(), "openapi.json documents routes that do not exist"


def test_webhooks_documented_match_the_served_ones(app):
    served = routes(app, "/webhooks")
    assert served, "no /webhooks routes found"
    assert served == documented_operations("/webhooks")


def test_document_is_openapi_3_1_with_valid_schemas():
    assert SPEC["openapi"].startswith("3.1")
    assert SPEC["components"]["securitySchemes"]["bearer"] == {
        **SPEC["components"]["securitySchemes"]["bearer"],
        "type": "http",
        "scheme": "bearer",
    }
    for name, schema in SPEC["components"]["schemas"].items():
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            pytest.fail(f"components/schemas/{name}: {exc.message}")


def test_every_protected_operation_documents_401_and_path_parameters():
    for method, path in documented_operations():
        op = operation(method, path)
        public = op.get("security", SPEC["security"]) == []
        assert public or "401" in op["responses"], f"{method} {path} lacks 401"
        params = {p["name"] for p in SPEC["paths"][path].get("parameters", [])}
        params |= {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert params >= set(re.findall(r"{(\w+)}", path)), f"{method} {path} parameters"


def test_served_document_is_the_file_and_needs_no_token(api):
    response = api.get("/api/v1/openapi.json", token=None)
    assert response.status_code == 200
    assert response.get_json() == SPEC


def test_schemas_are_strict_enough_to_catch_a_wrong_shape():
    """The conformance check is only worth something if a wrong answer fails it."""
    order = "/components/schemas/Order"
    good = {
        "number": "FR-1",
        "email": "a@example.fr",
        "placed_at": "2026-11-02T10:15:00Z",
        "delivered_at": None,
        "currency": "EUR",
        "cancelled": False,
        "shipping_address": {
            "name": "A",
            "line1": "1 rue",
            "line2": None,
            "postcode": "75011",
            "city": "Paris",
            "country": "FR",
        },
        "discount": 0,
        "payment": {"method": "card", "reference": ""},
        "gift": None,
        "lines": [
            {"sku": "X", "quantity": 1, "unit_price": 100, "final_sale": False, "discount": 0}
        ],
    }
    assert errors_for(good, order) == []
    assert errors_for({k: v for k, v in good.items() if k != "discount"}, order)
    assert errors_for({**good, "extra": 1}, order)
    assert errors_for({k: v for k, v in good.items() if k != "gift"}, order)
    assert errors_for({**good, "placed_at": "2026-11-02 10:15"}, order)
    assert errors_for({**good, "lines": [{**good["lines"][0], "unit_price": 1.5}]}, order)
    error = "/components/schemas/ValidationError"
    assert errors_for({"error": "validation_failed", "errors": {"email": "bad"}}, error) == []
    assert errors_for({"error": "validation_failed", "errors": {"email": 1}}, error)


def test_webhook_refusals_match_the_document(app, client):
    webhook = Api(client, None)
    body = {"object": "Event", "description": "tracker.updated", "result": {}}
    app.config["EASYPOST_WEBHOOK_SECRET"] = None
    assert webhook.post("/webhooks/easypost", json=body).status_code == 503
    app.config["EASYPOST_WEBHOOK_SECRET"] = "whsec"
    headers = {"X-Hmac-Signature": "hmac-sha256-hex=00"}
    assert webhook.post("/webhooks/easypost", json=body, headers=headers).status_code == 401
    assert webhook.post("/webhooks/easypost", json=body).status_code == 401


def test_the_validator_reads_the_published_document():
    """One source of truth: the schemas the API validates with are those it serves."""
    assert validation.document() == SPEC
    for name in ("CatalogUpsert", "OrderInput", "RedeemRequest", "OrderNumber", "CreditCode"):
        assert validation.validator(name).schema == {
            "$ref": f"urn:retours:openapi#/components/schemas/{name}"
        }


def test_every_documented_currency_is_one_babel_can_format():
    documented = set(SPEC["components"]["schemas"]["Currency"]["enum"])
    assert documented and documented <= set(list_currencies())
    assert all(code == code.upper() and len(code) == 3 for code in documented)


def test_every_input_string_has_a_length_limit_and_refuses_control_characters():
    for name in ("Variant", "AddressInput", "Payment", "GiftInput", "OrderLineInput"):
        for field, schema in SPEC["components"]["schemas"][name]["properties"].items():
            types = schema.get("type", [])
            if "string" not in types or "enum" in schema:
                continue
            if schema.get("pattern") == "^[A-Za-z]{2}$":  # a country: letters only
                continue
            assert "maxLength" in schema, f"{name}.{field}"
            assert "\\u0000" in schema.get("pattern", ""), f"{name}.{field}"

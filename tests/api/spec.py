"""Check requests and responses against portal/api/openapi.json (OpenAPI 3.1).

Schemas are JSON Schema draft 2020-12; `$ref`s (to schemas and to shared responses) are
resolved through a `referencing` registry holding the whole document, so a schema is
always validated from its place inside the document.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from portal.services.validation import OPENAPI_PATH

SPEC: dict = json.loads(OPENAPI_PATH.read_text())
URI = "urn:retours:openapi"
REGISTRY = Registry().with_resource(URI, DRAFT202012.create_resource(SPEC))
RESOLVER = REGISTRY.resolver(base_uri=URI)
METHODS = ("get", "put", "post", "patch", "delete")

FORMATS = FormatChecker()
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _follow(obj: dict, pointer: str) -> tuple[dict, str]:
    """Follow `$ref`s (local to the document) until a real object; return it and its place."""
    while "$ref" in obj:
        pointer = obj["$ref"].removeprefix("#")
        obj = RESOLVER.lookup(f"{URI}#{pointer}").contents
    return obj, pointer


def operation(method: str, template: str) -> dict:
    path_item = SPEC["paths"].get(template)
    assert path_item is not None, f"{template} is not in openapi.json"
    op = path_item.get(method.lower())
    assert op is not None, f"{method} {template} is not in openapi.json"
    return op


def response_spec(method: str, template: str, status: int) -> tuple[dict, str]:
    """The response object documented for (method, template, status), and its pointer."""
    responses = operation(method, template)["responses"]
    assert str(status) in responses, (
        f"{method} {template} answered {status}, which openapi.json does not document "
        f"(documented: {', '.join(responses)})"
    )
    return _follow(
        responses[str(status)],
        _pointer("paths", template, method.lower(), "responses", str(status)),
    )


def validator_at(pointer: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{URI}#{pointer}"}, registry=REGISTRY, format_checker=FORMATS
    )


def errors_for(instance, pointer: str) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in validator_at(pointer).iter_errors(instance)
    ]


def check_response(response, method: str, template: str) -> None:
    """Fail unless `response` is documented for its status and matches the schema."""
    spec, pointer = response_spec(method, template, response.status_code)
    content = spec.get("content")
    if not content:
        return
    mimetype = response.mimetype
    assert mimetype in content, (
        f"{method} {template} {response.status_code} answered {mimetype}; "
        f"documented: {', '.join(content)}"
    )
    schema_pointer = pointer + _pointer("content", mimetype, "schema")
    if mimetype == "application/json":
        problems = errors_for(response.get_json(), schema_pointer)
        assert not problems, (
            f"{method} {template} {response.status_code} does not match openapi.json:\n"
            + "\n".join(problems)
            + f"\nbody: {response.get_data(as_text=True)[:2000]}"
        )
    elif mimetype == "application/pdf":
        assert response.data.startswith(b"%PDF-")


def check_request(method: str, template: str, body) -> None:
    """Fail unless `body` (a request we consider valid) matches the documented schema."""
    op = operation(method, template)
    request_body, pointer = _follow(
        op["requestBody"], _pointer("paths", template, method.lower(), "requestBody")
    )
    problems = errors_for(body, pointer + _pointer("content", "application/json", "schema"))
    assert not problems, f"valid {method} {template} body rejected by openapi.json:\n" + (
        "\n".join(problems)
    )


def documented_operations(prefix: str = "/api/v1") -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in SPEC["paths"].items()
        if path.startswith(prefix)
        for method in item
        if method in METHODS
    }


class Api:
    """The test client for /api/v1: every answer is checked against openapi.json.

    `api.put("/api/v1/orders/{number}", number="FR-1", json=...)`; `token=None` sends no
    Authorization header, `token="x"` sends that one.
    """

    _default = object()

    def __init__(self, client, token: str) -> None:
        self.client = client
        self.token = token

    def request(
        self,
        method: str,
        template: str,
        *,
        json=None,
        data=None,
        token=_default,
        headers: dict | None = None,
        query: dict | None = None,
        **params,
    ):
        token = self.token if token is self._default else token
        headers = dict(headers or {})
        if token is not None:
            headers.setdefault("Authorization", f"Bearer {token}")
        kwargs = {"headers": headers, "query_string": query}
        if json is not None:
            kwargs["json"] = json
        elif data is not None:
            kwargs.update(data=data, content_type="application/json")
        response = self.client.open(template.format(**params), method=method, **kwargs)
        check_response(response, method, template)
        return response

    def get(self, template: str, **kwargs):
        return self.request("GET", template, **kwargs)

    def put(self, template: str, **kwargs):
        return self.request("PUT", template, **kwargs)

    def post(self, template: str, **kwargs):
        return self.request("POST", template, **kwargs)

"""Input checks taken from the OpenAPI document we publish (portal/api/openapi.json).

The document's JSON Schemas are the validator: what the shop reads in the document is
exactly what the API, the import commands and the demo loader refuse. This module only
turns JSON Schema errors into messages a shop developer can act on, keyed by the field's
path: ``{"lines[0].quantity": "must be at least 1"}``. A schema may word a message itself
with ``x-messages`` (keyword -> message; ``{value}`` is the value sent, quoted).

Rules a schema cannot state (a SKU must exist, a line keeps its returns, …) are not here:
they live with the verbs that need them (see shop_sync).
"""

from __future__ import annotations

import json
import re
from collections import deque
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from portal.services.errors import ValidationFailed

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "api" / "openapi.json"
URI = "urn:retours:openapi"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)", re.ASCII)
TYPE_WORDS = {
    "string": "must be a string",
    "integer": "must be an integer",
    "number": "must be a number",
    "boolean": "must be true or false",
    "object": "must be an object",
    "array": "must be a list",
}


@cache
def document() -> dict:
    """The OpenAPI document, as served at /api/v1/openapi.json."""
    return json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))


# --- reading values the schemas accept ---------------------------------------------------


def parse_timestamp(value: str) -> datetime:
    """An RFC 3339 date-time as an aware UTC datetime (ValueError when it is none)."""
    if not RFC3339.fullmatch(value):
        raise ValueError(value)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    try:
        return parsed.astimezone(UTC)
    except OverflowError as exc:  # 0001-01-01T00:00+01:00 is before year 1 in UTC
        raise ValueError(value) from exc


def normalize_email(value: str) -> str:
    """The address as we store it (ValueError when it is not one)."""
    try:
        # The syntax only, as the document's `format: email` says; example.test is an
        # address too (shops' staging data), the other special-use domains are not.
        checked = validate_email(value.strip(), check_deliverability=False, test_environment=True)
        return checked.normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc


FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    return not isinstance(value, str) or bool(parse_timestamp(value))


@FORMATS.checks("email", raises=ValueError)
def _email(value) -> bool:
    return not isinstance(value, str) or bool(normalize_email(value))


def has_lone_surrogate(data) -> bool:
    """A "\\ud800" escape decodes to a string no database can store."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


# --- the validator: draft 2020-12 with three precise readings -----------------------------


def _is_integer(_checker, value) -> bool:
    # JSON Schema counts 2.0 as an integer; amounts in minor units are never floats.
    return isinstance(value, int) and not isinstance(value, bool)


def _pattern(validator, pattern, instance, schema):
    # ECMA-262's `$` is the end of the string; Python's also matches before a final "\n".
    if validator.is_type(instance, "string"):
        anchored = pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern
        if not re.search(anchored, instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _properties(validator, properties, instance, schema):
    # A required field sent as null is missing, and is named so.
    if not validator.is_type(instance, "object"):
        return
    required = schema.get("required", ())
    for name, subschema in properties.items():
        if name not in instance:
            continue
        value = instance[name]
        if (
            value is None
            and name in required
            and not validator.evolve(schema=subschema).is_valid(None)
        ):
            yield ValidationError(
                "is required",
                validator="required",
                validator_value=[name],
                instance=None,
                path=(name,),
            )
            continue
        yield from validator.descend(value, subschema, path=name, schema_path=name)


Validator = validators.extend(
    Draft202012Validator,
    validators={"pattern": _pattern, "properties": _properties},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


@cache
def _registry() -> Registry:
    return Registry().with_resource(URI, DRAFT202012.create_resource(document()))


@cache
def validator(name: str) -> Draft202012Validator:
    """The validator of components/schemas/`name` of the document."""
    if name not in document()["components"]["schemas"]:
        raise KeyError(f"components/schemas/{name} is not in openapi.json")
    return Validator(
        {"$ref": f"{URI}#/components/schemas/{name}"},
        registry=_registry(),
        format_checker=FORMATS,
    )


# --- errors in words -------------------------------------------------------------------


def field_path(parts, prefix: str = "") -> str:
    """("lines", 0, "sku") -> "lines[0].sku"."""
    text = prefix
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _expected_type(schema_type) -> str:
    types = [schema_type] if isinstance(schema_type, str) else list(schema_type)
    return next((t for t in types if t != "null"), "null")


def message(error: ValidationError) -> str:
    """What is wrong, in words, for one JSON Schema error."""
    keyword, expected, value = error.validator, error.validator_value, error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("x-messages", {}).get(keyword)
    if keyword == "required":
        return "is required"
    if keyword in ("minLength", "pattern") and isinstance(value, str) and not value.strip():
        return "is required"
    if custom:
        return custom.format(value=repr(value))
    if keyword == "type":
        kind = _expected_type(expected)
        if kind == "string" and schema.get("format") == "date-time":
            return "must be an ISO 8601 date-time"
        return TYPE_WORDS.get(kind, f"must be {kind}")
    if keyword == "format":
        return {
            "date-time": "must be an ISO 8601 date-time",
            "email": "is not a valid e-mail address",
        }.get(expected, f"must be a valid {expected}")
    if keyword in ("minimum", "maximum"):
        return f"must be at {'least' if keyword == 'minimum' else 'most'} {expected}"
    if keyword == "minLength":
        return f"must be at least {expected} characters"
    if keyword == "maxLength":
        return f"is longer than {expected} characters"
    if keyword == "minItems":
        return "must list at least one item" if expected == 1 else f"needs {expected} items"
    if keyword == "maxItems":
        return f"lists more than {expected} items"
    if keyword == "enum":
        return "must be one of: " + ", ".join(json.dumps(option) for option in expected)
    if keyword == "const":
        return f"must be {json.dumps(expected)}"
    if keyword == "pattern":
        return "is not in the expected form"
    return "is not valid here"


# When one field breaks several keywords, the message of the most telling one is shown.
PRIORITY = ("required", "type", "enum", "format", "pattern", "const")


def _rank(error: ValidationError) -> int:
    keyword = error.validator
    return PRIORITY.index(keyword) if keyword in PRIORITY else len(PRIORITY)


def errors(name: str, instance, *, prefix: str = "") -> dict[str, str]:
    """Every problem of `instance` against components/schemas/`name`, by field path.

    One message per field; an empty dict when the instance is valid.
    """
    found: dict[str, tuple[int, str]] = {}

    def add(field: str, rank: int, text: str) -> None:
        if field not in found or rank < found[field][0]:
            found[field] = (rank, text)

    for error in validator(name).iter_errors(instance):
        path = deque(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            for key in error.validator_value:
                if key not in error.instance:
                    add(field_path([*path, key], prefix), 0, "is required")
            continue
        field = field_path(path, prefix)
        if not field and error.validator == "type":
            add("", 0, "body must be a JSON object")
            continue
        add(field, _rank(error), message(error))
    return {field: text for field, (_rank_, text) in found.items()}


def check(name: str, instance, *, prefix: str = "") -> None:
    """Raise ValidationFailed naming every bad field of `instance` (see `errors`)."""
    problems = errors(name, instance, prefix=prefix)
    if problems:
        raise ValidationFailed(problems)


def is_valid(name: str, instance) -> bool:
    return not errors(name, instance)

"""Field checks for JSON coming from the shop; each failure names its field."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from babel.numbers import list_currencies
from email_validator import EmailNotValidError, validate_email

MAX_INT = 2**31 - 1  # the database's INTEGER


@cache
def currencies() -> frozenset[str]:
    return frozenset(list_currencies())


class Checker:
    """Collects errors as {"lines[0].sku": "unknown SKU"} while reading a payload."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def text(self, data: dict, key: str, field: str, *, required=True, max_len=200) -> str | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return None
        if not isinstance(value, str):
            self.fail(field, "must be a string")
            return None
        value = value.strip()
        if len(value) > max_len:
            self.fail(field, f"is longer than {max_len} characters")
            return None
        return value

    def integer(
        self, data: dict, key: str, field: str, *, minimum: int | None = 0, maximum: int = MAX_INT
    ) -> int | None:
        value = data.get(key)
        if value is None:
            self.fail(field, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, "must be an integer (minor units, e.g. cents)")
            return None
        if minimum is not None and value < minimum:
            self.fail(field, f"must be at least {minimum}")
            return None
        if value > maximum:
            self.fail(field, f"must be at most {maximum}")
            return None
        return value

    def boolean(self, data: dict, key: str, field: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail(field, "must be true or false")
            return default
        return value

    def currency(self, data: dict, key: str, field: str) -> str | None:
        value = self.text(data, key, field, max_len=3)
        if value is not None and value.upper() not in currencies():
            self.fail(field, f"unknown currency {value!r}")
            return None
        return value.upper() if value else None

    def email(self, data: dict, key: str, field: str) -> str | None:
        value = self.text(data, key, field, max_len=254)
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            self.fail(field, "is not a valid e-mail address")
            return None

    def timestamp(self, data: dict, key: str, field: str, *, required=True) -> datetime | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(field, "is required")
            return None
        if not isinstance(value, str):
            self.fail(field, "must be an ISO 8601 date-time")
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC)
        except (ValueError, OverflowError):  # OverflowError: 0001-01-01T00:00+01:00
            self.fail(field, "must be an ISO 8601 date-time")
            return None

    def mapping(self, data: dict, key: str, field: str, *, required=True) -> dict | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(field, "is required")
            return None
        if not isinstance(value, dict):
            self.fail(field, "must be an object")
            return None
        return value

    def array(self, data: dict, key: str, field: str) -> list | None:
        value = data.get(key)
        if not isinstance(value, list):
            self.fail(field, "must be a list")
            return None
        return value

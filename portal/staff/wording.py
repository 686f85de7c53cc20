"""Codes in words on staff pages: the `word` template global and the audit trail's details.

Every code a staff page shows (a status, a reason, an outcome, an audit action...) goes
through `portal.words.word`; nothing shows a raw code."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.i18n import money
from portal.staff.blueprint import bp
from portal.words import DETAIL_VALUE_KINDS, detail_labels, word


def _value(key: str, value, details: dict) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "amount" and isinstance(value, int) and details.get("currency"):
        return money(value, details["currency"])
    if key == "items" and isinstance(value, list):
        return ", ".join(_entry(e) if isinstance(e, dict) else str(e) for e in value)
    if key in DETAIL_VALUE_KINDS and isinstance(value, str):
        return word(DETAIL_VALUE_KINDS[key], value)
    return str(value)


def _entry(entry: dict) -> str:
    """One item of a parcel or a diagnosis: 'TEE-M × 2 (A, Refund to the original payment)'."""
    text = str(entry.get("sku", ""))
    if entry.get("quantity") is not None:
        text += f" × {entry['quantity']}"
    extra = [str(entry["grade"])] if entry.get("grade") else []
    if entry.get("outcome"):
        extra.append(word("outcome", entry["outcome"]))
    return f"{text} ({', '.join(extra)})" if extra else text


def format_details(details: dict | None) -> str:
    """An audit event's details in one line, in words."""
    names = detail_labels()
    parts = []
    for key, value in (details or {}).items():
        if value in (None, "", [], {}) or key == "currency":
            continue
        name = names.get(key, key.replace("_", " "))
        parts.append(f"{name}: {_value(key, value, details)}")
    return "; ".join(parts)


@bp.app_template_filter("audit_details")
def _details_filter(details: dict | None) -> str:
    return format_details(details)


@bp.app_template_global("word")
def _word(kind: str, code: str | None) -> str:
    return word(kind, code)

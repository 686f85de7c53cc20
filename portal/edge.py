"""What every request must satisfy before any route sees it, and the small parsers and
validators that keep hostile text and numbers out of the database.

- `refuse_unusable_input` (before every request): a NUL byte or another control character
  (except tab, CR and LF) anywhere in the path, the query string or a form, a file part where
  the page takes no file, is answered 400 with words a person can act on. PostgreSQL cannot
  store a NUL in text; nothing legitimate types the others.
- The `int` URL converter stops at the largest id a row can have (PostgreSQL's `integer`), so
  `/staff/refunds/99999999999999999999/paid` is a 404, not a driver overflow.
- `form_id`, `bounded_int`: the same limit for ids and numbers read from forms.
- `SingleLine`: a WTForms validator for names, e-mails and codes (no line breaks, no control
  or bidirectional-override characters): these end up in e-mail headers and labels.
"""

from __future__ import annotations

import re
import unicodedata

from flask import Flask, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter
from wtforms.validators import ValidationError

MAX_ID = 2**31 - 1  # PostgreSQL `integer`, the type of every id and count column
# C0 controls other than tab, LF and CR; DEL. (C1 controls cannot come from a browser form
# as such: they would be UTF-8 pairs decoded to U+0080–U+009F, refused the same way.)
UNUSABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Where a file may come in: the customer's damage photos, one field per order line.
FILE_FIELDS = {
    "customer.items": re.compile(r"item-\d{1,10}-photos"),
    "customer.claim_form": re.compile(r"photos"),
}
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class RefusedInput(BadRequest):
    """A 400 whose page says what was wrong (see `portal.errors`)."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__(description=message)
        self.title = title


def _unusable(values) -> bool:
    return any(UNUSABLE.search(value) for value in values if isinstance(value, str))


def _form_items() -> list[str]:
    found = []
    for key, values in request.form.lists():
        found.append(key)
        found.extend(values)
    for key, values in request.args.lists():
        found.append(key)
        found.extend(values)
    return found


def _bad_field_name(key) -> bool:
    """No page names a field with a line break or without a name (a multipart header
    broken by one parses to a part named None)."""
    return not isinstance(key, str) or any(unicodedata.category(c) == "Cc" for c in key)


def refuse_unusable_input() -> None:
    """Before any route: raise RefusedInput for text no page can use."""
    if _unusable([request.path]):
        raise RefusedInput(_("Some characters cannot be accepted"), _cannot_accept())
    if request.path.startswith("/webhooks/"):
        return  # the raw body is signed: the route reads it whole, untouched
    parsed_body = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    if not parsed_body and request.path.startswith("/api/"):
        values = [v for key, vals in request.args.lists() for v in (key, *vals)]
    else:
        values = _form_items()
    if _unusable(values):
        raise RefusedInput(_("Some characters cannot be accepted"), _cannot_accept())
    if parsed_body and any(
        _bad_field_name(key) for key in (*request.form.keys(), *request.files.keys())
    ):
        raise RefusedInput(_("Some characters cannot be accepted"), _cannot_accept())
    if parsed_body and request.files:
        allowed = FILE_FIELDS.get(request.endpoint or "")
        for name, upload in request.files.items(multi=True):
            if allowed is None or not allowed.fullmatch(name) or _unusable([upload.filename]):
                raise RefusedInput(
                    _("This form does not take files"),
                    _(
                        "This form does not take files here. Go back, type the text into "
                        "the field and try again."
                    ),
                )


def _cannot_accept() -> str:
    return _(
        "What you sent contains characters that cannot be accepted (invisible control "
        "characters, often pasted by accident). Go back, type the text again and retry."
    )


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that never yields more than a row id can be: larger numbers are a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


def bounded_int(raw, default: int | None = None) -> int | None:
    """`raw` as a whole number within ±MAX_ID, else `default`."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        text = (raw or "").strip() if isinstance(raw, str) else ""
        if not re.fullmatch(r"[+-]?\d{1,12}", text):
            return default
        value = int(text)
    return value if -MAX_ID <= value <= MAX_ID else default


def form_id(name: str) -> int | None:
    """A positive row id from the form, or None (missing, not a number, beyond any row)."""
    value = bounded_int(request.form.get(name))
    return value if value is not None and value > 0 else None


def is_single_line(text: str) -> bool:
    for char in text:
        if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            return False
    return True


class SingleLine:
    """WTForms validator: one line of printable text (names, e-mails, codes)."""

    def __init__(self, message=None) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        data = field.data
        # Surrounding whitespace (a pasted "\tT-00042\n") is stripped by every reader.
        if isinstance(data, str) and not is_single_line(data.strip()):
            raise ValidationError(
                self.message
                or _l(
                    "Use letters, digits and punctuation on one line "
                    "(no line breaks or control characters)."
                )
            )


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_unusable_input)

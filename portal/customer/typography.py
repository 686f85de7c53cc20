"""French typography on the customer's pages: a no-break space before « : ; ! ? » and
inside « », so that a colon never starts a line. Applied to the text of every customer
page answered in French (never inside tags, attributes, scripts, styles or form fields),
and available as the `typography` filter."""

from __future__ import annotations

import re

from flask import Response, g

from portal.customer.blueprint import bp
from portal.i18n import current_locale

NBSP = "\u00a0"
_TAG = re.compile(r"(<[^>]*>)")
_RAW = re.compile(r"<(/?)(script|style|textarea|pre|code)\b", re.IGNORECASE)
_SPACE_BEFORE = re.compile(r"[ \t]+([:;!?»])")  # "Total : 5" -> "Total\xa0: 5"
_GLUED_COLON = re.compile(r"(?<=[^\W\d_]):(?=\s|$)")  # "Total: 5" -> "Total\xa0: 5"
_AFTER_GUILLEMET = re.compile(r"«[ \t]*")
_BEFORE_GUILLEMET = re.compile(r"(?<=\S)»")


_TOUCHED = re.compile(r"[:;!?«»]")  # a piece without any of these is left as it is


def french(text: str) -> str:
    """One piece of text (no markup) set in French typography."""
    if not _TOUCHED.search(text) and NBSP + NBSP not in text:
        return text
    text = _SPACE_BEFORE.sub(NBSP + r"\1", text)
    text = _GLUED_COLON.sub(NBSP + ":", text)
    text = _AFTER_GUILLEMET.sub("«" + NBSP, text)
    return _BEFORE_GUILLEMET.sub(NBSP + "»", text).replace(NBSP + NBSP, NBSP)


def french_html(html: str) -> str:
    """`french` on the text between tags; tags and raw elements are left as they are."""
    out = []
    raw = 0
    for piece in _TAG.split(html):
        if piece.startswith("<"):
            found = _RAW.match(piece)
            if found:
                raw = max(raw + (-1 if found.group(1) else 1), 0)
            out.append(piece)
        elif raw or not piece.strip():
            out.append(piece)
        else:
            out.append(french(piece))
    return "".join(out)


@bp.app_template_filter("typography")
def typography(text: str) -> str:
    return french(text) if current_locale() == "fr" else text


@bp.after_request
def french_pages(response: Response) -> Response:
    if (
        not g.get("typography_done")
        and not 300 <= response.status_code < 400  # a redirect's body is never shown
        and response.mimetype == "text/html"
        and not response.is_streamed
        and not response.direct_passthrough
        and current_locale() == "fr"
    ):
        response.set_data(french_html(response.get_data(as_text=True)))
    return response

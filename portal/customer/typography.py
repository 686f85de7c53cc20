"""French typography on the customer's pages (the rule: portal/typography.py), applied to
the text of every customer page answered in French (never inside tags, attributes,
scripts, styles or form fields), and available as the `typography` filter."""

from __future__ import annotations

from flask import Response, g

from portal.customer.blueprint import bp
from portal.i18n import current_locale
from portal.typography import french, french_html


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

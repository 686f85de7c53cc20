"""The first pages' blank forms (find your order, find your gift), drawn once per language.

Every visitor of the start page gets the same HTML but for the CSRF token: the page is
rendered (and set in French typography) the first time for a language, kept with a slot
where the token goes, and then answered by putting this visitor's token in the slot.
Drawing the page took most of its CPU (the template, WTForms' fields, the typography).

Drawn afresh, never from the copy, when the page can differ from one visitor to another
or from one moment to the next: a message waiting to be shown (flash), a query string
(the language links carry the page's address), debug or template auto-reload.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g, render_template, request, session
from flask_wtf.csrf import generate_csrf

from portal.i18n import current_locale
from portal.typography import french_html

# what the layout shows from the settings: part of the copy's key, so a changed setting
# is a new copy
SHOWN_SETTINGS = ("SHOP_NAME", "SHOP_CONTACT_EMAIL", "SHOP_CONTACT_PHONE", "SHOP_CONTACT_HOURS")
SLOT = "\x00csrf-token\x00"  # no page text holds a NUL (`portal.edge` refuses them)
_CACHE = "portal.blank_forms"


def page(template: str, form: Callable[[], object]) -> str:
    """`template` with a blank `form()`, from the copy when it is the same for everyone."""
    app = current_app
    if app.debug or app.jinja_env.auto_reload or request.query_string or "_flashes" in session:
        return render_template(template, form=form())
    protected = app.config.get("WTF_CSRF_ENABLED", True)
    token = generate_csrf() if protected else None  # the one the form's field renders
    locale = current_locale()
    shown = tuple(app.config.get(name) for name in SHOWN_SETTINGS)
    key = (template, locale, request.script_root, protected, shown)
    copies = app.extensions.setdefault(_CACHE, {})
    html = copies.get(key)
    if html is None:
        html = render_template(template, form=form())
        if locale == "fr":
            html = french_html(html)
        if token:
            html = html.replace(token, SLOT)
        copies[key] = html
    g.typography_done = True  # set already, in the copy (`typography.french_pages`)
    return html.replace(SLOT, token) if token else html

"""The words and dates of labels and gift receipts, in the label's locale, through Babel.

Words are gettext messages: the English text in ``labels/*.py`` is the message id, marked
with ``_`` and ``ngettext`` so Babel's extractor finds it, and the French catalog is
``labels/translations/fr/LC_MESSAGES/labels.po`` (domain ``labels``, apart from the
portal's, since this package knows nothing of Flask). After changing a message:

    .venv/bin/pybabel extract -o /tmp/labels.pot labels
    .venv/bin/pybabel update -D labels -i /tmp/labels.pot -d labels/translations

then translate the new entries; ``tests/labels/test_i18n.py`` fails while one is missing.
The catalog is read with Babel on first use in each process (no compiled ``.mo`` needed).
Dates are CLDR's, from Babel, in the same ``medium`` form as the portal's pages and
e-mails (``portal.i18n.fmt_date``): 23 déc. 2026, Dec 23, 2026.
"""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Callable
from pathlib import Path

from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

TRANSLATIONS = Path(__file__).parent / "translations"
DOMAIN = "labels"
SOURCE_LOCALE = "en"  # the language of the message ids
DATE_FORMAT = "medium"

Gettext = Callable[..., str]
Ngettext = Callable[..., str]


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The ``labels`` catalog for ``locale``, read once per process (English: the ids)."""
    if locale == SOURCE_LOCALE:
        return NullTranslations()
    po = TRANSLATIONS / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@functools.cache
def gettext_in(locale: str) -> Gettext:
    """``_`` for ``locale``: ``_(message, **values)`` translates, then fills ``%(name)s`` fields."""
    catalog = translations(locale)

    def gettext(message: str, /, **values: object) -> str:
        text = catalog.gettext(message)
        return text % values if values else text

    return gettext


@functools.cache
def ngettext_in(locale: str) -> Ngettext:
    """``ngettext(singular, plural, n, **values)`` for ``locale``; ``num=n`` is always filled."""
    catalog = translations(locale)

    def ngettext(singular: str, plural: str, n: int, /, **values: object) -> str:
        return catalog.ngettext(singular, plural, n) % {"num": n, **values}

    return ngettext


@functools.lru_cache(maxsize=512)  # a label's days are today's and a few weeks on
def format_date(locale: str, day: datetime.date) -> str:
    """``day`` in CLDR's medium form for ``locale``: 23 déc. 2026, Dec 23, 2026."""
    return babel_format_date(day, DATE_FORMAT, locale=locale)

"""The labels' gettext catalog: every message in labels/ is translated, fields match."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import labels
from labels.i18n import TRANSLATIONS

SOURCE = Path(labels.__file__).parent


def source_messages() -> set[str | tuple[str, ...]]:
    """The message ids marked with ``_``/``ngettext`` in labels/*.py, as Babel extracts them."""
    return {message for _, _, message, _, _ in extract_from_dir(SOURCE)}


def french_catalog():
    with (TRANSLATIONS / "fr" / "LC_MESSAGES" / "labels.po").open("rb") as fh:
        return read_po(fh, locale="fr")


def test_every_message_is_translated_into_french():
    catalog = french_catalog()
    messages = source_messages()

    assert len(messages) > 20  # the extractor really found the label's words
    for message in messages:
        entry = catalog.get(message if isinstance(message, str) else message[0])
        assert entry is not None, f"missing from labels.po: {message!r}"
        assert not entry.fuzzy, message
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(strings), f"untranslated: {message!r}"


def test_catalog_has_no_stale_entries_and_its_fields_match():
    catalog = french_catalog()
    ids = {m if isinstance(m, str) else m[0] for m in source_messages()}

    assert {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id} == ids
    assert [(m.id, errors) for m, errors in catalog.check()] == []

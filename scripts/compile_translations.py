"""Compile portal/translations/*/LC_MESSAGES/messages.po into .mo when stale.

`make` does this through pybabel; the test suite calls `compile_all()` too, so a
plain `pytest` run sees the same translations.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "portal" / "translations"


def compile_all() -> list[Path]:
    written = []
    for po in ROOT.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh)
        with mo.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=True)
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"compiled {path}")

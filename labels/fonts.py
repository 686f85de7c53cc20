"""DejaVu Sans for the labels, registered with ReportLab as ordinary TrueType fonts.

The files in ``labels/fonts`` are DejaVu Sans 2.37 cut down by ``scripts/subset_label_fonts.py``
(fontTools) to the scripts a European shop's labels need (Latin, Greek, Cyrillic and common
punctuation), without hinting or OpenType layout tables. Each PDF embeds a subset of each,
made as ReportLab makes it (``labels.subset``); the smaller source tables make that quick.
A character outside the fonts prints as DejaVu's ``.notdef`` box. Registration happens on
first use, never at import.
"""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR = "RetoursLabelSans"
BOLD = "RetoursLabelSans-Bold"
FILES = {REGULAR: "DejaVuSans-Labels.ttf", BOLD: "DejaVuSans-Bold-Labels.ttf"}


@functools.cache
def register_fonts() -> tuple[str, str]:
    """Register the regular and bold label fonts with ReportLab (once) and return their names.

    ``asciiReadable=False``: ReportLab then numbers the characters of each PDF in order of
    use, so a label's text (fewer than 256 distinct characters) needs one embedded subset
    per font instead of an ASCII one plus one for the accents.
    """
    for name, file in FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file), asciiReadable=False))
    return REGULAR, BOLD

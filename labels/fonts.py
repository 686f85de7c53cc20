"""DejaVu Sans for the labels, embedded as TrueType subsets that are cached across documents.

ReportLab subsets a TrueType font afresh for every PDF (parse, rebuild, compress the glyph
data), which costs several milliseconds per document. Here the subsets are fixed instead:
subset 0 holds ASCII and what French needs (accents, œ, €, quotes, dashes), subset 1
the other Latin letters used in Europe (rest of Latin-1, Latin Extended-A, ș/ț). Their embedded
objects are built once per process and reused byte for byte, so output stays
deterministic. Only the subsets a document actually uses are embedded. Characters outside
both (Greek, Cyrillic, ...) still work: they go to extra per-document subsets, built the
slow way by ReportLab and kept in a small cache.
"""

from __future__ import annotations

import functools
import zlib
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, makeToUnicodeCMap

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR = "RetoursLabelSans"
BOLD = "RetoursLabelSans-Bold"

# Subset 0: ASCII plus what French text needs; subset 1: the other Latin letters of Europe.
_FRENCH = "àâäæçéèêëîïôöùûüÿœÀÂÄÆÇÉÈÊËÎÏÔÖÙÛÜŸŒ«»€’‘“”–—…•×°·"
_OTHER_LATIN = "".join(
    ch
    for ch in [chr(c) for c in range(0xA1, 0x180)] + list("ȘșȚțƒ‚„†‡‰‹›™ˆ˜")
    if ch not in _FRENCH and ch.isprintable()
)


def _fixed_subsets() -> list[list[int]]:
    """Code tables of the two fixed subsets (code 0 = .notdef, code 32 = space)."""
    first = [0] * 32 + list(range(32, 127))
    extras = [ord(c) for c in _FRENCH]
    first[1:32] = extras[:31]
    first += extras[31:]
    second = [0] + [ord(c) for c in _OTHER_LATIN[:31]] + [32]
    second += [ord(c) for c in _OTHER_LATIN[31:]]
    assert len(first) <= 256 and len(second) <= 256
    return [first, second]


class _Widths(dict):
    """Advance widths per character in em (1/1000 of the font's unit), default for others."""

    def __init__(self, default: float) -> None:
        super().__init__()
        self.default = default

    def __missing__(self, key: str) -> float:
        return self.default


class _CachedSubsetTTFont(TTFont):
    """A TTFont whose first two subsets are fixed, so their PDF objects can be reused."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename, asciiReadable=True)
        charmap = self.face.charToGlyph
        self._fixed = _fixed_subsets()
        for subset in self._fixed:  # keep only the glyphs this font really has
            for i, code in enumerate(subset):
                if code not in charmap and code != 32:
                    subset[i] = 0
        self._fixed_tuples = [tuple(s) for s in self._fixed]
        self._assign = {
            code: n * 256 + i
            for n, s in enumerate(self._fixed)
            for i, code in enumerate(s)
            if code and (n == 0 or code != 32)
        }
        self.char_widths = _Widths(self.face.defaultWidth / 1000)
        self.char_widths.update((chr(c), w / 1000) for c, w in self.face.charWidths.items())

    def _seeded_state(self) -> Any:
        state = TTFont.State(True, self)
        state.subsets = [list(s) for s in self._fixed]
        state.assignments = dict(self._assign)
        state.assignments[0] = 0
        state.nextCode = 512  # characters outside the fixed subsets start subset 2
        state.used = set()
        return state

    def _doc_state(self, doc: Any) -> Any:
        state = self.state.get(doc)
        if state is None:
            state = self.state[doc] = self._seeded_state()
        return state

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> list:  # noqa: N802
        state = self._doc_state(doc)
        chunks = super().splitString(text, doc, encoding)
        state.used.update(n for n, _ in chunks)
        return chunks

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:  # noqa: N802
        self._doc_state(doc)
        return super().getSubsetInternalName(subset, doc)

    def addObjects(self, doc: Any) -> None:  # noqa: N802
        """Add the font and descriptor objects of the subsets this document used."""
        state = self._doc_state(doc)
        state.frozen = 1
        fonts = doc.idToObject["BasicFonts"].dict
        for n, subset in enumerate(state.subsets):
            if n not in state.used:
                continue
            internal = self.getSubsetInternalName(n, doc)[1:]
            parts = _subset_objects(self, n, tuple(subset))
            base = parts["base"]
            font_file = pdfdoc.PDFStream(
                pdfdoc.PDFDictionary({"Filter": "/FlateDecode", "Length1": parts["length1"]}),
                parts["font_file"],
            )
            descriptor = pdfdoc.PDFDictionary(dict(parts["descriptor"]))
            descriptor["FontFile2"] = doc.Reference(font_file, f"fontFile:{base}")
            cmap = pdfdoc.PDFStream(
                pdfdoc.PDFDictionary({"Filter": "/FlateDecode"}), parts["to_unicode"]
            )
            font = pdfdoc.PDFTrueTypeFont()
            font.Name = internal
            font.BaseFont = base
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = parts["widths"]
            font.ToUnicode = doc.Reference(cmap, f"toUnicodeCMap:{base}")
            font.FontDescriptor = doc.Reference(descriptor, f"fontDescriptor:{base}")
            doc.Reference(font, internal)
            fonts[internal] = font
        del self.state[doc]


@functools.lru_cache(maxsize=64)
def _subset_objects(font: _CachedSubsetTTFont, n: int, subset: tuple[int, ...]) -> dict:
    """The document-independent parts of one embedded subset, ready-formatted."""
    face = font.face
    base = (SUBSETN(n) + b"+" + face.name + face.subfontNameX).decode("pdfdoc")
    program = face.makeSubset(list(subset))
    widths = " ".join(pdfdoc.format(face.getCharWidth(c), None) .decode() for c in subset)
    flags = (face.flags & ~(1 << 5)) | (1 << 2)  # symbolic, as ReportLab declares subsets
    descriptor = {
        "Type": "/FontDescriptor",
        "Ascent": face.ascent,
        "CapHeight": face.capHeight,
        "Descent": face.descent,
        "Flags": flags,
        "FontBBox": pdfdoc.PDFArray(face.bbox),
        "FontName": pdfdoc.PDFName(base),
        "ItalicAngle": face.italicAngle,
        "StemV": face.stemV,
        "MissingWidth": face.defaultWidth,
    }
    return {
        "base": base,
        "length1": len(program),
        "font_file": zlib.compress(program),
        "to_unicode": zlib.compress(makeToUnicodeCMap(base, list(subset)).encode("latin-1")),
        "widths": f"[ {widths} ]".encode(),
        "descriptor": descriptor,
    }


@functools.cache
def register_fonts() -> tuple[str, str]:
    """Register the regular and bold label fonts with ReportLab (once) and return their names."""
    for name, file in ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        pdfmetrics.registerFont(_CachedSubsetTTFont(name, str(FONT_DIR / file)))
    return REGULAR, BOLD

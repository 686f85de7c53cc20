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
from dataclasses import dataclass
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
        """Add the font, descriptor, program and ToUnicode objects of the subsets used."""
        state = self._doc_state(doc)
        state.frozen = 1
        fonts = doc.idToObject["BasicFonts"].dict
        for n, subset in enumerate(state.subsets):
            if n not in state.used:
                continue
            internal = self.getSubsetInternalName(n, doc)[1:]
            parts = _subset_objects(self, n, tuple(subset))
            base = parts.base
            program = doc.Reference(_Raw(parts.program), f"fontFile:{base}")
            descriptor = doc.Reference(_Raw(parts.descriptor, program), f"fontDescriptor:{base}")
            cmap = doc.Reference(_Raw(parts.to_unicode), f"toUnicodeCMap:{base}")
            font = _Raw(parts.font, descriptor, internal.encode("ascii"), cmap)
            doc.Reference(font, internal)
            fonts[internal] = font
        del self.state[doc]


class _Raw(pdfdoc.PDFObject):
    """A PDF object formatted in advance; its ``%s`` slots get references or names."""

    __RefOnly__ = 1

    def __init__(self, template: bytes, *slots: Any) -> None:
        self.template = template
        self.slots = slots

    def format(self, document: Any) -> bytes:
        """The object's bytes for ``document``."""
        if not self.slots:
            return self.template
        return self.template % tuple(
            s if isinstance(s, bytes) else s.format(document) for s in self.slots
        )


@dataclass(frozen=True)
class _SubsetObjects:
    base: str
    font: bytes  # slots: FontDescriptor ref, Name, ToUnicode ref
    descriptor: bytes  # slot: FontFile2 ref
    program: bytes
    to_unicode: bytes


def _stream(data: bytes, **extra: int) -> bytes:
    packed = zlib.compress(data)
    keys = "".join(f" /{k} {v}" for k, v in extra.items())
    return b"<< /Filter /FlateDecode /Length %d%s >>\nstream\n%s\nendstream\n" % (
        len(packed),
        keys.encode("ascii"),
        packed,
    )


@functools.lru_cache(maxsize=64)
def _subset_objects(font: _CachedSubsetTTFont, n: int, subset: tuple[int, ...]) -> _SubsetObjects:
    """The document-independent parts of one embedded subset, formatted once."""
    face = font.face
    base = (SUBSETN(n) + b"+" + face.name + face.subfontNameX).decode("pdfdoc")

    def fmt(value: Any) -> bytes:
        return pdfdoc.format(value, None)

    widths = b" ".join(fmt(face.getCharWidth(c)) for c in subset)
    flags = (face.flags & ~(1 << 5)) | (1 << 2)  # symbolic, as ReportLab declares subsets
    bbox = b" ".join(fmt(v) for v in face.bbox)
    descriptor = b"".join(
        (
            b"<< /Ascent %s /CapHeight %s /Descent %s"
            % tuple(map(fmt, (face.ascent, face.capHeight, face.descent))),
            b" /Flags %d /FontBBox [ %s ] /FontFile2 %%s /FontName /%s"
            % (flags, bbox, base.encode()),
            b" /ItalicAngle %s /MissingWidth %s /StemV %s /Type /FontDescriptor >>"
            % tuple(map(fmt, (face.italicAngle, face.defaultWidth, face.stemV))),
        )
    )
    font_dict = (
        b"<< /BaseFont /%s /FirstChar 0 /FontDescriptor %%s /LastChar %d /Name /%%s"
        b" /Subtype /TrueType /ToUnicode %%s /Type /Font /Widths [ %s ] >>"
        % (base.encode(), len(subset) - 1, widths)
    )
    program = face.makeSubset(list(subset))
    cmap = makeToUnicodeCMap(base, list(subset)).encode("latin-1")
    return _SubsetObjects(
        base=base,
        font=font_dict,
        descriptor=descriptor,
        program=_stream(program, Length1=len(program)),
        to_unicode=_stream(cmap),
    )


@functools.cache
def register_fonts() -> tuple[str, str]:
    """Register the regular and bold label fonts with ReportLab (once) and return their names."""
    for name, file in ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        pdfmetrics.registerFont(_CachedSubsetTTFont(name, str(FONT_DIR / file)))
    return REGULAR, BOLD

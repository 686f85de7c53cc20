"""TrueType subsets for the labels' PDFs: ReportLab's ``makeSubset``, byte for byte, with
what does not depend on the subset read once per font.

ReportLab's subsetter reads every glyph's header from the font file again for each PDF
(seeks and two-byte reads to find a composite's parts), copies the tables that never
change and sums them again. Here each glyph's bytes and the positions of its component
references, the unchanging tables and their checksums are kept per font face; a subset
costs the glyph list, the tables that depend on it and the file's checksum.
``tests/labels/test_subset.py`` compares the output with ReportLab's.
"""

from __future__ import annotations

import contextlib
import functools
from struct import pack, unpack_from

from reportlab.lib.rl_accel import add32, calcChecksum
from reportlab.pdfbase.ttfonts import (
    GF_ARG_1_AND_2_ARE_WORDS,
    GF_MORE_COMPONENTS,
    GF_WE_HAVE_A_SCALE,
    GF_WE_HAVE_A_TWO_BY_TWO,
    GF_WE_HAVE_AN_X_AND_Y_SCALE,
)

_COPIED = ("name", "OS/2", "cvt ", "fpgm", "prep")


class _Face:
    """What the subsets of one font face share."""

    def __init__(self, face) -> None:
        self.char_to_glyph = face.charToGlyph
        self.hmetrics = face.hmetrics
        glyf = face.get_table("glyf")
        positions = face.glyphPos
        self.glyphs: list[bytes] = []
        self.parts: list[tuple[tuple[int, int], ...]] = []  # (offset of the id, id)
        for i in range(len(positions) - 1):
            data = glyf[positions[i] : positions[i + 1]]
            self.glyphs.append(data)
            self.parts.append(_components(data))
        tables = {}
        for tag in _COPIED:
            with contextlib.suppress(KeyError):  # cvt, fpgm, prep may be missing
                tables[tag] = face.get_table(tag)
        tables["post"] = b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16
        self.fixed = {tag: (data, calcChecksum(data)) for tag, data in tables.items()}
        self.hhea = face.get_table("hhea")
        self.maxp = face.get_table("maxp")
        head = face.get_table("head")
        self.head = head[:8] + b"\0\0\0\0" + head[12:]  # checkSumAdjustment, set last


def _components(data: bytes) -> tuple[tuple[int, int], ...]:
    if len(data) <= 2 or unpack_from(">h", data)[0] >= 0:
        return ()
    parts, pos, flags = [], 10, GF_MORE_COMPONENTS
    while flags & GF_MORE_COMPONENTS:
        flags, glyph = unpack_from(">HH", data, pos)
        parts.append((pos + 2, glyph))
        pos += 8 if flags & GF_ARG_1_AND_2_ARE_WORDS else 6
        if flags & GF_WE_HAVE_A_SCALE:
            pos += 2
        elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
            pos += 4
        elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
            pos += 8
    return tuple(parts)


@functools.cache
def _face(face) -> _Face:
    return _Face(face)


def make_subset(face, subset: list[int]) -> bytes:
    """The TrueType program of ``subset`` (character codes, in the PDF's code order)."""
    f = _face(face)
    glyph_map = [0]  # new glyph index -> old
    glyph_set = {0: 0}  # old -> new
    code_to_glyph = {}
    char_to_glyph = f.char_to_glyph
    for code in subset:
        old = char_to_glyph.get(code, 0)
        if old not in glyph_set:
            glyph_set[old] = len(glyph_map)
            glyph_map.append(old)
        code_to_glyph[code] = glyph_set[old]
    n = 0
    parts = f.parts
    while n < len(glyph_map):  # the parts of composite glyphs, added as they are met
        for _pos, old in parts[glyph_map[n]]:
            if old not in glyph_set:
                glyph_set[old] = len(glyph_map)
                glyph_map.append(old)
        n += 1
    count = len(glyph_map)

    hmtx = []
    for old in glyph_map:
        aw, lsb = f.hmetrics[old]
        hmtx.append(int(aw))
        hmtx.append(int(lsb))
    n = len(hmtx) - 2
    while n and hmtx[n] == hmtx[n - 2]:
        n -= 2
    n += 2
    full_pairs = n >> 1
    hmtx = hmtx[:n] + hmtx[n + 1 :: 2]

    cmap = [0, 1, 1, 0, 0, 12, 6, 10 + len(subset) * 2, 0, 0, len(subset)]
    cmap.extend(map(code_to_glyph.get, subset))

    glyf, offsets, pos = [], [], 0
    for old in glyph_map:
        offsets.append(pos)
        data = f.glyphs[old]
        if parts[old]:
            data = bytearray(data)
            for at, part in parts[old]:
                data[at : at + 2] = pack(">H", glyph_set[part])
            data = bytes(data)
        glyf.append(data)
        pos += len(data)
        if pos % 4:
            glyf.append(b"\0" * (4 - pos % 4))
            pos += 4 - pos % 4
    offsets.append(pos)
    if (pos + 1) >> 1 > 0xFFFF:
        loc_format, loca = 1, pack(f">{len(offsets)}L", *offsets)
    else:
        loc_format, loca = 0, pack(f">{len(offsets)}H", *(o >> 1 for o in offsets))

    tables = dict(f.fixed)
    for tag, data in (
        ("hmtx", pack(f">{len(hmtx)}H", *hmtx)),
        ("hhea", f.hhea[:34] + pack(">H", full_pairs) + f.hhea[36:]),
        ("maxp", f.maxp[:4] + pack(">H", count) + f.maxp[6:]),
        ("cmap", pack(f">{len(cmap)}H", *cmap)),
        ("glyf", b"".join(glyf)),
        ("loca", loca),
        ("head", f.head[:50] + pack(">H", loc_format) + f.head[52:]),
    ):
        tables[tag] = (data, calcChecksum(data))
    return _stream(tables)


def _stream(tables: dict[str, tuple[bytes, int]]) -> bytes:
    """ReportLab's ``TTFontMaker.makeStream``: the directory, the tables (padded to four
    bytes) in tag order, and the file's checksum in ``head``."""
    count = len(tables)
    search, selector = 1, 0
    while search * 2 <= count:
        search *= 2
        selector += 1
    out = [pack(">lHHHH", 0x00010000, count, search * 16, selector, count * 16 - search * 16)]
    body = []
    offset = 12 + count * 16
    head_at = 0
    for tag, (data, checksum) in sorted(tables.items()):
        if tag == "head":
            head_at = offset
        out.append(tag.encode("latin-1") + pack(">LLL", checksum, offset, len(data)))
        padded = (len(data) + 3) & ~3
        body.append(data + b"\0" * (padded - len(data)))
        offset += padded
    program = b"".join(out + body)
    adjustment = pack(">L", add32(0xB1B0AFBA, -calcChecksum(program)))
    return program[: head_at + 8] + adjustment + program[head_at + 12 :]

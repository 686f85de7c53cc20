"""A fast QR Code encoder (byte mode) built on ReportLab's QR tables.

ReportLab's own ``reportlab.graphics.barcode.qr`` needs ~7 ms per code in pure Python
(polynomial Reed-Solomon and a list-based mask search), more than the whole label's time
budget. This module produces the same symbol as ReportLab's ``qrencoder.QRCode`` for a
given mask (the tests check this), but:

* the Reed-Solomon remainder is computed on one integer register with a per-factor table;
* everything that depends only on the version (function patterns, the zig-zag data order,
  the eight masks, format bits) is built once per version and cached;
* the eight candidate masks are scored with the ISO 18004 penalty rules evaluated on the
  whole matrix at once, as big-integer bit operations (rows and columns).
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from types import ModuleType

_EXP = [0] * 512
_LOG = [0] * 256
_v = 1
for _i in range(255):
    _EXP[_i] = _v
    _LOG[_v] = _i
    _v <<= 1
    if _v & 0x100:
        _v ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]

_MASKS = (
    lambda r, c: (r + c) % 2 == 0,
    lambda r, c: r % 2 == 0,
    lambda r, c: c % 3 == 0,
    lambda r, c: (r + c) % 3 == 0,
    lambda r, c: (r // 2 + c // 3) % 2 == 0,
    lambda r, c: (r * c) % 2 + (r * c) % 3 == 0,
    lambda r, c: ((r * c) % 2 + (r * c) % 3) % 2 == 0,
    lambda r, c: ((r * c) % 3 + (r + c) % 2) % 2 == 0,
)

LEVELS = {"L": 1, "M": 0, "Q": 3, "H": 2}  # the format-information bits (ISO 18004)
_FINDER = (  # with its light separator; placed at (-1, -1) and the two other corners
    ".........",
    ".#######.",
    ".#.....#.",
    ".#.###.#.",
    ".#.###.#.",
    ".#.###.#.",
    ".#.....#.",
    ".#######.",
    ".........",
)
_ALIGNMENT = ("#####", "#...#", "#.#.#", "#...#", "#####")


@functools.cache
def _rl() -> ModuleType:
    """ReportLab's QR tables, imported on first use (the barcode package takes ~70 ms)."""
    from reportlab.graphics.barcode import qrencoder

    return qrencoder


@dataclass(frozen=True)
class QrSymbol:
    """An encoded symbol: ``rows[r][c] == "1"`` means a dark module (row 0 at the top)."""

    version: int
    mask: int
    rows: tuple[str, ...]

    @property
    def size(self) -> int:
        """Modules per side, without the quiet zone."""
        return len(self.rows)


@functools.cache
def _rs_table(ec_count: int) -> tuple[int, ...]:
    """For each factor f, the generator polynomial times f, packed big-endian into an int."""
    gen = [1]
    for i in range(ec_count):  # multiply by (x - a^i)
        nxt = [0] * (len(gen) + 1)
        for j, g in enumerate(gen):
            nxt[j] ^= g
            if g:
                nxt[j + 1] ^= _EXP[_LOG[g] + i]
        gen = nxt
    table = [0]
    for f in range(1, 256):
        lf = _LOG[f]
        prod = bytes(_EXP[lf + _LOG[g]] if g else 0 for g in gen[1:])
        table.append(int.from_bytes(prod, "big"))
    return tuple(table)


def _rs_remainder(data: bytes, ec_count: int) -> bytes:
    table = _rs_table(ec_count)
    shift = 8 * (ec_count - 1)
    full = (1 << (8 * ec_count)) - 1
    reg = 0
    for byte in data:
        reg = ((reg << 8) & full) ^ table[byte ^ (reg >> shift)]
    return reg.to_bytes(ec_count, "big")


def _codewords(payload: bytes, version: int, level: int) -> bytes:
    """Byte-mode data bits, padding, and interleaved data + error-correction blocks."""
    blocks = _rl().QRRSBlock.getRSBlocks(version, level)
    capacity = sum(b.dataCount for b in blocks)
    count_bits = 8 if version < 10 else 16
    bits = (0b0100 << count_bits | len(payload)) << (8 * len(payload))
    bits |= int.from_bytes(payload, "big")
    nbits = 4 + count_bits + 8 * len(payload)
    term = min(4, capacity * 8 - nbits)
    bits <<= term
    nbits += term
    pad = -nbits % 8
    data = (bits << pad).to_bytes((nbits + pad) // 8, "big")
    data += bytes((0xEC, 0x11) * capacity)[: capacity - len(data)]
    dc, ec, pos = [], [], 0
    for b in blocks:
        chunk = data[pos : pos + b.dataCount]
        pos += b.dataCount
        dc.append(chunk)
        ec.append(_rs_remainder(chunk, b.totalCount - b.dataCount))
    out = bytearray()
    for group in (dc, ec):
        for i in range(max(len(g) for g in group)):
            out.extend(g[i] for g in group if i < len(g))
    return bytes(out)


def _capacity_bits(version: int, level: int) -> int:
    return 8 * sum(b.dataCount for b in _rl().QRRSBlock.getRSBlocks(version, level))


def _choose_version(length: int, level: int) -> int:
    for version in range(1, 41):
        need = 4 + (8 if version < 10 else 16) + 8 * length
        if need <= _capacity_bits(version, level):
            return version
    raise ValueError(f"{length} bytes do not fit in a QR code")


def _format_cells(n: int, bits: int) -> list[tuple[int, int]]:
    """Dark cells of the 15 format bits (both copies), plus the always-dark module."""
    cells = [(n - 8, 8)]
    for i in range(15):
        if not (bits >> i) & 1:
            continue
        cells.append((i if i < 6 else i + 1 if i < 8 else n - 15 + i, 8))
        cells.append((8, n - i - 1 if i < 8 else 7 if i == 8 else 14 - i))
    return cells


@dataclass(frozen=True)
class _Layout:
    n: int
    stride: int
    rows_getter: operator.itemgetter
    cols_getter: operator.itemgetter
    data_bits: int
    valid: int
    masks: tuple[tuple[int, int], ...]  # per mask: (row-major, column-major) bits


def _pack(n: int, stride: int, cells: set[tuple[int, int]], transpose: bool) -> int:
    """Cells as one integer: char (r * stride + c) of a binary string, MSB first."""
    chars = bytearray(b"0" * (n * stride))
    for r, c in cells:
        chars[(c * stride + r) if transpose else (r * stride + c)] = 0x31
    return int(chars, 2)


@functools.cache
def _layout(version: int) -> _Layout:
    n = 4 * version + 17
    grid: list[list[bool | None]] = [[None] * n for _ in range(n)]

    def put(r0: int, c0: int, pattern: tuple[str, ...]) -> None:
        for dr, line in enumerate(pattern):
            for dc, ch in enumerate(line):
                if 0 <= r0 + dr < n and 0 <= c0 + dc < n:
                    grid[r0 + dr][c0 + dc] = ch == "#"

    for r0, c0 in ((-1, -1), (n - 8, -1), (-1, n - 8)):
        put(r0, c0, _FINDER)
    for i in range(8, n - 8):
        grid[6][i] = grid[i][6] = i % 2 == 0
    centres = _rl().QRUtil.getPatternPosition(version)
    for r in centres:
        for c in centres:
            if not ((r <= 8 and (c <= 8 or c >= n - 8)) or (c <= 8 and r >= n - 8)):
                put(r - 2, c - 2, _ALIGNMENT)
    for i in range(9):  # format areas, filled per mask by _format_bits
        for r, c in ((8, i), (i, 8)) + (((8, n - 1 - i), (n - 1 - i, 8)) if i < 8 else ()):
            if grid[r][c] is None:
                grid[r][c] = False
    if version >= 7:
        info = _rl().QRUtil.getBCHTypeNumber(version)
        for i in range(18):
            dark = bool((info >> i) & 1)
            grid[i // 3][i % 3 + n - 11] = grid[i % 3 + n - 11][i // 3] = dark

    order: list[tuple[int, int]] = []
    col, upward = n - 1, True
    while col > 0:
        if col == 6:
            col -= 1
        for r in range(n - 1, -1, -1) if upward else range(n):
            order.extend((r, c) for c in (col, col - 1) if grid[r][c] is None)
        upward = not upward
        col -= 2

    stride = n + 1
    zero, one = len(order), len(order) + 1
    index = {cell: i for i, cell in enumerate(order)}
    rows_idx, cols_idx = [], []
    for a in range(n):
        for b in range(stride):
            for idx, (r, c) in ((rows_idx, (a, b)), (cols_idx, (b, a))):
                if b == n:
                    idx.append(zero)
                elif (r, c) in index:
                    idx.append(index[(r, c)])
                else:
                    idx.append(one if grid[r][c] else zero)
    all_cells = {(r, c) for r in range(n) for c in range(n)}
    masks = []
    for m in range(8):
        cells = {cell for cell in order if _MASKS[m](*cell)}
        masks.append((_pack(n, stride, cells, False), _pack(n, stride, cells, True)))
    return _Layout(
        n=n,
        stride=stride,
        rows_getter=operator.itemgetter(*rows_idx),
        cols_getter=operator.itemgetter(*cols_idx),
        data_bits=len(order),
        valid=_pack(n, stride, all_cells, False),
        masks=tuple(masks),
    )


@functools.cache
def _format_bits(version: int, level: int, mask: int) -> tuple[int, int]:
    lay = _layout(version)
    cells = set(_format_cells(lay.n, _rl().QRUtil.getBCHTypeInfo((level << 3) | mask)))
    return _pack(lay.n, lay.stride, cells, False), _pack(lay.n, lay.stride, cells, True)


def _line_penalty(dark: int, light: int) -> int:
    """Rules 1 (runs of five or more) and 3 (finder-like 1:1:3:1:1 with four light)."""
    score = 0
    for v in (dark, light):
        run5 = v & v >> 1 & v >> 2 & v >> 3 & v >> 4
        score += run5.bit_count() + 2 * (run5 & ~(run5 >> 1)).bit_count()
    core = dark & light >> 1 & dark >> 2 & dark >> 3 & dark >> 4 & light >> 5 & dark >> 6
    quiet4 = light & light >> 1 & light >> 2 & light >> 3
    return score + 40 * ((core & quiet4 >> 7).bit_count() + (quiet4 & core >> 4).bit_count())


def _penalty(rows: int, cols: int, lay: _Layout) -> int:
    light_rows, light_cols = rows ^ lay.valid, cols ^ lay.valid
    score = _line_penalty(rows, light_rows) + _line_penalty(cols, light_cols)
    s = lay.stride
    for v in (rows, light_rows):
        score += 3 * (v & v >> 1 & v >> s & v >> (s + 1)).bit_count()
    dark_pct = 100 * rows.bit_count() // (lay.n * lay.n)
    return score + 10 * (abs(dark_pct - 50) // 5)


def encode(text: str, level: str = "M", mask: int | None = None) -> QrSymbol:
    """Encode ``text`` (UTF-8, byte mode). ``mask`` None picks the lowest-penalty mask."""
    payload = text.encode("utf-8")
    lvl = LEVELS[level]
    version = _choose_version(len(payload), lvl)
    lay = _layout(version)
    words = _codewords(payload, version, lvl)
    bits = format(int.from_bytes(words, "big"), f"0{8 * len(words)}b")
    src = bits.ljust(lay.data_bits, "0") + "01"
    base_rows = int("".join(lay.rows_getter(src)), 2)
    base_cols = int("".join(lay.cols_getter(src)), 2)

    def masked(m: int) -> tuple[int, int]:
        fmt_r, fmt_c = _format_bits(version, lvl, m)
        return base_rows ^ lay.masks[m][0] | fmt_r, base_cols ^ lay.masks[m][1] | fmt_c

    if mask is None:
        mask = min(range(8), key=lambda m: _penalty(*masked(m), lay))
    text_bits = format(masked(mask)[0], f"0{lay.n * lay.stride}b")
    s, n = lay.stride, lay.n
    return QrSymbol(version, mask, tuple(text_bits[r * s : r * s + n] for r in range(n)))

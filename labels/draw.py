"""Drawing helpers shared by the label and the gift receipt: fitted text, barcodes."""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Iterable

from reportlab.pdfbase.pdfmetrics import stringWidth

from labels import qr
from labels.fonts import register_fonts
from labels.pdf import Page

ELLIPSIS = "…"


# ReportLab keeps each registered TTFont's subsetting state (which glyphs went into which
# subset) on the shared font object, keyed by document: two documents built at once in
# two threads write that state together and can fail (IndexError in ttfonts) or mix
# subsets. One PDF at a time per process, then: rendering takes a few milliseconds.
RENDER_LOCK = threading.Lock()


def one_at_a_time(render):
    """Decorate a function that builds a whole PDF: it runs under RENDER_LOCK."""

    @functools.wraps(render)
    def locked(*args, **kwargs):
        with RENDER_LOCK:
            return render(*args, **kwargs)

    return locked


def num(value: float, digits: int = 2) -> str:
    """A PDF number with at most ``digits`` decimals (deterministic, no exponent)."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def clean(text: str) -> str:
    """NFC-normalised (so é typed as e + accent still uses the é glyph), spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class Pen:
    """A page plus the label fonts, with text that always fits its box.

    The page (``labels.pdf.Page``) takes the text (ReportLab's TrueType fonts, subset and
    embedded), the rules, and the barcodes' rectangles as whole PDF path operators built
    here (``literal``). All text goes into one text block, drawn over the graphics.
    """

    def __init__(self, pagesize: tuple[float, float], title: str) -> None:
        self.fonts = register_fonts()  # (regular, bold) font names
        self.page = Page(pagesize, title)
        self._line_width: float | None = None

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Width of ``text`` in points."""
        return stringWidth(text, self.fonts[bold], size)

    def fit(
        self, text: str, size: float, max_width: float, bold: bool = False, min_size: float = 0
    ) -> tuple[str, float]:
        """Shrink ``text`` towards ``min_size``, then cut it with an ellipsis, to fit."""
        text = clean(text)
        width = self.width(text, size, bold)
        if width <= max_width:
            return text, size
        if min_size and min_size < size:
            shrunk = max(min_size, int(size * max_width / width * 10) / 10)
            if self.width(text, shrunk, bold) <= max_width:
                return text, shrunk
            size = min_size
        return self.truncate(text, size, max_width, bold), size

    def truncate(self, text: str, size: float, max_width: float, bold: bool = False) -> str:
        """Cut ``text`` so that it plus an ellipsis fits ``max_width``."""
        if self.width(text, size, bold) <= max_width:
            return text
        lo, hi = 0, len(text)
        while lo < hi:  # longest prefix that fits with the ellipsis
            mid = (lo + hi + 1) // 2
            if self.width(text[:mid].rstrip() + ELLIPSIS, size, bold) <= max_width:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo].rstrip() + ELLIPSIS

    def wrap(
        self, text: str, size: float, max_width: float, max_lines: int, bold: bool = False
    ) -> list[str]:
        """Word-wrap ``text`` into at most ``max_lines`` lines; the last one may be cut."""
        words = clean(text).split()
        space = self.width(" ", size, bold)
        lines: list[list[str]] = [[]]
        used = 0.0
        for i, word in enumerate(words):
            w = self.width(word, size, bold)
            if lines[-1] and used + space + w > max_width:
                if len(lines) == max_lines:
                    lines[-1].extend(words[i:])
                    break
                lines.append([])
                used = 0.0
            lines[-1].append(word)
            used += (space if len(lines[-1]) > 1 else 0) + w
        return [self.truncate(" ".join(line), size, max_width, bold) for line in lines if line]

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        max_width: float | None = None,
        min_size: float = 0,
        align: str = "left",
    ) -> float:
        """Draw one line at baseline ``y``, fitted to ``max_width``; returns the size used."""
        if max_width is not None:
            text, size = self.fit(text, size, max_width, bold, min_size)
        else:
            text = clean(text)
        if not text:
            return size
        if align != "left":
            width = self.width(text, size, bold)
            x -= width if align == "right" else width / 2
        self.page.text(self.fonts[bold], size, x, y, text)
        return size

    def lines(
        self,
        x: float,
        y: float,
        texts: Iterable[str],
        size: float,
        leading: float,
        max_width: float,
        bold: bool = False,
    ) -> float:
        """Draw lines downwards from baseline ``y``; returns the baseline after the last."""
        for line in texts:
            self.text(x, y, line, size, bold=bold, max_width=max_width)
            y -= leading
        return y

    def rule(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.6) -> None:
        """A straight black line."""
        if width != self._line_width:
            self.page.line_width(width)
            self._line_width = width
        self.page.line(x1, y1, x2, y2)

    def finish(self) -> bytes:
        """Close the page and return the PDF bytes."""
        return self.page.pdf()


@functools.lru_cache(maxsize=256)
def code128_modules(value: str) -> tuple[tuple[int, int], ...]:
    """The bars of a Code 128 symbol as (start, width) in modules, without quiet zones."""
    from reportlab.graphics.barcode.code128 import Code128  # slow import, done on first use

    symbol = Code128(value, quiet=0)
    symbol.validate()
    symbol.encode()
    bars, left = [], 0
    for ch in symbol.decompose():
        if ch.isupper():
            bars.append((left, ord(ch) - ord("A") + 1))
            left += ord(ch) - ord("A") + 1
        else:
            left += ord(ch) - ord("a") + 1
    return tuple(bars)


def draw_code128(
    pen: Pen,
    value: str,
    x: float,
    y: float,
    max_width: float,
    height: float,
    max_module: float = 1.7,
) -> float:
    """Draw a Code 128 symbol centred in ``[x, x + max_width]`` with 10-module quiet zones.

    Returns the width of the bars. Bars are whole modules of one width, scaled by one
    transformation, so the symbol stays exact at any size.
    """
    bars = code128_modules(value)
    total = bars[-1][0] + bars[-1][1]
    module = min(max_module, max_width / (total + 20))
    left = x + (max_width - total * module) / 2
    ops = " ".join(f"{a} 0 {w} 1 re" for a, w in bars)
    pen.page.literal(f"q {num(module, 4)} 0 0 {num(height)} {num(left)} {num(y)} cm {ops} f Q")
    return total * module


def draw_qr(pen: Pen, data: str, x: float, y: float, size: float, quiet: int = 4) -> float:
    """Draw a QR code of ``data`` in the square (x, y, size) including its quiet zone.

    Returns the module size in points.
    """
    symbol = qr.encode(data, "M")
    n = symbol.size
    module = size / (n + 2 * quiet)
    pad = -n % 8
    width = (n + pad) // 8
    tables = [_qr_byte_ops(k) for k in range(width)]
    rows = []
    for r, row in enumerate(symbol.rows):  # each row read 8 modules at a time
        chunks = (int(row, 2) << pad).to_bytes(width, "big")
        ops = "".join([t[b] for t, b in zip(tables, chunks, strict=True)])
        rows.append(ops.replace("Y", str(n - 1 - r)))
    origin_x, origin_y = x + quiet * module, y + quiet * module
    pen.page.literal(
        f"q {num(module, 4)} 0 0 {num(module, 4)} {num(origin_x)} {num(origin_y)} cm "
        + "".join(rows)
        + "f Q"
    )
    return module


@functools.cache
def _qr_byte_ops(k: int) -> tuple[str, ...]:
    """For each value of the ``k``-th byte of a QR row (8 modules, dark = 1), the rectangles
    of its dark runs, in modules, with ``Y`` for the row. A run across two bytes is two
    rectangles of the one path the symbol is filled as: the same dark area, no seam."""
    out = []
    for value in range(256):
        ops, left = [], 8 * k
        for run in format(value, "08b").split("0"):
            if run:
                ops.append(f"{left} Y {len(run)} 1 re ")
                left += len(run)
            left += 1
        out.append("".join(ops))
    return tuple(out)

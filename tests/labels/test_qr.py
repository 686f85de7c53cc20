"""The fast QR encoder against ReportLab's reference encoder and a real decoder."""

from __future__ import annotations

import re

import pytest
import zxingcpp
from PIL import Image
from reportlab.graphics.barcode import qrencoder

from labels import qr
from labels.draw import Pen, draw_qr

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789/:.-_?=&%ABCXYZé"


def sample(length: int) -> str:
    """A deterministic URL-like string of ``length`` characters."""
    return "".join(ALPHABET[(i * 7 + length) % len(ALPHABET)] for i in range(length))


def image(symbol: qr.QrSymbol, scale: int = 4, quiet: int = 4) -> Image.Image:
    n = symbol.size + 2 * quiet
    img = Image.new("L", (n, n), 255)
    for r, row in enumerate(symbol.rows):
        for c, bit in enumerate(row):
            if bit == "1":
                img.putpixel((c + quiet, r + quiet), 0)
    return img.resize((n * scale, n * scale), Image.NEAREST)


@pytest.mark.parametrize("length", [1, 20, 61, 140, 300])
def test_same_modules_as_reportlab_for_every_mask(length):
    text = sample(length)
    for mask in range(8):
        symbol = qr.encode(text, "M", mask=mask)
        reference = qrencoder.QRCode(symbol.version, qrencoder.QRErrorCorrectLevel.M)
        reference.addData(qrencoder.QR8bitByte(text))
        reference.makeImpl(False, mask)
        expected = tuple("".join("1" if m else "0" for m in row) for row in reference.modules)
        assert symbol.rows == expected, (length, mask)


@pytest.mark.parametrize("length", [5, 95, 230, 420])
def test_decodes_with_zxing(length):
    text = sample(length)
    symbol = qr.encode(text)

    results = zxingcpp.read_barcodes(image(symbol))

    assert [r.text for r in results] == [text]
    assert symbol.size == 4 * symbol.version + 17


def test_smallest_version_that_fits_is_used():
    assert qr.encode("x" * 14).version == 1  # byte mode, level M: 14 bytes fit version 1
    assert qr.encode("x" * 15).version == 2


def test_too_long_is_a_value_error():
    with pytest.raises(ValueError):
        qr.encode("x" * 3000)


def test_standard_tables_match_reportlabs_for_every_version_and_level():
    for version in range(1, 41):
        for name, level in qr.LEVELS.items():
            reference = qrencoder.QRRSBlock.getRSBlocks(version, level)
            expected = tuple((b.dataCount, b.totalCount - b.dataCount) for b in reference)
            assert qr._blocks(version, level) == expected, (version, name)
        centres = qr._alignment_centres(version)
        assert centres == list(qrencoder.QRUtil.getPatternPosition(version)), version
        if version >= 7:
            assert qr._version_info(version) == qrencoder.QRUtil.getBCHTypeNumber(version)
    for data in range(32):
        assert qr._format_info(data) == qrencoder.QRUtil.getBCHTypeInfo(data), data


@pytest.mark.parametrize("level", ["L", "Q", "H"])
def test_other_levels_decode_too(level):
    text = sample(180)

    results = zxingcpp.read_barcodes(image(qr.encode(text, level)))

    assert [r.text for r in results] == [text]


@pytest.mark.parametrize("length", [14, 60, 130])
def test_the_drawn_rectangles_cover_exactly_the_dark_modules(length):
    data = sample(length)
    pen = Pen((300, 300), "QR")
    draw_qr(pen, data, 0, 0, 100)
    drawn = set()
    for left, row, width in re.findall(r"(\d+) (\d+) (\d+) 1 re", pen.page.graphics[-1]):
        drawn.update((int(row), c) for c in range(int(left), int(left) + int(width)))
    symbol = qr.encode(data, "M")
    n = symbol.size
    rows = enumerate(symbol.rows)
    dark = {(n - 1 - r, c) for r, line in rows for c, module in enumerate(line) if module == "1"}
    assert drawn == dark

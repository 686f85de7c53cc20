"""The gift receipt PDF: what the recipient reads and scans, and never a price."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, A5

from labels import GiftReceiptLine, render_gift_receipt
from labels.gift_receipt import MARGIN

PRICE = re.compile(r"€|\$|£|\bEUR\b|\bprix\b|\bprice\b|\btotal\b|\d+[.,]\d{2}\b", re.I)


def test_gift_receipt_lists_the_gift_and_how_to_return_it(make_gift, read_pdf):
    text = read_pdf.text(render_gift_receipt(make_gift()))

    assert "Maison Œillet" in text
    assert "Ticket cadeau" in text
    assert "CMD-20481" in text
    assert "GIFT-7K2Q-M9XD" in text
    assert "Joyeux anniversaire Zoë ! Bises, Łukasz" in text
    assert re.search(r"Pull en laine mérinos, taille M, bleu nuit\s+PUL-MER-M-BLN\s+1\b", text)
    assert re.search(r"Écharpe tricotée main, écru\s+ECH-TRI-ECR\s+2\b", text)
    assert "https://retours.example.com/cadeau" in text
    assert "code cadeau" in text


def test_gift_receipt_never_shows_a_price(make_gift, read_pdf):
    for locale in ("fr", "en"):
        text = read_pdf.text(render_gift_receipt(make_gift(locale=locale)))
        assert not PRICE.search(text), PRICE.search(text)


def test_english_gift_receipt(make_gift, read_pdf):
    text = read_pdf.text(render_gift_receipt(make_gift(locale="en", gift_message=None)))
    text = " ".join(text.split())

    assert "Gift receipt" in text and "Order CMD-20481" in text and "Gift code" in text
    assert "enter the gift code" in text
    assert "Ticket cadeau" not in text and "Message" not in text


def test_qr_code_holds_only_the_portal_url(make_gift, read_pdf):
    codes = read_pdf.codes(render_gift_receipt(make_gift()), scale=3)

    assert codes == {"QRCode": ["https://retours.example.com/cadeau"]}


def test_page_is_a5_or_a4_portrait(make_gift):
    box = PdfReader(io.BytesIO(render_gift_receipt(make_gift()))).pages[0].mediabox
    size = (float(box.width), float(box.height))

    assert size == pytest.approx(A5, abs=0.01) or size == pytest.approx(A4, abs=0.01)
    assert size[1] > size[0]


def test_same_input_gives_the_same_bytes(make_gift):
    assert render_gift_receipt(make_gift()) == render_gift_receipt(make_gift())


def test_many_long_lines_stay_on_the_page(make_gift, read_pdf):
    lines = tuple(
        GiftReceiptLine(
            f"Chaussettes rayées, description très longue numéro {i}, 39-42", f"C-{i}", 1
        )
        for i in range(60)
    )
    long = "Un message très long qui ne tient pas sur une ligne ni sur deux. " * 10
    pdf = render_gift_receipt(make_gift(lines=lines, gift_message=long, shop_name=long))
    text = read_pdf.text(pdf)

    more = re.search(r"\+(\d+) autres articles", text)
    assert more, text
    assert len(re.findall(r"\bC-\d+\b", text)) + int(more.group(1)) == 60
    (width, height), boxes = read_pdf.boxes(pdf)
    for left, bottom, right, top in boxes:
        assert left >= MARGIN - 1 and right <= width - MARGIN + 1
        assert bottom >= MARGIN - 1 and top <= height - MARGIN + 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"lines": ()},
        {"lines": (GiftReceiptLine("Pull", "PUL-1", 0),)},
        {"locale": "es"},
        {"gift_code": ""},
        {"portal_url": " "},
    ],
)
def test_bad_input_raises_value_error(make_gift, overrides):
    with pytest.raises(ValueError):
        render_gift_receipt(make_gift(**overrides))

"""GET /api/v1/orders/<number>/gift-receipt.pdf: items, message, code, QR; never a price."""

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from portal.extensions import db

RECEIPT = "/api/v1/orders/{number}/gift-receipt.pdf"
GIFT_CODE = "GIFT-7KQ2-M9XD-W4TZ"


@pytest.fixture
def gift_order(factory):
    factory.variants("JEAN", price=4321, M=3, L=2)
    order = factory.order(
        [("JEAN-M", 2), ("JEAN-L", 1)], number="FR-20001", gift_code=GIFT_CODE, unit_price=4321
    )
    db.session.commit()
    return order


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def qr_codes(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[0].render(scale=4).to_pil()
    finally:
        document.close()
    return [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


def test_receipt_lists_items_and_code_without_any_price(api, gift_order):
    response = api.get(RECEIPT, number="FR-20001")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in ("JEAN-M", "JEAN-L", "JEAN shirt", GIFT_CODE, "Pour toi", "FR-20001"):
        assert expected in text, expected
    for price in ("€", "EUR", "43,21", "43.21", "4321", "86,42"):
        assert price not in text, price
    assert qr_codes(response.data) == ["http://portal.test/gift"]


def test_receipt_in_english(api, gift_order):
    response = api.get(RECEIPT, number="FR-20001", query={"lang": "en"})
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert GIFT_CODE in text
    assert "€" not in text
    assert api.get(RECEIPT, number="FR-20001", query={"lang": "de"}).status_code == 400


def test_no_receipt_for_an_order_that_is_not_a_gift(api, factory):
    factory.order(number="FR-20002")
    db.session.commit()
    response = api.get(RECEIPT, number="FR-20002")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    assert api.get(RECEIPT, number="FR-99999").status_code == 404

"""The return slip PDF: what the warehouse reads when it opens the parcel, and its QR code."""

from __future__ import annotations

import dataclasses
import datetime
import io
import re

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from labels import ReturnSlipData, ReturnSlipLine, render_return_slip

SCAN_URL = "https://retours.example.com/staff/scan?code=R-7Q2K-9D"


def slip(**overrides: object) -> ReturnSlipData:
    data = ReturnSlipData(
        shop_name="Maison Œillet",
        rma="R-7Q2K-9D",
        scan_url=SCAN_URL,
        customer_name="Łukasz Źródło",
        lines=(
            ReturnSlipLine("Pull en laine mérinos, M", "PUL-MER-M-BLN", 1, "Trop petit", "Échange : L"),  # noqa: E501
            ReturnSlipLine("Écharpe tricotée main", "ECH-TRI-ECR", 2, "Changé d'avis", "Remboursement"),  # noqa: E501
        ),
        issued_on=datetime.date(2026, 11, 23),
        carrier_name="Mondial Relay",
        tracking_code="84512763",
    )  # fmt: skip
    return dataclasses.replace(data, **overrides)


def test_the_slip_has_the_rma_the_items_and_what_the_customer_asked_for(read_pdf):
    text = " ".join(read_pdf.text(render_return_slip(slip())).split())

    assert "Maison Œillet" in text and "Bon de retour : à glisser dans le colis" in text
    assert "R-7Q2K-9D" in text and "23 nov. 2026" in text
    assert "De : Łukasz Źródło" in text
    assert "Envoyé par Mondial Relay, numéro de suivi 84512763" in text
    assert re.search(r"Pull en laine mérinos, M Trop petit PUL-MER-M-BLN 1 Échange : L", text), text
    assert re.search(r"Écharpe tricotée main Changé d'avis ECH-TRI-ECR 2 Remboursement", text), text


def test_the_qr_code_holds_the_staff_scan_address(read_pdf):
    assert read_pdf.codes(render_return_slip(slip()), scale=3) == {"QRCode": [SCAN_URL]}


def test_english_and_without_a_label_yet(read_pdf):
    text = " ".join(read_pdf.text(render_return_slip(slip(locale="en", tracking_code=""))).split())

    assert "Return slip: put it inside the parcel" in text and "Issued on Nov 23, 2026" in text
    assert "tracking number" not in text


def test_one_a4_portrait_page_even_with_many_items(read_pdf):
    many = tuple(ReturnSlipLine(f"Article {i}", f"SKU-{i}", 1, "", "Refund") for i in range(60))
    reader = PdfReader(io.BytesIO(render_return_slip(slip(lines=many))))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.01)
    text = " ".join(reader.pages[0].extract_text().split())
    shown = re.findall(r"Article \d+", text)
    assert shown and f"+{60 - len(shown)} autres articles" in text


@pytest.mark.parametrize("bad", [{"lines": ()}, {"rma": " "}, {"locale": "de"}, {"scan_url": ""}])
def test_bad_data_is_refused(bad):
    with pytest.raises(ValueError):
        render_return_slip(slip(**bad))

"""Fixtures for the labels package: sample data and ways to read a PDF back."""

from __future__ import annotations

import dataclasses
import datetime
import io
from collections.abc import Callable

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from labels import (
    Address,
    GiftReceiptData,
    GiftReceiptLine,
    LabelData,
    LabelItem,
    RelayPointInfo,
)

STATUS_URL = "https://retours.example.com/r/s/eyJyIjoiUi03UTJLLTlEIn0.Zx9aBc.kQ3v9Xn2mLp0aB1cD2eF"


def _label(**overrides: object) -> LabelData:
    data = LabelData(
        rma="R-7Q2K-9D",
        tracking_code="RT123456785FR",
        carrier_name="Retours Relay",
        relay_point=RelayPointInfo(
            network="Mondial Relay",
            name="Chez François Œuvre",
            address="12 rue d'Amsterdam",
            postcode="75008",
            city="Paris",
            opening_hours="lun.–sam. 9h–19h",
        ),
        sender=Address(
            name="Łukasz Źródło",
            line1="5 allée des Œillets",
            line2="Bâtiment ß, 3e étage",
            postcode="69003",
            city="Lyon",
        ),
        recipient=Address(
            name="Zoë Ősz",
            line1="Entrepôt Retours, 14 rue Gutenberg",
            postcode="59000",
            city="Lille",
        ),
        items=(
            LabelItem("PUL-MER-M-BLN", 1),
            LabelItem("ECH-TRI-ECR", 2),
            LabelItem("CHA-RAY-39", 3),
        ),
        status_url=STATUS_URL,
        issued_on=datetime.date(2026, 11, 23),
        valid_until=datetime.date(2026, 12, 23),
    )
    return dataclasses.replace(data, **overrides)


def _gift(**overrides: object) -> GiftReceiptData:
    data = GiftReceiptData(
        shop_name="Maison Œillet",
        order_number="CMD-20481",
        gift_code="GIFT-7K2Q-M9XD",
        gift_message="Joyeux anniversaire Zoë ! Bises, Łukasz",
        lines=(
            GiftReceiptLine("Pull en laine mérinos, taille M, bleu nuit", "PUL-MER-M-BLN", 1),
            GiftReceiptLine("Écharpe tricotée main, écru", "ECH-TRI-ECR", 2),
        ),
        portal_url="https://retours.example.com/cadeau",
    )
    return dataclasses.replace(data, **overrides)


@pytest.fixture
def make_label() -> Callable[..., LabelData]:
    """Build a LabelData; keyword arguments replace fields of a realistic default."""
    return _label


@pytest.fixture
def make_gift() -> Callable[..., GiftReceiptData]:
    """Build a GiftReceiptData; keyword arguments replace fields of a realistic default."""
    return _gift


class ReadPdf:
    """Ways to read a rendered PDF back, as a user or a scanner would."""

    @staticmethod
    def text(pdf: bytes) -> str:
        """The text of the first page, as pypdf extracts it."""
        return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    @staticmethod
    def codes(pdf: bytes, scale: float = 4) -> dict[str, list[str]]:
        """Render the first page and decode its barcodes: {format name: [texts]}."""
        image = pypdfium2.PdfDocument(pdf)[0].render(scale=scale).to_pil()
        codes: dict[str, list[str]] = {}
        for result in zxingcpp.read_barcodes(image):
            codes.setdefault(result.format.name, []).append(result.text)
        return codes

    @staticmethod
    def boxes(pdf: bytes) -> tuple[tuple[float, float], list[tuple[float, float, float, float]]]:
        """Page size and the box (left, bottom, right, top) of every character drawn."""
        page = pypdfium2.PdfDocument(pdf)[0]
        text = page.get_textpage()
        return page.get_size(), [text.get_charbox(i) for i in range(text.count_chars())]

    @staticmethod
    def runs(pdf: bytes) -> list[tuple[str, str, float]]:
        """(text, font name, effective size) of each text run on the first page."""
        runs: list[tuple[str, str, float]] = []

        def visit(text: str, cm: list, tm: list, font: dict | None, size: float) -> None:
            if text.strip() and font is not None:
                runs.append((text, str(font.get("/BaseFont")), size * tm[3] * cm[3]))

        PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
        return runs


@pytest.fixture
def read_pdf() -> type[ReadPdf]:
    """Helpers to read PDFs back: .text, .codes, .boxes, .runs."""
    return ReadPdf

"""The local carrier is an honest demo: its label names no real network."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from labels import Address, LabelItem, RelayPointInfo
from portal.carriers.base import LabelRequest
from portal.carriers.local import LocalRelayCarrier

POINT = RelayPointInfo(
    network="Mondial Relay", name="Tabac de la Roquette", address="10 rue de la Roquette",
    postcode="75011", city="Paris", opening_hours="Lun–Sam 9h–19h",
)  # fmt: skip


def label_text(locale: str, point: RelayPointInfo | None = POINT) -> str:
    request = LabelRequest(
        rma="R-7Q2K-9D",
        sender=Address(name="Camille Durand", line1="12 rue des Lilas", postcode="69003",
                       city="Lyon"),
        recipient=Address(name="Entrepôt", line1="3 allée des Docks", postcode="93200",
                          city="Saint-Denis"),
        relay_point=point,
        items=(LabelItem("TEE-M", 1),),
        weight_grams=300,
        status_url="https://shop.example/r/abc",
        locale=locale,
        valid_days=14,
    )  # fmt: skip
    pdf = LocalRelayCarrier(today=date(2026, 12, 1)).issue_label(request).pdf
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(
    ("locale", "words"),
    [("en", "valid for no network"), ("fr", "valable sur aucun réseau")],
)
def test_the_demo_label_says_it_is_valid_for_no_network(locale, words):
    text = " ".join(label_text(locale).split())

    assert words in text
    assert "Mondial Relay" not in text and "Colissimo" not in text
    assert "Tabac de la Roquette" in text  # the point chosen is still shown


def test_without_a_point_too():
    text = " ".join(label_text("en", point=None).split())

    assert "valid for no network" in text and "Retours Relay" not in text

"""The return label PDF, read back as a person (text) and a scanner (barcodes) would."""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest
from pypdf import PdfReader

from labels import Address, LabelItem, render_label
from labels.label import MARGIN

PRICE = re.compile(r"€|\$|£|\bEUR\b|\bprix\b|\bprice\b|\btotal\b|\d+[.,]\d{2}\b", re.I)


def test_label_shows_what_the_customer_and_the_carrier_need(make_label, read_pdf):
    text = read_pdf.text(render_label(make_label()))

    assert "R-7Q2K-9D" in text
    assert "RT123456785FR" in text
    assert "Retours Relay" in text
    for expected in (
        "Expéditeur",
        "Łukasz Źródło",
        "5 allée des Œillets",
        "Bâtiment ß, 3e étage",
        "69003 Lyon",
        "Destinataire",
        "Zoë Ősz",
        "Entrepôt Retours, 14 rue Gutenberg",
        "59000 Lille",
    ):
        assert expected in text
    for expected in ("Mondial Relay", "Chez François Œuvre", "12 rue d'Amsterdam", "75008 Paris"):
        assert expected in text
    assert "lun.–sam. 9h–19h" in text
    for sku, quantity in (("PUL-MER-M-BLN", 1), ("ECH-TRI-ECR", 2), ("CHA-RAY-39", 3)):
        assert re.search(rf"{sku}\s*×\s*{quantity}\b", text), sku
    assert "Émise le 23 nov. 2026" in text
    assert "Valable jusqu'au 23 déc. 2026" in text


def test_label_never_shows_a_price(make_label, read_pdf):
    for locale in ("fr", "en"):
        text = read_pdf.text(render_label(make_label(locale=locale)))
        assert not PRICE.search(text), PRICE.search(text)


def test_instructions_and_captions_follow_the_locale(make_label, read_pdf):
    french = read_pdf.text(render_label(make_label(locale="fr")))
    english = read_pdf.text(render_label(make_label(locale="en")))

    assert "Déposez le colis au point de dépôt indiqué avant le 23 déc. 2026" in french
    assert "Collez l'étiquette" in french
    assert "Drop the parcel off" not in french and "From" not in french
    assert "Drop the parcel off at the drop-off point shown by Dec 23, 2026" in english
    assert "Stick the label flat" in english
    assert "From" in english and "To" in english and "Issued Nov 23, 2026" in english
    assert "Déposez" not in english and "Expéditeur" not in english


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "fr",
            ("Émise le 30 sept. 2026", "Valable jusqu'au 30 sept. 2026", "avant le 30 sept. 2026"),
        ),
        ("en", ("Issued Sep 30, 2026", "Valid until Sep 30, 2026", "shown by Sep 30, 2026")),
    ],
)
def test_the_longest_dates_are_printed_whole_on_the_narrower_page(
    make_label, read_pdf, locale, expected
):
    day = datetime.date(2026, 9, 30)
    data = make_label(page_size="4x6", locale=locale, issued_on=day, valid_until=day)
    text = " ".join(read_pdf.text(render_label(data)).split())

    for line in expected:
        assert line in text
    assert "…" not in text


def test_home_pickup_label_has_no_relay_point(make_label, read_pdf):
    text = read_pdf.text(render_label(make_label(relay_point=None, locale="en")))

    assert "Mondial Relay" not in text and "Point" not in text
    assert "Home pickup or drop-off with Retours Relay." in text
    assert "Drop the parcel off with Retours Relay by Dec 23, 2026" in text


def test_no_valid_until_date_means_no_deadline(make_label, read_pdf):
    text = read_pdf.text(render_label(make_label(valid_until=None)))

    assert "Valable" not in text and "avant le" not in text
    assert "Émise le 23 nov. 2026" in text


def test_rma_is_big_and_bold(make_label, read_pdf):
    runs = read_pdf.runs(render_label(make_label()))

    rma = [(font, size) for text, font, size in runs if "R-7Q2K-9D" in text]
    assert rma, runs
    font, size = rma[0]
    assert "DejaVuSans-Bold" in font
    assert size >= 20


def test_fonts_are_embedded_truetype_subsets_of_dejavu(make_label):
    reader = PdfReader(io.BytesIO(render_label(make_label())))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    used = [f.get_object() for f in fonts.values() if f.get_object()["/Subtype"] == "/TrueType"]

    assert len(used) >= 2  # regular and bold, plus Latin Extended for Ł, Ź, Ő
    for font in used:
        assert "DejaVuSans" in font["/BaseFont"]
        descriptor = font["/FontDescriptor"].get_object()
        assert len(descriptor["/FontFile2"].get_object().get_data()) > 1000


def test_barcode_and_qr_code_decode(make_label, read_pdf):
    codes = read_pdf.codes(render_label(make_label()))

    assert codes.get("Code128") == ["RT123456785FR"]
    assert codes.get("QRCode") == [make_label().status_url]


def test_4x6_label_decodes_too(make_label, read_pdf):
    data = make_label(
        page_size="4x6", tracking_code="1Z999AA10123456784", status_url="https://x.io/s"
    )
    codes = read_pdf.codes(render_label(data))

    assert codes.get("Code128") == ["1Z999AA10123456784"]
    assert codes.get("QRCode") == ["https://x.io/s"]


@pytest.mark.parametrize(("page_size", "expected"), [("A6", (297.64, 419.53)), ("4x6", (288, 432))])
def test_media_box(make_label, page_size, expected):
    box = PdfReader(io.BytesIO(render_label(make_label(page_size=page_size)))).pages[0].mediabox

    assert (float(box.width), float(box.height)) == pytest.approx(expected, abs=0.01)
    assert (float(box.left), float(box.bottom)) == (0, 0)


def test_same_input_gives_the_same_bytes(make_label):
    data = make_label()
    first = render_label(data)
    render_label(make_label(sender=Address("Ωμέγα Ψ", "Невский 1", "190000", "СПб", "RU")))
    render_label(make_label(page_size="4x6", locale="en", relay_point=None))

    assert render_label(data) == first


def test_labels_rendered_in_threads_match_labels_rendered_one_by_one(make_label):
    names = ("Łukasz Źródło", "Zoë Ősz", "Ωμέγα", "Jürgen Groß", "Nuño Peña", "Anne Roy")
    labels = [
        make_label(rma=f"R-{i:04d}", sender=dataclasses.replace(make_label().sender, name=name))
        for i, name in enumerate(names * 4)
    ]
    one_by_one = [render_label(data) for data in labels]

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(render_label, labels)) == one_by_one


def test_decomposed_accents_are_printed_as_one_letter(make_label, read_pdf):
    recipient = dataclasses.replace(
        make_label().recipient, name=unicodedata.normalize("NFD", "Zoë Ősz")
    )
    text = read_pdf.text(render_label(make_label(recipient=recipient)))

    assert "Zoë Ősz" in text


def test_characters_beyond_latin_still_render(make_label, read_pdf):
    data = make_label(sender=Address("Ωμέγα Ψηφίο", "Невский проспект 1", "190000", "СПб", "RU"))
    text = read_pdf.text(render_label(data))

    assert "Ωμέγα Ψηφίο" in text and "Невский проспект 1" in text


@pytest.mark.parametrize(("page_size", "locale"), [("A6", "fr"), ("4x6", "en")])
def test_long_texts_and_many_items_stay_on_the_page(make_label, read_pdf, page_size, locale):
    long = "Wolfgang Amadeus Mozart-Schönberg von und zu Großglockner-Überall " * 3
    items = tuple(LabelItem(f"VERY-LONG-SKU-{i:03d}-ANTHRACITE-XXL-EXTRA", 12) for i in range(40))
    data = make_label(
        page_size=page_size,
        locale=locale,
        items=items,
        rma="R-7Q2K-9D-EXTRA-LONG-REFERENCE-0001",
        carrier_name="Retours Relay International Express Services " * 2,
        sender=Address(long, long, "75011", long, "DE", line2=long),
        recipient=dataclasses.replace(make_label().recipient, name=long),
    )
    pdf = render_label(data)
    text = read_pdf.text(pdf)

    more = re.search(r"\+(\d+) (autres articles|more)\b", text)
    assert more, text
    shown = len(re.findall(r"VERY-LONG-SKU-\d{3}", text))
    assert shown + int(more.group(1)) == 40
    (width, height), boxes = read_pdf.boxes(pdf)
    inside = MARGIN - 1
    for left, bottom, right, top in boxes:
        assert inside <= left and right <= width - inside, (left, right)
        assert inside <= bottom and top <= height - inside, (bottom, top)


def test_eight_items_are_all_listed(make_label, read_pdf):
    items = tuple(LabelItem(f"SKU-{i}-VARIANT-BLUE-M", i + 1) for i in range(8))
    text = read_pdf.text(render_label(make_label(items=items)))

    for item in items:
        assert re.search(rf"{item.sku}\s*×\s*{item.quantity}\b", text)
    assert "autres" not in text


@pytest.mark.parametrize(
    "overrides",
    [
        {"page_size": "A4"},
        {"page_size": "a6"},
        {"locale": "de"},
        {"items": ()},
        {"items": (LabelItem("SKU-1", 0),)},
        {"items": (LabelItem("SKU-1", 1), LabelItem("SKU-2", -3))},
        {"tracking_code": ""},
        {"tracking_code": "RT12345678€FR"},
        {"rma": "  "},
    ],
)
def test_bad_input_raises_value_error(make_label, overrides):
    with pytest.raises(ValueError):
        render_label(make_label(**overrides))

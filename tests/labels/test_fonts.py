"""The label fonts: built reproducibly from DejaVu by the script, licence kept in every PDF."""

from __future__ import annotations

import io

from fontTools.ttLib import TTFont
from pypdf import PdfReader

from labels import Address, render_label
from labels.fonts import FONT_DIR
from scripts import subset_label_fonts


def test_committed_fonts_are_what_the_script_builds(tmp_path):
    """Needs Debian's fonts-dejavu-core (CI installs it), the script's source."""
    written = subset_label_fonts.build(output_dir=tmp_path)

    assert len(written) == 2
    for path in written:
        assert path.read_bytes() == (FONT_DIR / path.name).read_bytes(), path.name


def test_every_embedded_font_carries_the_dejavu_licence(make_label):
    reader = PdfReader(io.BytesIO(render_label(make_label())))
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    fonts = [f for f in fonts if f["/Subtype"] == "/TrueType"]  # not ReportLab's unused F1

    assert len(fonts) == 2  # one subset of the regular font, one of the bold
    for font in fonts:
        program = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
        names = TTFont(io.BytesIO(program))["name"]
        assert "Bitstream" in names.getDebugName(0)  # copyright
        assert "DejaVu changes are in public domain" in names.getDebugName(13)  # licence


def test_a_character_outside_the_fonts_does_not_stop_the_label(make_label, read_pdf):
    sender = Address("王小明 Wang", "5 rue Victor Hugo", "69002", "Lyon")
    text = read_pdf.text(render_label(make_label(sender=sender)))

    assert "Wang" in text and "5 rue Victor Hugo" in text and "R-7Q2K-9D" in text

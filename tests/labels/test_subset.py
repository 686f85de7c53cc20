"""The labels' font subsets are ReportLab's, byte for byte, whatever the characters."""

from __future__ import annotations

import random

import pytest
from reportlab.pdfbase.pdfmetrics import getFont

from labels.fonts import register_fonts
from labels.subset import make_subset

SAMPLES = (
    [0, 32, *map(ord, "Retours Relay R-7Q2K-9D")],
    [0, *map(ord, "Łukasz Źródło Zoë Ősz Œillets ß Ωμέγα Невский ñ é à ç ¼ … × –")],
    [0, 0x4E2D, 65, 66],  # a character outside the font: the .notdef glyph
)


@pytest.mark.parametrize("bold", [False, True])
def test_subsets_are_reportlabs(bold):
    face = getFont(register_fonts()[bold]).face
    codes = sorted(face.charToGlyph)
    rng = random.Random(7)
    subsets = [*SAMPLES, *([0, *rng.sample(codes, rng.randint(1, 255))] for _ in range(40))]
    for subset in subsets:
        assert make_subset(face, subset) == face.makeSubset(subset)

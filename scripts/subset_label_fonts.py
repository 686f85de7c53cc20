"""Build the label fonts: DejaVu Sans cut down with fontTools to what labels print.

    .venv/bin/python scripts/subset_label_fonts.py [SOURCE_DIR] [OUTPUT_DIR]

SOURCE_DIR holds DejaVu Sans 2.37 as Debian's ``fonts-dejavu-core`` installs it (the default,
``/usr/share/fonts/truetype/dejavu``); the files are checked against their SHA-256. The
output (default ``labels/fonts``) is committed; run this again only to change the
character set. Kept: Latin (with Latin Extended-A/B and Additional), Greek, Cyrillic,
Armenian, Georgian, punctuation, currency and letter-like symbols, common ligatures. Dropped:
hinting (labels are printed, and ReportLab would copy the programs into every PDF), the
OpenType layout tables (ReportLab does not read them), and names other than the font's
identity, copyright and licence (name IDs 0-6, 13, 14), so each embedded subset still
carries the DejaVu licence. The glyph outlines are unchanged (the DejaVu licence allows
modified copies under a name without "Bitstream" or "Vera"). Output is byte-for-byte
reproducible (the header's dates are kept from the source).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = Path("/usr/share/fonts/truetype/dejavu")
OUTPUT_DIR = ROOT / "labels" / "fonts"
SOURCES = {  # source file -> (SHA-256 of DejaVu 2.37, output file)
    "DejaVuSans.ttf": (
        "abdc775b21b1bc470d50c97e790d276f2054b7504e56e5bd3e64f48d68582322",
        "DejaVuSans-Labels.ttf",
    ),
    "DejaVuSans-Bold.ttf": (
        "0d977336a6d5fba34eab8e3199eb218327161b5143749f802982c2bc34df0c96",
        "DejaVuSans-Bold-Labels.ttf",
    ),
}
RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x02B0, 0x036F),  # spacing modifier letters, combining diacritical marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic and Cyrillic Supplement
    (0x0530, 0x058F),  # Armenian
    (0x10A0, 0x10FF),  # Georgian
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20CF),  # currency symbols
    (0x2100, 0x218F),  # letter-like symbols (№, ™), number forms (½)
    (0x2190, 0x21FF),  # arrows
    (0x2212, 0x2212),  # minus sign
    (0xFB00, 0xFB06),  # Latin ligatures (ﬁ, ﬂ)
    (0xFFFD, 0xFFFD),  # replacement character
)
NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 13, 14)


def options() -> subset.Options:
    """fontTools subsetter options for the label fonts."""
    opts = subset.Options()
    opts.name_IDs = list(NAME_IDS)
    opts.name_languages = [0x0409]
    opts.hinting = False
    opts.layout_features = []
    opts.drop_tables += ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "kern"]
    opts.notdef_outline = True
    return opts


def unicodes() -> list[int]:
    """The code points the label fonts keep (those DejaVu has)."""
    return [code for first, last in RANGES for code in range(first, last + 1)]


def build(source_dir: Path = SOURCE_DIR, output_dir: Path = OUTPUT_DIR) -> list[Path]:
    """Subset both fonts from ``source_dir`` into ``output_dir``; return the files written."""
    written = []
    for name, (sha256, output) in SOURCES.items():
        source = source_dir / name
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        if digest != sha256:
            raise SystemExit(f"{source}: not DejaVu Sans 2.37 (SHA-256 {digest})")
        font = TTFont(source, recalcTimestamp=False)
        subsetter = subset.Subsetter(options())
        subsetter.populate(unicodes=unicodes())
        subsetter.subset(font)
        target = output_dir / output
        font.save(target)
        written.append(target)
    return written


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:3]]
    for path in build(*args):
        print(f"wrote {path} ({path.stat().st_size} bytes)")

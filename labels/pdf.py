"""A one-page PDF written directly: the page's operators, the TrueType font subsets, the
few objects around them.

ReportLab's canvas builds every PDF object as a tree of Python objects and formats each
number of it through a generic routine: that was half the time of a label. The labels
need one page, text in the two label fonts, lines and filled rectangles, so the file is
written here, from the same parts ReportLab would put in it: its character assignment
(``TTFont.splitString``), its font subsets (made as it makes them, ``labels.subset``), its
ToUnicode maps and widths, its number formatting (``fp_str``) and string escaping. The result is a
PDF with the same fonts (one subset of each, ``AAAAAA+DejaVuSans``), text and drawing,
without the unused Helvetica ReportLab declares in every document.
"""

from __future__ import annotations

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, makeToUnicodeCMap

from labels.subset import make_subset

HEADER = b"%PDF-1.4\n%\x93\x8c\x8b\x9e\n"
PRODUCER = "Retours labels (ReportLab fonts)"


class Page:
    """One page of ``size`` points: graphics operators, then one text block, drawn when
    the document is written (``pdf``)."""

    def __init__(self, size: tuple[float, float], title: str) -> None:
        self.size = size
        self.title = title
        self.graphics: list[str] = []
        self.text_ops: list[str] = []
        self._fonts: dict[str, str] = {}  # font name → resource name (F1, F2)
        self._current: tuple[str, int, float] | None = None  # font, subset, size

    def literal(self, ops: str) -> None:
        """Graphics operators, drawn under the text."""
        self.graphics.append(ops)

    def line_width(self, width: float) -> None:
        self.graphics.append(f"{fp_str(width)} w")

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.graphics.append(f"{fp_str(x1, y1)} m {fp_str(x2, y2)} l S")

    def text(self, font_name: str, size: float, x: float, y: float, text: str) -> None:
        """``text`` in ``font_name`` at ``size``, its baseline starting at (x, y)."""
        font = getFont(font_name)
        resource = self._fonts.get(font_name)
        if resource is None:
            resource = self._fonts[font_name] = f"F{len(self._fonts) + 1}"
        out = self.text_ops
        out.append(f"1 0 0 1 {fp_str(x, y)} Tm")
        for subset, chunk in font.splitString(text, self):
            if self._current != (font_name, subset, size):
                out.append(f"/{resource}+{subset} {fp_str(size)} Tf")
                self._current = (font_name, subset, size)
            out.append(f"({escapePDF(chunk)}) Tj")

    def pdf(self) -> bytes:
        """The whole file. The fonts' per-document state is released."""
        objects: list[bytes] = []  # object n is objects[n - 1]

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        catalog = add(b"<< /Type /Catalog /Pages 2 0 R >>")
        pages = add(b"<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>")
        page = add(b"")  # written once its resources are known
        content = "\n".join(
            [*self.graphics, "BT", *self.text_ops, "ET"] if self.text_ops else self.graphics
        ).encode("latin-1")
        contents = add(_stream(b"", content))
        resources = []
        for font_name, resource in self._fonts.items():
            for n, ref in _font_objects(getFont(font_name), self, add):
                resources.append(f"/{resource}+{n} {ref} 0 R")
        width, height = self.size
        objects[page - 1] = (
            f"<< /Type /Page /Parent {pages} 0 R /MediaBox [ 0 0 {fp_str(width, height)} ]"
            f" /Resources << /Font << {' '.join(resources)} >> /ProcSet [ /PDF /Text ] >>"
            f" /Contents {contents} 0 R >>"
        ).encode("ascii")
        title = self.title.encode("utf-16-be").hex().upper()
        info = add(f"<< /Title <FEFF{title}> /Producer ({PRODUCER}) >>".encode("ascii"))
        out = [HEADER]
        offsets = []
        position = len(HEADER)
        for number, body in enumerate(objects, 1):
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
            offsets.append(position)
            out.append(chunk)
            position += len(chunk)
        xref = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)]
        xref.extend(b"%010d 00000 n \n" % offset for offset in offsets)
        out.extend(xref)
        out.append(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, catalog, info, position)
        )
        return b"".join(out)


def _stream(head: bytes, data: bytes) -> bytes:
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), head, data)


def _font_objects(font, doc, add) -> list[tuple[int, int]]:
    """Each subset of ``font`` used in ``doc`` as a PDF TrueType font: (subset, object
    number). Releases the font's state for ``doc``, as ReportLab's own ``addObjects``."""
    face = font.face
    state = font.state.pop(doc)
    flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
    refs = []
    for n, subset in enumerate(state.subsets):
        base = (SUBSETN(n) + b"+" + face.name + face.subfontNameX).decode("ascii")
        program = make_subset(face, subset)
        file_ref = add(_stream(b" /Length1 %d" % len(program), program))
        descriptor = add(
            (
                f"<< /Type /FontDescriptor /FontName /{base} /Flags {flags}"
                f" /FontBBox [ {fp_str(*face.bbox)} ] /ItalicAngle {fp_str(face.italicAngle)}"
                f" /Ascent {fp_str(face.ascent)} /Descent {fp_str(face.descent)}"
                f" /CapHeight {fp_str(face.capHeight)} /StemV {fp_str(face.stemV)}"
                f" /MissingWidth {fp_str(face.defaultWidth)} /FontFile2 {file_ref} 0 R >>"
            ).encode("ascii")
        )
        cmap = add(_stream(b"", makeToUnicodeCMap(base, subset).encode("ascii")))
        widths = fp_str(*map(face.getCharWidth, subset))
        refs.append(
            (
                n,
                add(
                    (
                        f"<< /Type /Font /Subtype /TrueType /BaseFont /{base}"
                        f" /FirstChar 0 /LastChar {len(subset) - 1} /Widths [ {widths} ]"
                        f" /FontDescriptor {descriptor} 0 R /ToUnicode {cmap} 0 R >>"
                    ).encode("ascii")
                ),
            )
        )
    return refs

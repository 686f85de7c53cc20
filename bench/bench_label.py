"""Benchmark the label and gift-receipt renderers against a blank one-page PDF.

Run from the project root:  .venv/bin/python bench/bench_label.py [iterations]

Each iteration renders every case once, round-robin (so a slower or faster stretch of the
machine hits all cases alike), with different data each time: RMA, tracking code, status
URL and names change, so no per-label cache can help. Exits 1 if the A6 or 4x6 label's
median is above 5 ms or above 8 times the blank page's median.
"""

from __future__ import annotations

import datetime
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.lib.pagesizes import A6
from reportlab.pdfgen.canvas import Canvas

from labels import (
    Address,
    GiftReceiptData,
    GiftReceiptLine,
    LabelData,
    LabelItem,
    RelayPointInfo,
    render_gift_receipt,
    render_label,
)

MAX_MEDIAN_MS = 5.0
MAX_RATIO = 8.0
WARMUP = 30
NAMES = ("Łukasz Źródło", "Zoë Ősz", "François Œuvre", "Jürgen Groß", "Nuño Peña", "Marie Dupont")
CITIES = ("Lyon", "Saint-Étienne", "Besançon", "Orléans", "Paris", "Clermont-Ferrand")


def blank(_: int) -> bytes:
    """The reference: a canvas with a single showPage and save."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A6, invariant=1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def label_data(i: int, page_size: str) -> LabelData:
    """A realistic label whose per-label fields change with ``i``."""
    name, city = NAMES[i % len(NAMES)], CITIES[i % len(CITIES)]
    return LabelData(
        rma=f"R-{i % 10000:04d}-{chr(65 + i % 26)}{i % 10}",
        tracking_code=f"RT{100000000 + i * 7919:09d}FR",
        carrier_name="Retours Relay",
        relay_point=RelayPointInfo(
            "Mondial Relay",
            f"Tabac de la Gare {i}",
            "12 rue d'Amsterdam",
            "75008",
            "Paris",
            "lun.–sam. 9h–19h, dim. 9h–12h",
        ),
        sender=Address(name, f"{i % 200} allée des Œillets", "69003", city, line2="Bât. B"),
        recipient=Address("Entrepôt Retours", "ZI des Ponts, 14 rue Gutenberg", "59000", "Lille"),
        items=tuple(LabelItem(f"SKU-{i % 97:02d}{k}-BLEU-M", k % 3 + 1) for k in range(3)),
        status_url=f"https://retours.example.com/r/s/eyJyIjoiUi0{i:06d}In0.Zx9aBc.kQ3v9Xn2mLp0a",
        issued_on=datetime.date(2026, 11, 23),
        valid_until=datetime.date(2026, 12, 23),
        locale="fr" if i % 2 else "en",
        page_size=page_size,
    )


def gift_data(i: int) -> GiftReceiptData:
    """A realistic gift receipt whose fields change with ``i``."""
    return GiftReceiptData(
        shop_name="Maison Œillet",
        order_number=f"CMD-{20000 + i}",
        gift_code=f"GIFT-{i:04d}-M9XD",
        gift_message=f"Joyeux anniversaire {NAMES[i % len(NAMES)]} ! Bises.",
        lines=(
            GiftReceiptLine("Pull en laine mérinos, taille M, bleu nuit", f"PUL-{i}", 1),
            GiftReceiptLine("Écharpe tricotée main, écru", "ECH-TRI-ECR", 2),
        ),
        portal_url="https://retours.example.com/cadeau",
    )


CASES: dict[str, Callable[[int], bytes]] = {
    "blank page": blank,
    "label A6": lambda i: render_label(label_data(i, "A6")),
    "label 4x6": lambda i: render_label(label_data(i, "4x6")),
    "gift receipt": lambda i: render_gift_receipt(gift_data(i)),
}


def main(iterations: int = 300) -> int:
    """Time every case; print a table; return the exit status."""
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for i in range(-WARMUP, iterations):
        for name, render in CASES.items():
            start = time.perf_counter()
            render(i + WARMUP)
            elapsed = time.perf_counter() - start
            if i >= 0:
                times[name].append(elapsed * 1000)

    medians = {name: statistics.median(ts) for name, ts in times.items()}
    print(f"{'case':<14}{'median ms':>11}{'p95 ms':>9}{'× blank':>9}")
    for name, ts in times.items():
        p95 = statistics.quantiles(ts, n=20)[-1]
        ratio = medians[name] / medians["blank page"]
        print(f"{name:<14}{medians[name]:>11.3f}{p95:>9.3f}{ratio:>9.1f}")

    failures = []
    for name in ("label A6", "label 4x6"):
        ratio = medians[name] / medians["blank page"]
        print(f"{name}: ratio to blank page {ratio:.2f} (target ≤ {MAX_RATIO})")
        if medians[name] > MAX_MEDIAN_MS:
            failures.append(f"{name} median {medians[name]:.3f} ms > {MAX_MEDIAN_MS} ms")
        if ratio > MAX_RATIO:
            failures.append(f"{name} is {ratio:.2f}× the blank page (> {MAX_RATIO}×)")
    for failure in failures:
        print("FAIL:", failure)
    print("OK" if not failures else f"{len(failures)} target(s) missed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 300))
